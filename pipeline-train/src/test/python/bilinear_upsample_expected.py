"""Expected values for BilinearUpsampleTest (resources/bilinear_upsample_expected.txt).

Run with Debian's PyTorch (torch 1.13; the python3 on PATH has no torch):
  /usr/bin/python3 bilinear_upsample_expected.py > ../resources/bilinear_upsample_expected.txt
Input: x[b, c, y, x] = ((b * 7 + c * 5 + y * 3 + x) % 11) ** 1.5 / 10, shape (2, 2, 3, 4).
Output: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False), shape (2, 2, 6, 8),
one value per line in C order after a comment line.
"""
import torch
import torch.nn.functional as F

B, C, H, W = 2, 2, 3, 4
x = torch.zeros(B, C, H, W, dtype=torch.float64)
for b in range(B):
    for c in range(C):
        for y in range(H):
            for xx in range(W):
                x[b, c, y, xx] = ((b * 7 + c * 5 + y * 3 + xx) % 11) ** 1.5 / 10
out = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
print("# torch", torch.__version__, "F.interpolate bilinear x2 align_corners=False, shape",
      tuple(out.shape))
for v in out.flatten().tolist():
    print(repr(v))
