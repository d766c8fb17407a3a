"""scikit-image twin of org.melforge.eval.bench.SsimPairsBenchmark: SSIM pairs per second of
skimage.metrics.structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=2.0) on one thread, over the pairs of a .npy file of shape
(N, 2, rows, cols) float32 (the arrays are passed as they are stored, float32).

Usage: /usr/bin/python3 ssim_skimage.py PAIRS.npy [WARMUP_SECONDS [ROUND_SECONDS [REPS]]]
Run with OMP_NUM_THREADS=1 (scipy.ndimage's filters are single-threaded anyway). Prints one JSON
line per repetition and a final {"best": true, ...} line with the mean SSIM over the pairs.
"""
import json
import sys
import time

import numpy as np
import skimage
from skimage.metrics import structural_similarity


def ssim(a, b):
    return structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=2.0)


def one_pass(pairs):
    s = 0.0
    for i in range(len(pairs)):
        s += ssim(pairs[i, 0], pairs[i, 1])
    return s


def main():
    pairs = np.load(sys.argv[1])
    warmup = float(sys.argv[2]) if len(sys.argv) > 2 else 3
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    n, two, rows, cols = pairs.shape
    assert two == 2, pairs.shape
    mean_ssim = one_pass(pairs) / n
    t, passes, sink = time.perf_counter(), 0, 0.0
    while passes < 1 or time.perf_counter() - t < warmup:
        sink += one_pass(pairs)
        passes += 1
    per_round = max(1, round(seconds / ((time.perf_counter() - t) / passes)))
    best, best_cpu = 0.0, 0.0
    for r in range(reps):
        c0, w0 = time.thread_time(), time.perf_counter()
        for _ in range(per_round):
            sink += one_pass(pairs)
        wall, cpu = time.perf_counter() - w0, time.thread_time() - c0
        rate = per_round * n / wall
        cpu_us = cpu / (per_round * n) * 1e6
        if rate > best:
            best, best_cpu = rate, cpu_us
        print(json.dumps({"impl": "skimage", "rep": r, "pairs": per_round * n,
                          "pairs_per_s": round(rate, 2), "cpu_us_per_pair": round(cpu_us, 1)}),
              flush=True)
    print(json.dumps({"impl": "skimage", "best": True, "shape": [rows, cols], "n": n,
                      "pairs_per_s": round(best, 2), "cpu_us_per_pair": round(best_cpu, 1),
                      "mean_ssim": round(mean_ssim, 9), "checksum": round(sink, 6),
                      "dtype": str(pairs.dtype), "skimage": skimage.__version__,
                      "numpy": np.__version__}), flush=True)


if __name__ == "__main__":
    main()
