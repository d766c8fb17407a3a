"""PyTorch twin of org.melforge.model.TrainingBenchmark: training throughput (samples/s) of a
MelForge preset with exactly the Java architecture (pipeline-train/src/main/java/org/melforge/model)
on random input in [-1, 1], Adam 1e-3, float32.

Usage: /usr/bin/python3 bench/train_torch.py --preset vqvae-128x320 --batch 8 --threads 1 \
           [--warmup 3] [--warmup-seconds 6] [--steps 5] [--round-seconds 3] [--rounds 3]
Warm-up runs at least --warmup steps and --warmup-seconds; each timed round runs at least --steps
steps and about --round-seconds (from the warm-up's step time).
Prints one JSON line per round and a final {"best": true, ...} line (the best round) with the
number of parameters and quantizer state elements, which equals the Java graph's numParams().
"""
import argparse
import json
import os
import re
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "conf")


def read_conf(path, out=None, prefix=""):
    """The `key = value` settings of a HOCON file as dotted keys (enough for conf/ files)."""
    out = {} if out is None else out
    stack = [prefix] if prefix else []
    for raw in open(path):
        line = re.sub(r"\s+#.*$", "", raw.strip())
        if not line or line.startswith("#"):
            continue
        m = re.match(r'include\s+"(.+)"', line)
        if m:
            read_conf(os.path.join(os.path.dirname(path), m.group(1)), out)
        elif line.endswith("{"):
            stack.append(line[:-1].strip())
        elif line == "}":
            stack.pop()
        elif "=" in line:
            key, value = (s.strip() for s in line.split("=", 1))
            out[".".join(stack + [key])] = parse_value(value)
    return out


def parse_value(value):
    try:
        return json.loads(value)
    except ValueError:
        return value


def preset(name):
    conf = read_conf(os.path.join(CONF, "defaults.conf"))
    read_conf(os.path.join(CONF, "presets", name + ".conf"), conf)
    # model.<key> and model.<section>.<key> (timbre-vae, vq) by their last name: no two collide
    model = {k.split(".")[-1]: v for k, v in conf.items() if k.startswith("model.")}
    return model, int(conf["train.batch-size"])


def conv(cin, cout, k, s, p, bias=True):
    return nn.Conv2d(cin, cout, k, s, p, bias=bias)


class Residual(nn.Module):
    """Blocks.residualStack: x + Conv1x1(ReLU(Conv3x3(ReLU(x)))) per layer, then ReLU."""

    def __init__(self, ch, layers, hidden):
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.ReLU(), conv(ch, hidden, 3, 1, 1, False), nn.ReLU(),
                          conv(hidden, ch, 1, 1, 0, False)) for _ in range(layers))

    def forward(self, x):
        for b in self.blocks:
            x = x + b(x)
        return F.relu(x)


class EmaQuantizer(nn.Module):
    """VectorQuantizer (EMA mode) + EmaCodebook: nearest code, straight-through, commitment loss
    commitment * mean (z - sg(e))^2, then the EMA update with Laplace smoothing and dead-code
    revival after the backward pass."""

    def __init__(self, k, d, commitment, decay, eps, threshold):
        super().__init__()
        self.k, self.d, self.commitment = k, d, commitment
        self.decay, self.eps, self.threshold = decay, eps, threshold
        self.register_buffer("codebook", torch.randn(k, d))
        self.register_buffer("cluster_size", torch.ones(k))
        self.register_buffer("embed_sum", self.codebook.clone())
        self.pending = None

    def forward(self, x):
        b, d, h, w = x.shape
        z = x.permute(0, 2, 3, 1).reshape(-1, d)
        e = self.codebook
        dist = z.pow(2).sum(1, keepdim=True) - 2 * z @ e.t() + e.pow(2).sum(1)[None, :]
        idx = dist.argmin(1)
        q = F.one_hot(idx, self.k).to(z.dtype) @ e
        st = z + (q - z).detach()
        loss = self.commitment * (z - q.detach()).pow(2).mean()
        if self.training:
            zd = z.detach()
            onehot = F.one_hot(idx, self.k).to(z.dtype)
            self.pending = (onehot.sum(0), onehot.t() @ zd, zd)
        return st.reshape(b, h, w, d).permute(0, 3, 1, 2), loss

    @torch.no_grad()
    def apply_statistics(self, generator):
        counts, sums, candidates = self.pending
        self.pending = None
        self.cluster_size.mul_(self.decay).add_(counts, alpha=1 - self.decay)
        self.embed_sum.mul_(self.decay).add_(sums, alpha=1 - self.decay)
        n = self.cluster_size.sum()
        smoothed = (self.cluster_size + self.eps) / (n + self.k * self.eps) * n
        self.codebook.copy_(self.embed_sum / smoothed[:, None])
        if self.threshold > 0:
            dead = (self.cluster_size < self.threshold).nonzero().flatten()
            if len(dead):
                pick = torch.randint(len(candidates), (len(dead),), generator=generator)
                self.codebook[dead] = candidates[pick]
                self.cluster_size[dead] = self.threshold
                self.embed_sum[dead] = candidates[pick] * self.threshold


def quantizer(m):
    return EmaQuantizer(int(m["num-embeddings"]), int(m["embedding-dim"]), m["commitment-cost"],
                        m["ema-decay"], m["ema-epsilon"], m["dead-code-threshold"])


class VqVae(nn.Module):
    def __init__(self, m):
        super().__init__()
        nh, d = int(m["num-hiddens"]), int(m["embedding-dim"])
        rl, rh = int(m["num-residual-layers"]), int(m["num-residual-hiddens"])
        self.encoder = nn.Sequential(conv(1, nh // 2, 4, 2, 1), nn.ReLU(), conv(nh // 2, nh, 4, 2, 1),
                                     nn.ReLU(), conv(nh, nh, 3, 1, 1), Residual(nh, rl, rh),
                                     conv(nh, d, 1, 1, 0))
        self.vq = quantizer(m)
        self.decoder = nn.Sequential(conv(d, nh, 3, 1, 1), Residual(nh, rl, rh),
                                     nn.ConvTranspose2d(nh, nh // 2, 4, 2, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(nh // 2, 1, 4, 2, 1))

    def loss(self, x, eps, beta):
        q, vq_loss = self.vq(self.encoder(x))
        return F.mse_loss(self.decoder(q), x) + vq_loss

    def quantizers(self):
        return [self.vq]


class AudDsr(nn.Module):
    def __init__(self, m):
        super().__init__()
        nh, d = int(m["num-hiddens"]), int(m["embedding-dim"])
        rl, rh = int(m["num-residual-layers"]), int(m["num-residual-hiddens"])
        self.enc_b = nn.Sequential(conv(1, nh // 2, 4, 2, 1), nn.ReLU(), conv(nh // 2, nh, 4, 2, 1),
                                   nn.ReLU(), conv(nh, nh, 3, 1, 1), Residual(nh, rl, rh))
        self.enc_t = nn.Sequential(conv(nh, nh, 4, 2, 1), nn.ReLU(), conv(nh, nh, 3, 1, 1),
                                   Residual(nh, rl, rh))
        self.pre_vq_top = conv(nh, d, 1, 1, 0)
        self.vq_top = quantizer(m)
        self.up_top = nn.ConvTranspose2d(d, d, 4, 2, 1)
        self.pre_vq_bottom = conv(nh + d, d, 1, 1, 0)
        self.vq_bottom = quantizer(m)
        self.decoder = nn.Sequential(conv(2 * d, nh, 3, 1, 1), Residual(nh, rl, rh),
                                     nn.ConvTranspose2d(nh, nh // 2, 4, 2, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(nh // 2, 1, 4, 2, 1))

    def loss(self, x, eps, beta):
        f1 = self.enc_b(x)
        top, top_loss = self.vq_top(self.pre_vq_top(self.enc_t(f1)))
        cat = torch.cat([f1, self.up_top(top)], 1)
        bottom, bottom_loss = self.vq_bottom(self.pre_vq_bottom(cat))
        up = F.interpolate(top, scale_factor=2, mode="bilinear", align_corners=False)
        recon = self.decoder(torch.cat([up, bottom], 1))
        return F.mse_loss(recon, x) + top_loss + bottom_loss

    def quantizers(self):
        return [self.vq_top, self.vq_bottom]


class TimbreVae(nn.Module):
    def __init__(self, m):
        super().__init__()
        c = [int(v) for v in m["encoder-channels"]]
        self.latent, self.free_bits = int(m["latent-dim"]), m["free-bits"]
        self.shape = (c[2], int(m["n-mels"]) // 8, int(m["n-frames"]) // 8)
        flat = c[2] * self.shape[1] * self.shape[2]
        self.encoder = nn.Sequential(conv(1, c[0], 3, 2, 1), nn.ReLU(), conv(c[0], c[1], 3, 2, 1),
                                     nn.ReLU(), conv(c[1], c[2], 3, 2, 1), nn.ReLU(), nn.Flatten())
        self.fc_mu = nn.Linear(flat, self.latent)
        self.fc_logvar = nn.Linear(flat, self.latent)
        self.fc_dec = nn.Linear(self.latent, flat)
        self.decoder = nn.Sequential(nn.ConvTranspose2d(c[2], c[1], 4, 2, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(c[1], c[0], 4, 2, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(c[0], 1, 4, 2, 1))

    def loss(self, x, eps, beta):
        h = self.encoder(x)
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        z = mu + eps * torch.exp(0.5 * logvar)
        recon = self.decoder(self.fc_dec(z).view(-1, *self.shape))
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())
        return F.mse_loss(recon, x) + beta * torch.clamp(kl.mean(0), min=self.free_bits).sum()

    def quantizers(self):
        return []


def build(model):
    family = model["family"]
    return {"vqvae": VqVae, "auddsr": AudDsr, "timbre-vae": TimbreVae}[family](model)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--preset", required=True)
    p.add_argument("--batch", type=int, default=0, help="0: the preset's train.batch-size")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=3, help="at least this many warm-up steps")
    p.add_argument("--warmup-seconds", type=float, default=6, help="and at least this long")
    p.add_argument("--steps", type=int, default=5, help="at least this many steps per round")
    p.add_argument("--round-seconds", type=float, default=3, help="and about this long")
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m, preset_batch = preset(a.preset)
    batch = a.batch or preset_batch
    model = build(m).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(1)
    h, w = int(m["n-mels"]), int(m["n-frames"])
    x = torch.rand(batch, 1, h, w) * 2 - 1
    latent = int(m.get("latent-dim", 1))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model.loss(x, torch.randn(batch, latent), 1.0)
        loss.backward()
        opt.step()
        for q in model.quantizers():
            q.apply_statistics(gen)
        return loss

    t, done = time.perf_counter(), 0
    while done < a.warmup or time.perf_counter() - t < a.warmup_seconds:
        step()
        done += 1
    steps = max(a.steps, round(a.round_seconds * done / (time.perf_counter() - t)))
    best = 0.0
    for r in range(a.rounds):
        t = time.perf_counter()
        for _ in range(steps):
            loss = step()
        rate = steps * batch / (time.perf_counter() - t)
        best = max(best, rate)
        print(json.dumps({"impl": "pytorch", "preset": a.preset, "batch": batch,
                          "threads": a.threads, "round": r, "samples_per_s": round(rate, 3),
                          "loss": round(float(loss), 5)}), flush=True)
    print(json.dumps({"impl": "pytorch", "preset": a.preset, "batch": batch, "threads": a.threads,
                      "best": True, "samples_per_s": round(best, 3),
                      "params": sum(t.numel() for t in [*model.parameters(), *model.buffers()]),
                      "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
