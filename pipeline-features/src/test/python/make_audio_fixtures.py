#!/usr/bin/python3
"""Generates the committed test fixtures of org.melforge.audio (WAV/FLAC files and reference .npy arrays).

Run with Debian's python3 (numpy, torch/torchaudio 0.13, the `sox` and `flac` CLIs):

    /usr/bin/python3 pipeline-features/src/test/python/make_audio_fixtures.py

Everything is deterministic. Expected sample values are computed here in numpy from the integer samples
that are written (int / 2^(bits-1), u8: (u - 128) / 128), independently of the Java decoder; FLAC
expectations come from `flac -d`; resampling references from torchaudio.functional.resample.
The Maven build only reads the committed outputs and never runs this script.
"""

import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchaudio

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "audio"))
LIBRISPEECH = "/work/shared/data/librispeech-mini/LibriSpeech/dev-clean"
LIBRISPEECH_REF = "7021/101310/7021-101310-0000.flac"
LIBRISPEECH_HEAD = 8000

RATE = 16000
FRAMES = 1600  # 0.1 s

PCM = 1
IEEE_FLOAT = 3
EXTENSIBLE = 0xFFFE
GUID_TAIL = bytes([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])


def path(name):
    return os.path.join(OUT, name)


def write_bytes(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def save_npy(name, array):
    np.save(path(name), np.ascontiguousarray(array))


def signal(frames, rate, channels):
    """Deterministic test signal in [-0.95, 0.95], one distinct tone + noise per channel: shape (channels, frames)."""
    rng = np.random.RandomState(1234 + channels)
    t = np.arange(frames) / rate
    rows = []
    for c in range(channels):
        tone = 0.6 * np.sin(2 * np.pi * (440.0 * (c + 1) + 37.0 * c) * t + 0.3 * c)
        rows.append(tone + 0.1 * rng.uniform(-1.0, 1.0, frames))
    return np.clip(np.array(rows), -0.95, 0.95)


def chunk(cid, payload):
    data = cid + struct.pack("<I", len(payload)) + payload
    return data + (b"\x00" if len(payload) % 2 else b"")


def fmt_chunk(tag, channels, rate, bits, extensible_sub=None, valid_bits=None):
    block = channels * bits // 8
    body = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    if extensible_sub is not None:
        mask = (1 << channels) - 1
        body += struct.pack("<HHI", 22, valid_bits or bits, mask) + struct.pack("<H", extensible_sub) + GUID_TAIL
    return chunk(b"fmt ", body)


def riff(*chunks):
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def interleave(ints):
    return np.ascontiguousarray(ints.T)


def pcm_bytes(ints, bits):
    """Little-endian PCM bytes of integer samples (channels, frames); 8-bit is unsigned."""
    inter = interleave(ints)
    if bits == 8:
        return inter.astype(np.uint8).tobytes()
    if bits == 16:
        return inter.astype("<i2").tobytes()
    if bits == 32:
        return inter.astype("<i4").tobytes()
    if bits == 24:
        b = inter.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3]
        return b.tobytes()
    raise ValueError(bits)


def quantize(x, bits):
    if bits == 8:
        return np.clip(np.round(x * 128.0) + 128, 0, 255).astype(np.int64)
    scale = float(2 ** (bits - 1))
    return np.clip(np.round(x * scale), -scale, scale - 1).astype(np.int64)


def expected_from_ints(ints, bits):
    if bits == 8:
        return ((ints.astype(np.float64) - 128.0) / 128.0).astype(np.float32)
    return (ints.astype(np.float64) / float(2 ** (bits - 1))).astype(np.float32)


def pcm_wav(ints, bits, rate, extensible=False, extra_chunks=()):
    channels = ints.shape[0]
    fmt = fmt_chunk(EXTENSIBLE if extensible else PCM, channels, rate, bits,
                    extensible_sub=PCM if extensible else None)
    return riff(fmt, *extra_chunks, chunk(b"data", pcm_bytes(ints, bits)))


def float_wav(x32, rate, extensible=False):
    channels = x32.shape[0]
    fmt = fmt_chunk(EXTENSIBLE if extensible else IEEE_FLOAT, channels, rate, 32,
                    extensible_sub=IEEE_FLOAT if extensible else None)
    fact = chunk(b"fact", struct.pack("<I", x32.shape[1]))
    return riff(fmt, fact, chunk(b"data", interleave(x32).astype("<f4").tobytes()))


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_wav_ints(data):
    """Minimal reader for the PCM WAV files `flac -d` writes: returns (ints (channels, frames), bits)."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            tag, channels, _, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == EXTENSIBLE:
                tag = struct.unpack("<H", body[24:26])[0]
            assert tag == PCM, tag
            fmt = (channels, bits)
        elif cid == b"data":
            channels, bits = fmt
            width = bits // 8
            raw = np.frombuffer(body, np.uint8).reshape(-1, channels, width).astype(np.int64)
            vals = np.zeros(raw.shape[:2], np.int64)
            for k in range(width):
                vals |= raw[:, :, k] << (8 * k)
            if bits > 8:
                vals = np.where(vals >= 2 ** (bits - 1), vals - 2 ** bits, vals)
            return vals.T, bits
        pos += 8 + size + (size & 1)
    raise ValueError("no data chunk")


def flac_encode(wav_name, flac_name, *options):
    run("flac", "-s", "-f", "--no-padding", *options, "-o", path(flac_name), path(wav_name))


def flac_decode_ints(flac_path):
    """Integer samples (channels, frames) and bits of `flac -d` output."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d.wav")
        run("flac", "-s", "-d", "-f", "-o", out, flac_path)
        with open(out, "rb") as f:
            return read_wav_ints(f.read())


def make_formats():
    x2 = signal(FRAMES, RATE, 2)
    written = {}
    for bits in (8, 16, 24, 32):
        ints = quantize(x2, bits)
        name = "stereo_u8.wav" if bits == 8 else f"stereo_s{bits}.wav"
        write_bytes(name, pcm_wav(ints, bits, RATE))
        save_npy(name.replace(".wav", ".npy"), expected_from_ints(ints, bits))
        written[bits] = ints

    # 16-bit again, with an odd-sized LIST chunk (pad byte) and an unknown chunk between fmt and data.
    info = chunk(b"LIST", b"INFOISFT" + struct.pack("<I", 5) + b"mf.0\x00")
    junk = chunk(b"junk", b"\x01\x02\x03")
    write_bytes("stereo_s16_chunks.wav", pcm_wav(written[16], 16, RATE, extra_chunks=(info, junk)))
    write_bytes("stereo_s16_ext.wav", pcm_wav(written[16], 16, RATE, extensible=True))

    x32 = x2.astype(np.float32)
    write_bytes("stereo_f32.wav", float_wav(x32, RATE))
    write_bytes("stereo_f32_ext.wav", float_wav(x32, RATE, extensible=True))
    save_npy("stereo_f32.npy", x32)

    ints3 = quantize(signal(FRAMES, RATE, 3), 16)
    write_bytes("three_channel_s16.wav", pcm_wav(ints3, 16, RATE))
    save_npy("three_channel_s16.npy", expected_from_ints(ints3, 16))

    ints44 = quantize(signal(4410, 44100, 1), 16)
    write_bytes("mono_44k_s16.wav", pcm_wav(ints44, 16, 44100))
    save_npy("mono_44k_s16.npy", expected_from_ints(ints44, 16))

    # FLAC: small blocks so that the files hold several frames (needed for the truncation fixture).
    flac_encode("stereo_s16.wav", "stereo_s16.flac", "-b", "512")
    flac_encode("stereo_s24.wav", "stereo_s24.flac", "-b", "512")
    flac_encode("stereo_u8.wav", "stereo_s8.flac", "-b", "512")
    # `flac -d` must give back exactly the PCM samples, so stereo_s16.npy / stereo_s24.npy are also the
    # expectations for the FLAC files (not stored twice).
    # FLAC stores 8-bit samples signed; `flac -d` writes them back as unsigned 8-bit WAV.
    for name, bits in (("stereo_s16.flac", 16), ("stereo_s24.flac", 24), ("stereo_s8.flac", 8)):
        ints, decoded_bits = flac_decode_ints(path(name))
        assert decoded_bits == bits and np.array_equal(ints, written[bits]), name

    with open(path("stereo_s16.flac"), "rb") as f:
        flac16 = f.read()
    id3 = b"ID3" + bytes([4, 0, 0]) + bytes([0, 0, 0, 20]) + b"\x00" * 20
    write_bytes("stereo_s16_id3.flac", id3 + flac16)
    return flac16


def make_bad_files(flac16):
    with open(path("stereo_s16.wav"), "rb") as f:
        s16 = f.read()
    write_bytes("bad_truncated_data.wav", s16[: 44 + (len(s16) - 44) // 2])
    write_bytes("bad_header_cut.wav", s16[:30])
    write_bytes("bad_not_audio.wav", b"This is a plain text file that was given a .wav name.\n")
    write_bytes("bad_empty.wav", b"")
    write_bytes("bad_zero_frames.wav", riff(fmt_chunk(PCM, 2, RATE, 16), chunk(b"data", b"")))
    write_bytes("bad_garbage_fmt.wav",
                riff(chunk(b"fmt ", np.random.RandomState(7).bytes(16)), chunk(b"data", s16[44:1044])))

    ints = quantize(signal(400, RATE, 1), 16)
    write_bytes("mono_s16.wav", pcm_wav(ints, 16, RATE))
    run("sox", "-D", path("mono_s16.wav"), "-e", "a-law", path("bad_alaw.wav"))
    run("sox", "-D", path("mono_s16.wav"), "-e", "floating-point", "-b", "64", path("bad_float64.wav"))
    os.remove(path("mono_s16.wav"))
    write_bytes("mono_s32.wav", pcm_wav(quantize(signal(400, RATE, 1), 32), 32, RATE, extensible=True))
    flac_encode("mono_s32.wav", "bad_s32.flac")
    os.remove(path("mono_s32.wav"))

    # FLAC frames start after the metadata; cut / corrupt well inside the frame data.
    write_bytes("bad_truncated.flac", flac16[: int(len(flac16) * 0.6)])
    corrupt = bytearray(flac16)
    mid = len(corrupt) // 2
    for i in range(mid, mid + 24):
        corrupt[i] ^= 0x5A
    write_bytes("bad_corrupt.flac", bytes(corrupt))


def make_resample_refs():
    torch.set_num_threads(1)
    for orig in (44100, 22050, 48000, 8000, 24000):
        n = orig // 10 + 7  # a length that is not a multiple of the reduced rate
        x = (0.7 * signal(n, orig, 1)[0]).astype(np.float32)
        y = torchaudio.functional.resample(torch.from_numpy(x)[None], orig, 16000)[0].numpy()
        save_npy(f"resample_in_{orig}.npy", x)
        save_npy(f"resample_{orig}_to_16000.npy", y.astype(np.float32))
        if orig in (44100, 22050):
            # torchaudio computes the kernel in the waveform's dtype: its float32 result is off by up to
            # ~6e-6; the float64 one shows how close a double-precision implementation should be.
            y64 = torchaudio.functional.resample(torch.from_numpy(x.astype(np.float64))[None], orig, 16000)[0]
            save_npy(f"resample_{orig}_to_16000_f64.npy", y64.numpy())


def make_librispeech_ref():
    src = os.path.join(LIBRISPEECH, LIBRISPEECH_REF)
    if not os.path.exists(src):
        print("skipping LibriSpeech reference: " + src + " not found", file=sys.stderr)
        return
    ints, bits = flac_decode_ints(src)
    expected = expected_from_ints(ints, bits)
    save_npy("librispeech_head.npy", expected[0, :LIBRISPEECH_HEAD])
    with open(path("librispeech_reference.properties"), "w") as f:
        f.write("# `flac -d` of the file below: its length; librispeech_head.npy holds its first samples\n")
        f.write(f"path={LIBRISPEECH_REF}\nframes={ints.shape[1]}\nsample_rate=16000\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    flac16 = make_formats()
    make_bad_files(flac16)
    make_resample_refs()
    make_librispeech_ref()
    total = sum(os.path.getsize(path(n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
