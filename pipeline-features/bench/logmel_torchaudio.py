#!/usr/bin/python3
"""Single-threaded torchaudio log-mel throughput, the baseline for LogMelBenchmark.java.

Per file and iteration: torchaudio.load from disk (decode included), MelSpectrogram at the
profile's settings (float32, as torchaudio runs by default), dB relative to the clip maximum
clipped to [-80, 0] (AmplitudeToDB with top_db=80 against the clip max, i.e. what MelForge
stores), and the windowing into (n_mels, T) tensors of dB/40 + 1 (NSynth: first 128 frames;
speech: consecutive 320-frame windows, the last padded with -80 dB).

    OMP_NUM_THREADS=1 /usr/bin/python3 logmel_torchaudio.py --profile nsynth FILE...

Prints one line: '<profile> torchaudio: ... mean X audio-s/s, best pass Y audio-s/s, cpu Z audio-s/cpu-s'
(Z from this thread's CPU time, steadier on a shared machine).
"""

import argparse
import time

import torch
import torch.nn.functional as F
import torchaudio

PROFILES = {
    "nsynth": dict(n_fft=1024, win_length=1024, hop_length=256, n_mels=80, frames=128, first=True),
    "speech": dict(n_fft=1024, win_length=400, hop_length=160, n_mels=128, frames=320, first=False),
}


def make_pipeline(profile, scale):
    p = PROFILES[profile]
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=16000, n_fft=p["n_fft"], win_length=p["win_length"], hop_length=p["hop_length"],
        f_min=0.0, f_max=8000.0, n_mels=p["n_mels"], power=2.0,
        norm="slaney" if scale == "slaney" else None, mel_scale=scale,
        center=True, pad_mode="reflect")
    frames = p["frames"]

    def run(path):
        wave, sr = torchaudio.load(path)
        if sr != 16000:
            raise ValueError(f"{path}: {sr} Hz, expected 16000")
        s = mel(wave.mean(dim=0))
        db = 10.0 * torch.log10(torch.clamp(s, min=1e-10))
        db = torch.clamp(db - 10.0 * torch.log10(torch.clamp(s.max(), min=1e-10)), min=-80.0, max=0.0)
        if p["first"]:
            db = db[:, :frames]
        count = -(-db.shape[1] // frames)
        db = F.pad(db, (0, count * frames - db.shape[1]), value=-80.0)
        windows = (db / 40.0 + 1.0).reshape(db.shape[0], count, frames).permute(1, 0, 2).contiguous()
        return wave.shape[1] / sr, windows

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", choices=sorted(PROFILES), required=True)
    ap.add_argument("--scale", choices=("slaney", "htk"), default="slaney")
    ap.add_argument("--warmup", type=int, default=2, help="untimed passes over all files")
    ap.add_argument("--iterations", type=int, default=5, help="timed passes over all files")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    run = make_pipeline(args.profile, args.scale)
    for _ in range(args.warmup):
        for f in args.files:
            run(f)
    pass_audio_s = 0.0
    windows = 0
    best = float("inf")
    cpu_start = time.thread_time()
    start = time.perf_counter()
    for _ in range(args.iterations):
        pass_start = time.perf_counter()
        pass_audio_s = 0.0
        for f in args.files:
            seconds, w = run(f)
            pass_audio_s += seconds
            windows += w.shape[0]
        best = min(best, time.perf_counter() - pass_start)
    elapsed = time.perf_counter() - start
    cpu = time.thread_time() - cpu_start
    audio_s = pass_audio_s * args.iterations
    print(f"{args.profile} torchaudio: {len(args.files)} files x {args.iterations} passes, "
          f"{audio_s:.1f} audio-s, {windows} windows in {elapsed:.3f} s -> "
          f"mean {audio_s / elapsed:.1f} audio-s/s, best pass {pass_audio_s / best:.1f} audio-s/s, "
          f"cpu {audio_s / cpu:.1f} audio-s/cpu-s")


if __name__ == "__main__":
    main()
