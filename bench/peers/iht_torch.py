#!/usr/bin/python3
"""Shared pieces of the PyTorch peers of ihtbatch (see docs/SPEC.md).

theta layout (docs/SPEC.md §2): [w11, w12, w13, w21, ..., w43, b1, b2, b3], w_ij = weight
from input i to output j, i.e. theta[:d*c].view(d, c) = W and nn.Linear.weight = W.T.
"""
import csv
import math

import torch

STOP_TOL, STOP_MAX, STOP_DIV = "tol", "max_steps", "diverged"


def load_csv(path):
    """Header row, numeric feature columns, integer class label (0..c-1) last."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    data = rows[1:]
    x = torch.tensor([[float(v) for v in r[:-1]] for r in data], dtype=torch.float64)
    y = torch.tensor([int(float(r[-1])) for r in data], dtype=torch.int64)
    if len(data) == 0 or y.min() < 0:
        raise ValueError(f"{path}: no rows or negative class label")
    return x, y


def n_classes(y):
    return int(y.max()) + 1


def prepare(x, y, train_idx, test_idx):
    """Standardize with the training split's mean and POPULATION std (docs/SPEC.md §3.2)."""
    train_idx = torch.as_tensor(train_idx, dtype=torch.int64)
    test_idx = torch.as_tensor(test_idx, dtype=torch.int64)
    xtr, xte = x[train_idx], x[test_idx]
    mean = xtr.mean(0)
    std = xtr.std(0, unbiased=False)
    return (xtr - mean) / std, y[train_idx], (xte - mean) / std, y[test_idx]


def unpack(theta, d, c):
    """theta (n,) -> W (d, c), b (c,)  (views)."""
    return theta[: d * c].view(d, c), theta[d * c:]


def loss_grad(theta, x, y, c):
    """f(theta) = mean softmax cross-entropy, and the analytic gradient (docs/SPEC.md §2)."""
    m, d = x.shape
    w, b = unpack(theta, d, c)
    z = x @ w + b
    lse = torch.logsumexp(z, dim=1)  # stable (subtracts the max)
    loss = (lse - z.gather(1, y[:, None]).squeeze(1)).mean()
    g = torch.exp(z - lse[:, None])
    g[torch.arange(m), y] -= 1.0
    g /= m
    return loss, torch.cat([(x.T @ g).reshape(-1), g.sum(0)])


def accuracy(theta, x, y, c):
    w, b = unpack(theta, x.shape[1], c)
    return ((x @ w + b).argmax(1) == y).double().mean().item()  # argmax: first max


def ht_stable(v, s):
    """H_s with the contract's tie rule: order by (-|v|, index), keep the first s.
    A stable ascending sort of -|v| gives exactly that order."""
    if s >= v.shape[-1]:
        return v.clone()
    idx = torch.sort(-v.abs(), dim=-1, stable=True).indices[..., :s]
    return torch.zeros_like(v).scatter(-1, idx, v.gather(-1, idx))


def ht_topk(v, s):
    """H_s the way a user writes it. torch.topk does NOT promise which index wins a
    tie in |v|, so on exact ties it may differ from ht_stable (used for timing only)."""
    if s >= v.shape[-1]:
        return v
    idx = torch.topk(v.abs(), s, dim=-1, sorted=False).indices
    return torch.zeros_like(v).scatter(-1, idx, v.gather(-1, idx))


def iht(theta0, x, y, c, s, gamma, tol, max_steps, ht=ht_stable):
    """Reference IHT loop, docs/SPEC.md §3.6. Returns (theta, steps, stop, loss)."""
    theta = theta0.clone()
    k = 0
    while True:
        loss, grad = loss_grad(theta, x, y, c)
        f = loss.item()
        if f <= tol:
            return theta, k, STOP_TOL, f
        if k == max_steps:
            return theta, k, STOP_MAX, f
        if not math.isfinite(f):
            return theta, k, STOP_DIV, f
        theta = ht(theta - gamma * grad, s)
        k += 1


def median_spread(xs):
    xs = sorted(xs)
    med = xs[len(xs) // 2] if len(xs) % 2 else 0.5 * (xs[len(xs) // 2 - 1] + xs[len(xs) // 2])
    return med, (xs[-1] - xs[0]) / med


def time_and_report(sample, repeats, details, result):
    """One warm-up call of sample() (it returns run-steps/s), then `repeats`
    timed ones; prints them and the RESULT line compare_peers.py reads:
    `result` with run_steps_per_s and spread filled in."""
    sample()  # warm-up
    rates = [sample() for _ in range(repeats)]
    med, spread = median_spread(rates)
    print("repeats (run-steps/s):", " ".join(f"{r:.0f}" for r in rates), details)
    print(result.format(run_steps_per_s=f"{med:.6g}", spread=f"{spread:.4f}"))
