"""Writes the PyTorch ConvTranspose2d(3, 2, 4, 2, 1) reference used by TransposedConv2DTorchTest.

Deterministic inputs (no RNG): x[i] = sin(0.7 i), W[i] = cos(0.3 i) / 4, b = [0.1, -0.2], all in
C order, float64. Output: one line per array (x, W, b, y, dL/dx, dL/dW, dL/db for L = sum(y * y) / 2),
values space-separated. Run: /usr/bin/python3 src/test/python/transposed_conv_reference.py > \
src/test/resources/org/melforge/model/layers/conv_transpose2d_reference.txt
"""
import math

import torch

B, CIN, COUT, H, W = 2, 3, 2, 3, 4
x = torch.tensor([math.sin(0.7 * i) for i in range(B * CIN * H * W)], dtype=torch.float64).reshape(B, CIN, H, W)
weight = torch.tensor([math.cos(0.3 * i) / 4 for i in range(CIN * COUT * 16)], dtype=torch.float64).reshape(CIN, COUT, 4, 4)
bias = torch.tensor([0.1, -0.2], dtype=torch.float64)
layer = torch.nn.ConvTranspose2d(CIN, COUT, 4, 2, 1).double()
with torch.no_grad():
    layer.weight.copy_(weight)
    layer.bias.copy_(bias)
x.requires_grad_(True)
y = layer(x)
(y * y).sum().div(2).backward()
for t in (x, weight, bias, y, x.grad, layer.weight.grad, layer.bias.grad):
    print(" ".join(repr(float(v)) for v in t.detach().reshape(-1)))
