#!/usr/bin/python3
"""Writes the reference arrays that the org.melforge.dsp tests compare against.

A float64 NumPy implementation of the log-mel chain, following librosa's formulas
(librosa.filters.mel with htk/slaney scales and slaney area normalisation,
librosa.stft with center=True and reflect padding, power spectrogram,
librosa.power_to_db with ref=max, amin=1e-10, top_db=80), cross-checked against
torchaudio in float64 before anything is saved.

Run with Debian's interpreter (numpy 1.24, torch 1.13, torchaudio 0.13; librosa is
not needed) from anywhere:

    /usr/bin/python3 pipeline-features/src/test/python/make_dsp_references.py

Output (pipeline-features/src/test/resources/dsp/):
    window_win{1024,400}_nfft1024.npy            float64 periodic Hann, centred in n_fft
    melfb_{nsynth,speech}_{slaney,htk}.npy.gz     float64 (n_mels, n_fft/2+1), gzip'd .npy
    signal_{chirp,tone}.npy                       float32 input samples, 16 kHz
    db_{chirp,tone}_{nsynth,speech}_{slaney,htk}.npy  float32 (n_mels, frames) dB, [-80, 0]
"""

import gzip
import io
import os

import numpy as np
import torch
import torchaudio

SAMPLE_RATE = 16000
F_MIN = 0.0
F_MAX = 8000.0
AMIN = 1e-10
TOP_DB = 80.0

PROFILES = {
    "nsynth": dict(n_fft=1024, win_length=1024, hop_length=256, n_mels=80),
    "speech": dict(n_fft=1024, win_length=400, hop_length=160, n_mels=128),
}
SCALES = ("slaney", "htk")

OUT_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "dsp"))


# ---- librosa's formulas, float64 -------------------------------------------------------

def hz_to_mel(freqs, htk):
    freqs = np.asanyarray(freqs, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + freqs / 700.0)
    f_sp = 200.0 / 3
    mels = freqs / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = freqs >= min_log_hz
    mels = np.where(log_t, min_log_mel + np.log(np.maximum(freqs, min_log_hz) / min_log_hz) / logstep, mels)
    return mels


def mel_to_hz(mels, htk):
    mels = np.asanyarray(mels, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    freqs = f_sp * mels
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = mels >= min_log_mel
    return np.where(log_t, min_log_hz * np.exp(logstep * (mels - min_log_mel)), freqs)


def mel_filterbank(sr, n_fft, n_mels, fmin, fmax, htk, slaney_norm):
    """librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm, dtype=float64)."""
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float64)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if slaney_norm:
        enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    return weights


def hann_window(win_length, n_fft):
    """Periodic Hann (scipy.signal.get_window('hann', N, fftbins=True)), centred in n_fft."""
    n = np.arange(win_length, dtype=np.float64)
    w = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / win_length)
    lpad = (n_fft - win_length) // 2
    return np.pad(w, (lpad, n_fft - win_length - lpad))


def power_spectrogram(y, n_fft, win_length, hop_length):
    """|librosa.stft(y, center=True, pad_mode='reflect')|^2 -> (n_fft/2+1, frames)."""
    y = np.asarray(y, dtype=np.float64)
    if len(y) < n_fft // 2 + 1:
        raise ValueError("clip too short for reflect padding")
    window = hann_window(win_length, n_fft)
    padded = np.pad(y, n_fft // 2, mode="reflect")
    n_frames = 1 + (len(padded) - n_fft) // hop_length
    idx = np.arange(n_fft)[None, :] + hop_length * np.arange(n_frames)[:, None]
    spec = np.fft.rfft(padded[idx] * window[None, :], axis=1)
    return (spec.real ** 2 + spec.imag ** 2).T


def power_to_db(s):
    """librosa.power_to_db(s, ref=np.max, amin=1e-10, top_db=None), then clipped to [-80, 0]."""
    log_spec = 10.0 * np.log10(np.maximum(AMIN, s))
    log_spec -= 10.0 * np.log10(np.maximum(AMIN, np.max(s)))
    return np.clip(log_spec, -TOP_DB, 0.0)


def log_mel_db(y, profile, scale):
    p = PROFILES[profile]
    fb = mel_filterbank(SAMPLE_RATE, p["n_fft"], p["n_mels"], F_MIN, F_MAX,
                        htk=(scale == "htk"), slaney_norm=(scale == "slaney"))
    power = power_spectrogram(y, p["n_fft"], p["win_length"], p["hop_length"])
    return power_to_db(fb @ power)


# ---- torchaudio cross-check ------------------------------------------------------------

def torchaudio_fbank(profile, scale):
    p = PROFILES[profile]
    fb = torchaudio.functional.melscale_fbanks(
        n_freqs=p["n_fft"] // 2 + 1, f_min=F_MIN, f_max=F_MAX, n_mels=p["n_mels"],
        sample_rate=SAMPLE_RATE, norm="slaney" if scale == "slaney" else None, mel_scale=scale)
    return fb.numpy().T


def torchaudio_db(y, profile, scale):
    p = PROFILES[profile]
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=SAMPLE_RATE, n_fft=p["n_fft"], win_length=p["win_length"],
        hop_length=p["hop_length"], f_min=F_MIN, f_max=F_MAX, n_mels=p["n_mels"], power=2.0,
        norm="slaney" if scale == "slaney" else None, mel_scale=scale,
        center=True, pad_mode="reflect").to(torch.float64)
    s = mel(torch.from_numpy(np.asarray(y, dtype=np.float64)))
    db = 10.0 * torch.log10(torch.clamp(s, min=AMIN))
    db = db - 10.0 * torch.log10(torch.clamp(s.max(), min=AMIN))
    return torch.clamp(db, min=-TOP_DB, max=0.0).numpy()


# ---- test signals ----------------------------------------------------------------------

def chirp_with_noise():
    """1.0 s exponential chirp 60 Hz -> 7.5 kHz at 0.5 amplitude plus seeded white noise."""
    t = np.arange(SAMPLE_RATE, dtype=np.float64) / SAMPLE_RATE
    f0, f1, dur = 60.0, 7500.0, 1.0
    k = np.log(f1 / f0) / dur
    phase = 2.0 * np.pi * f0 * (np.exp(k * t) - 1.0) / k
    noise = np.random.default_rng(20240611).normal(0.0, 0.01, t.shape)
    return (0.5 * np.sin(phase) + noise).astype(np.float32)


def decaying_harmonic_tone():
    """4.0 s NSynth-like note: 220 Hz with 12 harmonics, 10 ms attack, exponential decay, release at 3 s."""
    n = 4 * SAMPLE_RATE
    t = np.arange(n, dtype=np.float64) / SAMPLE_RATE
    tone = np.zeros(n)
    for k in range(1, 13):
        tone += np.sin(2.0 * np.pi * 220.0 * k * t + 0.3 * k) / k * np.exp(-0.4 * k * t)
    env = np.minimum(1.0, t / 0.01) * np.where(t < 3.0, 1.0, np.exp(-(t - 3.0) / 0.08))
    return (0.3 * tone * env).astype(np.float32)


# ---- main ------------------------------------------------------------------------------

def save(name, array):
    path = os.path.join(OUT_DIR, name)
    if name.endswith(".gz"):
        buf = io.BytesIO()
        np.save(buf, array)
        with gzip.GzipFile(path, "wb", mtime=0) as f:
            f.write(buf.getvalue())
    else:
        np.save(path, array)
    print(f"  {name:40s} {array.dtype} {array.shape}")


def main():
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)

    for win in (1024, 400):
        ours = hann_window(win, 1024)
        theirs = torch.hann_window(win, periodic=True, dtype=torch.float64).numpy()
        lpad = (1024 - win) // 2
        np.testing.assert_allclose(ours[lpad:lpad + win], theirs, rtol=0, atol=1e-15)
        assert np.all(ours[:lpad] == 0) and np.all(ours[lpad + win:] == 0)
        save(f"window_win{win}_nfft1024.npy", ours)

    for profile, p in PROFILES.items():
        for scale in SCALES:
            fb = mel_filterbank(SAMPLE_RATE, p["n_fft"], p["n_mels"], F_MIN, F_MAX,
                                htk=(scale == "htk"), slaney_norm=(scale == "slaney"))
            np.testing.assert_allclose(fb, torchaudio_fbank(profile, scale), rtol=1e-10, atol=1e-14)
            assert np.all(fb.sum(axis=1) > 0), "empty mel filter"
            save(f"melfb_{profile}_{scale}.npy.gz", fb)

    signals = {"chirp": chirp_with_noise(), "tone": decaying_harmonic_tone()}
    for name, y in signals.items():
        save(f"signal_{name}.npy", y)
        for profile, p in PROFILES.items():
            for scale in SCALES:
                db = log_mel_db(y, profile, scale)
                assert db.shape == (p["n_mels"], 1 + len(y) // p["hop_length"])
                diff = np.max(np.abs(db - torchaudio_db(y, profile, scale)))
                assert diff < 1e-6, f"{name} {profile} {scale}: numpy vs torchaudio {diff} dB"
                assert db.max() == 0.0 and db.min() >= -TOP_DB
                print(f"  {name}/{profile}/{scale}: max |numpy - torchaudio| = {diff:.2e} dB")
                save(f"db_{name}_{profile}_{scale}.npy", db.astype(np.float32))


if __name__ == "__main__":
    main()
