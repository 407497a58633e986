#!/usr/bin/python3
"""Replay one ihtbatch run with the PyTorch peers and check they agree (docs/SPEC.md §7).

usage: check_same.py RUN_JSON DATA_CSV
RUN_JSON = output of `ihtbatch run --sparsity S --data-seed A --init-seed B
--support-seed C --json`. Replays it with the paper-style loop and with the batched
code (B=1), both float64, same theta0, step size and stopping rule, ties in H_s to
the smaller index. Agreement: same stop reason and steps, same final support,
|delta train loss| <= 1e-9. Exit 0 agree, 1 disagree, 2 bad input."""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iht_torch as it  # noqa: E402
from batched import STOPS, batched_iht  # noqa: E402
from paper_loop import paper_iht  # noqa: E402

LOSS_TOL = 1e-9


def load(run_path, data_path):
    with open(run_path) as f:
        r = json.load(f)
    x, y = it.load_csv(data_path)
    N, d = x.shape
    c = it.n_classes(y)
    n = d * c + c
    tr, te = r["train_indices"], r["test_indices"]
    th0 = torch.tensor([num(v) for v in r["theta0"]], dtype=torch.float64)
    th = torch.tensor([num(v) for v in r["theta"]], dtype=torch.float64)
    s = int(r["sparsity"])
    if th0.shape != (n,) or th.shape != (n,):
        raise ValueError(f"theta0/theta must have n = {n} entries")
    if not 1 <= s <= n or int((th0 != 0).sum()) > s:
        raise ValueError(f"bad sparsity {s} or theta0 with more than s nonzeros")
    if sorted(tr + te) != list(range(N)):
        raise ValueError("train_indices + test_indices is not a permutation of the data rows")
    return r, x, y, c, s, th0, th


def num(v):
    """JSON number, or NaN/inf written as null or a string."""
    return float("nan") if v is None else float(v)


def support(theta):
    return [i for i, v in enumerate(theta.tolist()) if v != 0.0]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        r, x, y, c, s, th0, th = load(sys.argv[1], sys.argv[2])
        gamma, tol = float(r["step_size"]), float(r["config"]["tol"])
        max_steps = int(r["config"]["max_steps"])
        ref = dict(stop=r["stop"], steps=int(r["steps"]), train_loss=num(r["train_loss"]),
                   test_loss=num(r["test_loss"]), train_acc=float(r["train_acc"]),
                   test_acc=float(r["test_acc"]), support=support(th), theta=th)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        print(f"bad input: {e!r}", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    xtr, ytr, xte, yte = it.prepare(x, y, r["train_indices"], r["test_indices"])

    def metrics(theta, steps, stop):
        return dict(stop=stop, steps=steps, train_loss=it.loss_grad(theta, xtr, ytr, c)[0].item(),
                    test_loss=it.loss_grad(theta, xte, yte, c)[0].item(),
                    train_acc=it.accuracy(theta, xtr, ytr, c), test_acc=it.accuracy(theta, xte, yte, c),
                    support=support(theta), theta=theta)

    th_p, k_p, stop_p, _ = paper_iht(th0, xtr, ytr, c, s, gamma, tol, max_steps, it.ht_stable)
    th_b, k_b, stop_b, _ = batched_iht(th0[None], xtr[None], ytr[None], c, s, gamma, tol, max_steps,
                                       it.ht_stable)
    peers = {"paper_loop": metrics(th_p, k_p, stop_p),
             "batched": metrics(th_b[0], int(k_b[0]), STOPS[int(stop_b[0])])}

    print(f"run: sparsity={s} step_size={gamma!r} tol={tol} max_steps={max_steps}")
    print(f"{'':11s} {'stop':9s} {'steps':>6s} {'train_loss':>22s} {'test_loss':>22s} "
          f"{'train_acc':>9s} {'test_acc':>9s}  support")
    ok = True
    for name, m in [("ihtbatch", ref)] + list(peers.items()):
        print(f"{name:11s} {m['stop']:9s} {m['steps']:6d} {m['train_loss']:22.17g} {m['test_loss']:22.17g} "
              f"{m['train_acc']:9.4f} {m['test_acc']:9.4f}  {m['support']}")
    for name, m in peers.items():
        dl = abs(m["train_loss"] - ref["train_loss"])
        if not math.isfinite(m["train_loss"]) and not math.isfinite(ref["train_loss"]):
            dl = 0.0  # both diverged: NaN/inf losses count as equal
        checks = {"stop": m["stop"] == ref["stop"], "steps": m["steps"] == ref["steps"],
                  "support": m["support"] == ref["support"], f"|dloss|<={LOSS_TOL:g}": dl <= LOSS_TOL}
        bad = [k for k, v in checks.items() if not v]
        dth = (m["theta"] - ref["theta"]).abs().max().item()
        print(f"{name}: |d train_loss|={dl:.3g} |d test_loss|={abs(m['test_loss'] - ref['test_loss']):.3g} "
              f"max|d theta|={dth:.3g} -> {'AGREE' if not bad else 'DISAGREE: ' + ', '.join(bad)}")
        ok = ok and not bad
    print("AGREE" if ok else "DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
