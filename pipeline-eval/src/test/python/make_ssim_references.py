#!/usr/bin/python3
"""Writes the scikit-image SSIM references that org.melforge.eval.metrics.SsimTest compares against.

Each case is a pair of float32 images (the dtype of stored tensors). The reference is

    skimage.metrics.structural_similarity(im1, im2, gaussian_weights=True, sigma=1.5,
                                          use_sample_covariance=False, data_range=2.0)

called on float64 copies of the float32 arrays: skimage computes in the input's float type, and
its float32 path rounds the local variances (E[x^2] - E[x]^2) in single precision, so the float64
call is the exact value of the metric for the stored data. The gap to the float32 path is printed.
Each case also records SSIM on the first `valid_frames` columns (the crop im[:, :valid_frames])
and NumPy's float64 mean squared error of both.

Before writing, every value is cross-checked against a float64 NumPy SSIM whose Gaussian filter
fills outside the image with NaN (scipy.ndimage.gaussian_filter, mode='constant', cval=nan): the
crop of (win_size - 1) // 2 pixels equals the filter radius, so the pixels that are averaged never
read the boundary extension (skimage's mode='reflect' cannot change the result).

Run with Debian's interpreter (python3-skimage 0.19, numpy 1.24, scipy 1.10) from anywhere:

    /usr/bin/python3 pipeline-eval/src/test/python/make_ssim_references.py

Output (pipeline-eval/src/test/resources/org/melforge/eval/metrics/ssim/):
    *.npy       float32 (rows, cols) images, C order
    cases.tsv   name, im1, im2, valid_frames, ssim, ssim_valid, mse, mse_valid (repr of float64)
"""

import os

import numpy as np
from scipy import ndimage
from skimage.metrics import structural_similarity

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "resources",
                   "org", "melforge", "eval", "metrics", "ssim")
DATA_RANGE = 2.0
SIGMA = 1.5
TRUNCATE = 3.5  # skimage's value with gaussian_weights=True: an 11-tap window
RADIUS = int(TRUNCATE * SIGMA + 0.5)


def skimage_ssim(im1, im2):
    return float(structural_similarity(im1, im2, gaussian_weights=True, sigma=SIGMA,
                                       use_sample_covariance=False, data_range=DATA_RANGE))


def nan_boundary_ssim(im1, im2):
    """Wang et al. 2004 in float64, with NaN outside the image: finite only if the crop never reads it."""
    def filt(a):
        return ndimage.gaussian_filter(a, SIGMA, truncate=TRUNCATE, mode="constant", cval=np.nan)
    ux, uy = filt(im1), filt(im2)
    vx = filt(im1 * im1) - ux * ux
    vy = filt(im2 * im2) - uy * uy
    vxy = filt(im1 * im2) - ux * uy
    c1, c2 = (0.01 * DATA_RANGE) ** 2, (0.03 * DATA_RANGE) ** 2
    s = (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return float(s[RADIUS:-RADIUS, RADIUS:-RADIUS].mean(dtype=np.float64))


def reference(im1, im2):
    """SSIM and MSE of two float32 images, computed in float64, cross-checked."""
    a, b = im1.astype(np.float64), im2.astype(np.float64)
    ssim = skimage_ssim(a, b)
    check = nan_boundary_ssim(a, b)
    assert np.isfinite(check) and abs(check - ssim) < 1e-12, (ssim, check)
    return ssim, float(np.mean((a - b) ** 2)), abs(skimage_ssim(im1, im2) - ssim)


def f32(a):
    return np.ascontiguousarray(a, dtype=np.float32)


def main():
    rng = np.random.default_rng(20240611)
    images = {}

    def uniform(rows, cols):
        return f32(rng.uniform(-1.0, 1.0, size=(rows, cols)))

    images["rand_80x128_a"] = uniform(80, 128)
    images["rand_80x128_b"] = uniform(80, 128)
    images["rand_128x320_a"] = uniform(128, 320)
    # A reconstruction-like partner: the original plus Gaussian noise, clipped to the stored range.
    images["rand_128x320_b"] = f32(np.clip(
        images["rand_128x320_a"] + rng.normal(0.0, 0.1, size=(128, 320)), -1.0, 1.0))
    # Spectrogram-like smooth image (harmonic ridges decaying with frequency), a noisy copy, and its
    # negation (whose SSIM is positive: where the local means are far from 0, both the luminance and
    # the structure terms are negative).
    m, t = np.meshgrid(np.arange(48), np.arange(64), indexing="ij")
    smooth = 0.6 * np.cos(2 * np.pi * m / 16.0) * np.exp(-m / 48.0) + 0.3 * np.sin(2 * np.pi * t / 40.0)
    images["smooth_48x64"] = f32(smooth)
    images["smooth_noise_48x64"] = f32(np.clip(smooth + rng.normal(0.0, 0.05, size=smooth.shape), -1, 1))
    images["smooth_neg_48x64"] = f32(-images["smooth_48x64"])
    images["const_16x24_a"] = f32(np.full((16, 24), 0.25))
    images["const_16x24_b"] = f32(np.full((16, 24), -0.5))
    images["min_11x11_a"] = uniform(11, 11)
    images["min_11x11_b"] = uniform(11, 11)
    images["min_11x40_a"] = uniform(11, 40)
    images["min_11x40_b"] = f32(np.clip(images["min_11x40_a"] + rng.normal(0.0, 0.3, size=(11, 40)), -1, 1))

    # name, im1, im2, valid_frames (columns of the *_valid values)
    cases = [
        ("identical", "rand_128x320_a", "rand_128x320_a", 320),
        ("negated", "smooth_48x64", "smooth_neg_48x64", 64),
        ("constant", "const_16x24_a", "const_16x24_b", 24),
        ("random_80x128", "rand_80x128_a", "rand_80x128_b", 11),
        ("random_128x320", "rand_128x320_a", "rand_128x320_b", 201),
        ("smooth_plus_noise", "smooth_48x64", "smooth_noise_48x64", 40),
        ("minimum_11x11", "min_11x11_a", "min_11x11_b", 11),
        ("minimum_11x40", "min_11x40_a", "min_11x40_b", 23),
    ]

    os.makedirs(OUT, exist_ok=True)
    for name, image in images.items():
        np.save(os.path.join(OUT, name + ".npy"), image)
    rows = ["name\tim1\tim2\tvalid_frames\tssim\tssim_valid\tmse\tmse_valid"]
    for name, a, b, valid in cases:
        im1, im2 = images[a], images[b]
        ssim, mse, gap32 = reference(im1, im2)
        ssim_valid, mse_valid, gap32_valid = reference(f32(im1[:, :valid]), f32(im2[:, :valid]))
        rows.append("\t".join([name, a, b, str(valid), repr(ssim), repr(ssim_valid), repr(mse), repr(mse_valid)]))
        print(f"{name:18s} ssim {ssim: .12f}  valid({valid}) {ssim_valid: .12f}  "
              f"skimage float32 path off by {max(gap32, gap32_valid):.2e}")
    try:
        structural_similarity(np.zeros((10, 128)), np.zeros((10, 128)), gaussian_weights=True,
                              sigma=SIGMA, use_sample_covariance=False, data_range=DATA_RANGE)
        raise AssertionError("skimage accepted a 10-row image")
    except ValueError as e:
        print("10 x 128 refused by skimage:", str(e).split(".")[0])
    with open(os.path.join(OUT, "cases.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
