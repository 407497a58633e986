#!/usr/bin/python3
"""Replay one ihtbatch run with the PyTorch peers and check they agree (docs/SPEC.md §7).

usage: check_same.py RUN_JSON DATA_CSV
RUN_JSON = output of `ihtbatch run --sparsity S --data-seed A --init-seed B
--support-seed C --json`. Replays it with the paper-style loop and with the batched
code (B=1), both float64, same theta0, step size and stopping rule, ties in H_s to
the smaller index. Agreement: same stop reason and steps, same final support,
|delta train loss| <= 1e-9. Exit 0 agree, 1 disagree, 2 bad input."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iht_torch as it  # noqa: E402
from batched import STOPS, batched_iht  # noqa: E402
from paper_loop import paper_iht  # noqa: E402
from run_json import load_run, reference, report, schedule, support  # noqa: E402


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        x, y = it.load_csv(sys.argv[2])
        c = it.n_classes(y)
        r, s, th0, th = load_run(sys.argv[1], x.shape[0], x.shape[1], c)
        th0, th = torch.from_numpy(th0), torch.from_numpy(th)
        gamma, tol, max_steps = schedule(r)
        ref = reference(r, th)
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

    return report(r, ref, peers)

if __name__ == "__main__":
    sys.exit(main())
