"""PyTorch twin of the eval job's scoring (org.melforge.eval.bench.EvalJobBenchmark): the same
architecture as a MelForge preset (pipeline-train/bench/train_torch.py's model, random
initialisation) over the same tensors (exported by EvalJobBenchmark export: x.npy (N, n_mels,
n_frames) float32 in id order, valid_frames.npy), in inference mode, batches of --batch, one thread.

Per example, as the job's PartitionScore: MSE, PSNR (10 log10(4 / MSE)), RMSE in dB (40 sqrt(MSE))
and SSIM (scikit-image structural_similarity(gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=2.0)) on the whole tensor and, when the example has padding,
on its valid frames; the loss parts (reconstruction MSE, each quantizer's commitment loss or the
VAE's KL, the total); per batch the code histogram of each quantizer. A pass = np.load of the
tensors, the scoring, and np.save of the per-example table (the job writes Parquet); timed from
the load to the save.

Usage: /usr/bin/python3 eval_torch.py --preset vqvae-128x320 --tensors DIR --out DIR \
           [--batch 32] [--warmup 1] [--repeats 2] [--threads 1]
Prints one JSON line per pass (with the time in the model, in the metrics, and in load + save) and
a final {"best": true, ...} line.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "pipeline-train", "bench"))
import train_torch  # noqa: E402  (the PyTorch twins of the presets)


def ssim(a, b):
    return structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=2.0)


def quantize(vq, x):
    """The quantizer in inference: nearest code (gathered), per-example commitment loss, codes."""
    b, d, h, w = x.shape
    z = x.permute(0, 2, 3, 1).reshape(-1, d)
    e = vq.codebook
    dist = z.pow(2).sum(1, keepdim=True) - 2 * z @ e.t() + e.pow(2).sum(1)[None, :]
    idx = dist.argmin(1)
    q = e[idx]
    loss = vq.commitment * (z - q).pow(2).reshape(b, -1).mean(1)
    return q.reshape(b, h, w, d).permute(0, 3, 1, 2), loss, idx


def forward(model, x):
    """Reconstruction, per-example loss parts (name -> (B,)), code indices per quantizer."""
    if isinstance(model, train_torch.VqVae):
        q, loss, idx = quantize(model.vq, model.encoder(x))
        return model.decoder(q), {"vq_loss": loss}, [idx]
    if isinstance(model, train_torch.AudDsr):
        f1 = model.enc_b(x)
        top, top_loss, top_idx = quantize(model.vq_top, model.pre_vq_top(model.enc_t(f1)))
        cat = torch.cat([f1, model.up_top(top)], 1)
        bottom, bottom_loss, bottom_idx = quantize(model.vq_bottom, model.pre_vq_bottom(cat))
        up = F.interpolate(top, scale_factor=2, mode="bilinear", align_corners=False)
        recon = model.decoder(torch.cat([up, bottom], 1))
        return recon, {"vq_top_loss": top_loss, "vq_bottom_loss": bottom_loss}, [top_idx, bottom_idx]
    # timbre-vae: z = mu, as the job's evaluation batch (no noise)
    h = model.encoder(x)
    mu, logvar = model.fc_mu(h), model.fc_logvar(h)
    recon = model.decoder(model.fc_dec(mu).view(-1, *model.shape))
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())
    return recon, {"kl": kl.sum(1)}, []


def metrics(o, r, valid):
    """mse, psnr, rmse_db, ssim and the same on the valid frames, as ExampleMetrics."""
    d = o.astype(np.float64) - r
    mse = float(np.mean(d * d))
    whole = [mse, 10 * math.log10(4 / mse) if mse > 0 else math.inf, 40 * math.sqrt(mse), ssim(o, r)]
    n_frames = o.shape[1]
    if valid == n_frames:
        return whole + whole
    if valid == 0:
        return whole + [math.nan] * 4
    dv = d[:, :valid]
    mv = float(np.mean(dv * dv))
    sv = ssim(np.ascontiguousarray(o[:, :valid]), np.ascontiguousarray(r[:, :valid])) \
        if valid >= 11 else math.nan
    return whole + [mv, 10 * math.log10(4 / mv) if mv > 0 else math.inf, 40 * math.sqrt(mv), sv]


def one_pass(model, tensors, out, batch, codebook):
    t0 = time.perf_counter()
    x_all = np.load(os.path.join(tensors, "x.npy"))
    valid = np.load(os.path.join(tensors, "valid_frames.npy")).astype(np.int64)
    t_load = time.perf_counter() - t0
    rows, counts = [], None
    t_model = t_metrics = 0.0
    with torch.no_grad():
        for s in range(0, len(x_all), batch):
            t1 = time.perf_counter()
            x = torch.from_numpy(x_all[s:s + batch]).unsqueeze(1)
            recon, losses, codes = forward(model, x)
            r = recon.squeeze(1).numpy()
            recon_loss = (recon - x).pow(2).reshape(len(x), -1).mean(1)
            total = recon_loss.clone()
            for v in losses.values():
                total += v
            hist = [torch.bincount(c, minlength=codebook) for c in codes]
            counts = hist if counts is None else [a + b for a, b in zip(counts, hist)]
            t2 = time.perf_counter()
            for i in range(len(x)):
                rows.append(metrics(x_all[s + i], r[i], int(valid[s + i]))
                            + [float(recon_loss[i])] + [float(v[i]) for v in losses.values()]
                            + [float(total[i])])
            t3 = time.perf_counter()
            t_model += t2 - t1
            t_metrics += t3 - t2
    t4 = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "examples.npy"), np.array(rows))
    for k, c in enumerate(counts or []):
        np.save(os.path.join(out, f"codes{k}.npy"), c.numpy())
    t_save = time.perf_counter() - t4
    return len(x_all), time.perf_counter() - t0, t_model, t_metrics, t_load + t_save, np.array(rows)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--preset", required=True)
    p.add_argument("--tensors", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m, _ = train_torch.preset(a.preset)
    model = train_torch.build(m).eval()
    codebook = int(m.get("num-embeddings", 1))
    best = None
    for i in range(a.warmup + a.repeats):
        c0 = time.process_time()
        n, seconds, t_model, t_metrics, t_io, rows = one_pass(model, a.tensors, a.out, a.batch, codebook)
        cpu = time.process_time() - c0
        timed = i >= a.warmup
        line = {"impl": "pytorch", "label": a.preset, "phase": "timed" if timed else "warmup",
                "run": i, "examples": n, "seconds": round(seconds, 3),
                "examples_per_s": round(n / seconds, 3), "cpu_seconds": round(cpu, 3),
                "examples_per_cpu_s": round(n / cpu, 3), "model_s": round(t_model, 3),
                "metrics_s": round(t_metrics, 3), "io_s": round(t_io, 3)}
        print(json.dumps(line), flush=True)
        if timed and (best is None or line["examples_per_s"] > best["examples_per_s"]):
            best = line
    best = dict(best, best=True, torch=torch.__version__, threads=torch.get_num_threads(),
                mean_ssim=round(float(np.nanmean(rows[:, 3])), 6))
    best.pop("phase")
    best.pop("run")
    print(json.dumps(best), flush=True)


if __name__ == "__main__":
    main()
