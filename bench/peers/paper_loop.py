#!/usr/bin/python3
"""IHT "the paper's way": one run at a time, nn.Linear + nn.CrossEntropyLoss +
loss.backward() + a manual SGD step, then zero all but the s largest |parameters|
(weight and bias together, docs/SPEC.md §2 order). Times R runs of N steps (tol = 0)."""
import argparse
import math
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iht_torch as it  # noqa: E402


def flat(lin):
    """nn.Linear -> theta in docs/SPEC.md order (weight[j, i] = w_ij)."""
    return torch.cat([lin.weight.T.reshape(-1), lin.bias])


def paper_iht(theta0, x, y, c, s, gamma, tol, max_steps, ht=it.ht_stable):
    d = x.shape[1]
    lin = nn.Linear(d, c).double()
    crit = nn.CrossEntropyLoss()
    with torch.no_grad():
        w, b = it.unpack(theta0.double(), d, c)
        lin.weight.copy_(w.T)
        lin.bias.copy_(b)
    k = 0
    while True:
        loss = crit(lin(x), y)
        f = loss.item()  # the stopping rule needs f(theta^k) every step
        if f <= tol:
            stop = it.STOP_TOL
        elif k == max_steps:
            stop = it.STOP_MAX
        elif not math.isfinite(f):
            stop = it.STOP_DIV
        else:
            lin.zero_grad()
            loss.backward()
            with torch.no_grad():
                for p in lin.parameters():
                    p -= gamma * p.grad
                w, b = it.unpack(ht(flat(lin), s), d, c)
                lin.weight.copy_(w.T)
                lin.bias.copy_(b)
            k += 1
            continue
        with torch.no_grad():
            return flat(lin).clone(), k, stop, f


def random_run(x, y, c, s, gen):
    """A random split, standardized, and a random sparse theta0 (docs/SPEC.md §3.1-3.4)."""
    N, d = x.shape
    m = int(0.8 * N)
    perm = torch.randperm(N, generator=gen)
    xtr, ytr, _, _ = it.prepare(x, y, perm[:m], perm[m:])
    n = d * c + c
    a = 1.0 / math.sqrt(d)
    theta0 = (torch.rand(n, generator=gen, dtype=torch.float64) * 2 - 1) * a
    keep = torch.randperm(n, generator=gen)[:s]
    theta0 = torch.zeros(n, dtype=torch.float64).index_copy(0, keep, theta0[keep])
    return xtr, ytr, theta0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../data/iris.csv"))
    ap.add_argument("--runs", "-R", type=int, default=5)
    ap.add_argument("--steps", "-N", type=int, default=2000)
    ap.add_argument("--sparsity", "-s", type=int, default=7)
    ap.add_argument("--step-size", type=float, default=0.2)
    ap.add_argument("--threads", "-T", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    x, y = it.load_csv(a.data)
    c = it.n_classes(y)
    gen = torch.Generator().manual_seed(a.seed)
    runs = [random_run(x, y, c, a.sparsity, gen) for _ in range(a.runs)]

    def sample():
        t = time.perf_counter()
        for xtr, ytr, th0 in runs:
            # tol = 0: every run makes exactly N updates; topk is what a user writes
            paper_iht(th0, xtr, ytr, c, a.sparsity, a.step_size, 0.0, a.steps, it.ht_topk)
        return a.runs * a.steps / (time.perf_counter() - t)

    sample()  # warm-up
    rates = [sample() for _ in range(a.repeats)]
    med, spread = it.median_spread(rates)
    print("repeats (run-steps/s):", " ".join(f"{r:.0f}" for r in rates), f"threads={a.threads}")
    print(f"RESULT system=torch-paper-loop dtype=float64 device=cpu run_steps_per_s={med:.6g} "
          f"spread={spread:.4f} runs={a.runs} steps={a.steps}")


if __name__ == "__main__":
    main()
