#!/usr/bin/python3
"""IHT on a hidden-layer network d -> H -> c, "what a strong PyTorch user would
write": all B runs at once, each with its own split and theta; per step two
baddbmm forwards, the activation, per-run cross-entropy, backpropagation by
hand (three bmm), then topk per row on |theta| and a scatter. theta in
docs/SPEC.md §9's order: W1 (d x H, input-major), b1, W2 (H x c), b2. tol = 0,
so every run makes exactly N updates (the loss is still computed every step).
The same work as `ihtbatch_bench --hidden H` (see bench/README.md)."""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iht_torch as it  # noqa: E402

ACTS = {
    "tanh": (torch.tanh, lambda pre, a: 1 - a * a),
    "relu": (torch.relu, lambda pre, a: (pre > 0).to(a.dtype)),
    "sigmoid": (torch.sigmoid, lambda pre, a: a * (1 - a)),
}


def make_loss_grad(X, Y, c, h, activation):
    """X (B,m,d), Y (B,m) -> fn(theta (B,n)) = (loss (B,), grad (B,n))."""
    B, m, d = X.shape
    act, slope = ACTS[activation]
    Xt = X.transpose(1, 2).contiguous()  # (B,d,m)
    onehot = F.one_hot(Y, c).to(X.dtype)  # (B,m,c)
    Yi = Y[:, :, None]
    o1, o2, o3 = d * h, d * h + h, d * h + h + h * c

    def f(theta):
        W1, b1 = theta[:, :o1].view(B, d, h), theta[:, o1:o2]
        W2, b2 = theta[:, o2:o3].view(B, h, c), theta[:, o3:]
        pre = torch.baddbmm(b1[:, None, :], X, W1)  # (B,m,h)
        a = act(pre)
        z = torch.baddbmm(b2[:, None, :], a, W2)  # (B,m,c)
        z = z - z.amax(2, keepdim=True)  # stable
        e = torch.exp(z)
        se = e.sum(2, keepdim=True)
        loss = (torch.log(se) - z.gather(2, Yi)).squeeze(2).mean(1)
        G = (e / se - onehot) / m  # (B,m,c)
        gW2 = torch.bmm(a.transpose(1, 2), G)  # (B,h,c)
        D = torch.bmm(G, W2.transpose(1, 2)) * slope(pre, a)  # (B,m,h)
        gW1 = torch.bmm(Xt, D)  # (B,d,h)
        return loss, torch.cat([gW1.reshape(B, -1), D.sum(1), gW2.reshape(B, -1), G.sum(1)], 1)

    return f


def batched_iht(theta0, X, Y, c, h, activation, s, gamma, max_steps):
    f = make_loss_grad(X, Y, c, h, activation)
    theta = theta0.clone()
    for k in range(max_steps + 1):
        loss, g = f(theta)
        if k == max_steps:
            break
        theta = it.ht_topk(theta - gamma * g, s)
    return theta, loss


def random_batch(x, y, c, h, B, s, gen):
    """Per-run random splits (standardized per run) and sparse theta0 (§9's bounds)."""
    N, d = x.shape
    m, n = int(0.8 * N), d * h + h + h * c + c
    tr = torch.rand(B, N, generator=gen).argsort(1)[:, :m]
    X = x[tr]
    sd = X.std(1, unbiased=False, keepdim=True)
    X = (X - X.mean(1, keepdim=True)) / torch.where(sd > 0, sd, torch.ones_like(sd))
    bound = torch.cat([torch.full((d * h + h,), 1 / math.sqrt(d)), torch.full((h * c + c,), 1 / math.sqrt(h))])
    theta0 = (torch.rand(B, n, generator=gen, dtype=torch.float64) * 2 - 1) * bound
    keep = torch.rand(B, n, generator=gen).argsort(1)[:, :s]
    theta0 = torch.zeros_like(theta0).scatter(1, keep, theta0.gather(1, keep))
    return X, y[tr], theta0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../data/iris.csv"))
    ap.add_argument("--hidden", type=int, default=16)
    ap.add_argument("--activation", choices=sorted(ACTS), default="tanh")
    ap.add_argument("--runs", "-B", type=int, default=2048)
    ap.add_argument("--steps", "-N", type=int, default=200)
    ap.add_argument("--sparsity", "-s", type=int, default=26)
    ap.add_argument("--step-size", type=float, default=0.2)
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--threads", "-T", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dt = getattr(torch, a.dtype)
    x, y = it.load_csv(a.data)
    c = it.n_classes(y)
    X, Y, th0 = random_batch(x, y, c, a.hidden, a.runs, a.sparsity, torch.Generator().manual_seed(a.seed))
    X, th0 = X.to(dt), th0.to(dt)

    def sample():
        t = time.perf_counter()
        batched_iht(th0, X, Y, c, a.hidden, a.activation, a.sparsity, a.step_size, a.steps)
        return a.runs * a.steps / (time.perf_counter() - t)

    it.time_and_report(sample, a.repeats,
                       f"threads={a.threads} hidden={a.hidden} activation={a.activation} sparsity={a.sparsity}",
                       f"RESULT system=torch-batched-mlp dtype={a.dtype} device=cpu run_steps_per_s={{run_steps_per_s}} "
                       f"spread={{spread}} runs={a.runs} steps={a.steps}")


if __name__ == "__main__":
    main()
