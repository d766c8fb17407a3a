"""PyTorch twin of ConvSpeedBenchmark's `layers` mode: ConvTranspose2d(k4, s2, p1) forward and
backward (input, weight and bias gradients) per MelForge layer shape, float32, best of N runs.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/layers_torch.py [threads] [batches]
e.g.   /usr/bin/python3 bench/layers_torch.py 1 8,32
"""
import sys
import time

import torch

SHAPES = [
    ("mel320 128->64", 128, 64, 32, 80),
    ("mel320 64->1", 64, 1, 64, 160),
    ("vq80 128->64", 128, 64, 20, 32),
    ("vq80 64->1", 64, 1, 40, 64),
    ("timbre 64->32", 64, 32, 10, 16),
    ("timbre 32->16", 32, 16, 20, 32),
    ("timbre 16->1", 16, 1, 40, 64),
]


def best_ms(fn, reps):
    for _ in range(2):
        fn()
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1e3


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    batches = [int(b) for b in sys.argv[2].split(",")] if len(sys.argv) > 2 else [8, 32]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    print(f"# torch {torch.__version__} threads={threads}")
    print("layer | batch | fwd ms | fwd+bwd ms | bwd ms")
    for batch in batches:
        for name, cin, cout, h, w in SHAPES:
            layer = torch.nn.ConvTranspose2d(cin, cout, 4, 2, 1)
            x = torch.rand(batch, cin, h, w, requires_grad=True)
            y = torch.rand(batch, cout, 2 * h, 2 * w)
            reps = 4 if batch > 8 else 8

            def fwd():
                with torch.no_grad():
                    layer(x)

            def fwd_bwd():
                layer.zero_grad(set_to_none=True)
                x.grad = None
                torch.nn.functional.mse_loss(layer(x), y).backward()

            f = best_ms(fwd, reps)
            a = best_ms(fwd_bwd, reps)
            print(f"{name} | {batch} | {f:.2f} | {a:.2f} | {a - f:.2f}")


if __name__ == "__main__":
    main()
