#!/usr/bin/python3
"""Check that batched_mlp.py computes ihtbatch's hidden-layer model (docs/SPEC.md §9).

usage: check_same_mlp.py RUN_JSON DATA_CSV
RUN_JSON = output of `ihtbatch run --hidden H [--activation A] … --json`. At that
run's θ* and split, the peer's loss must equal the run's train loss and its
gradient the run's ∇f(θ*) (both the reference's, float64) to 1e-12: the same θ
order, activation, standardization and backpropagation. Exit 0 agree, 1 not, 2
bad input."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iht_torch as it  # noqa: E402
from batched_mlp import make_loss_grad  # noqa: E402

TOL = 1e-12


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1]) as f:
            r = json.load(f)
        x, y = it.load_csv(sys.argv[2])
        h, activation = int(r["config"]["hidden"]), r["config"]["activation"]
        theta = torch.tensor([float(v) for v in r["theta"]], dtype=torch.float64)
        want = torch.tensor([float(v) for v in r["grad"]], dtype=torch.float64)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"bad input: {e!r}", file=sys.stderr)
        return 2
    c = it.n_classes(y)
    xtr, ytr, _, _ = it.prepare(x, y, r["train_indices"], r["test_indices"])
    loss, grad = make_loss_grad(xtr[None], ytr[None], c, h, activation)(theta[None])
    dl = abs(loss.item() - float(r["train_loss"]))
    dg = (grad[0] - want).abs().max().item()
    ok = dl <= TOL and dg <= TOL
    print(f"hidden={h} activation={activation}: |d train_loss|={dl:.3g} max|d grad|={dg:.3g} -> "
          f"{'AGREE' if ok else 'DISAGREE'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
