#!/work/jaxenv/bin/python
"""Replay one ihtbatch run with the JAX peer and check they agree (docs/SPEC.md §7),
as check_same.py does for the PyTorch peers.

usage: /work/jaxenv/bin/python bench/peers/check_same_jax.py RUN_JSON DATA_CSV
RUN_JSON = output of `ihtbatch run --sparsity S --data-seed A --init-seed B
--support-seed C --json`. Replays it with batched_jax.py's code as timed (B = 1,
float64, its default gradient, H_s and loop; ties in H_s to the smaller index), same theta0,
step size and stopping rule; the final metrics in numpy float64. Agreement: same
stop reason and steps, same final support, |delta train loss| <= 1e-9.
Exit 0 agree, 1 disagree, 2 bad input."""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batched_jax as bj  # noqa: E402  (enables jax float64)
import jax.numpy as jnp  # noqa: E402

LOSS_TOL = 1e-9


def num(v):
    """JSON number, or NaN/inf written as null or a string."""
    return float("nan") if v is None else float(v)


def support(theta):
    return [i for i, v in enumerate(np.asarray(theta).tolist()) if v != 0.0]


def prepare(x, y, tr, te):
    """Standardize with the training split's mean and POPULATION std (docs/SPEC.md §3.2)."""
    xtr, xte = x[tr], x[te]
    mean, std = xtr.mean(0), xtr.std(0)
    return (xtr - mean) / std, y[tr], (xte - mean) / std, y[te]


def loss_acc(theta, x, y, c):
    d = x.shape[1]
    z = x @ theta[: d * c].reshape(d, c) + theta[d * c:]
    zmax = z.max(1, keepdims=True)
    lse = np.log(np.exp(z - zmax).sum(1)) + zmax[:, 0]
    return float(np.mean(lse - z[np.arange(len(y)), y])), float(np.mean(z.argmax(1) == y))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1]) as f:
            r = json.load(f)
        x, y = bj.load_csv(sys.argv[2])
        N, d = x.shape
        c = int(y.max()) + 1
        n = d * c + c
        tr, te = r["train_indices"], r["test_indices"]
        th0 = np.array([num(v) for v in r["theta0"]], dtype=np.float64)
        th = np.array([num(v) for v in r["theta"]], dtype=np.float64)
        s = int(r["sparsity"])
        gamma, tol = float(r["step_size"]), float(r["config"]["tol"])
        max_steps = int(r["config"]["max_steps"])
        if th0.shape != (n,) or th.shape != (n,):
            raise ValueError(f"theta0/theta must have n = {n} entries")
        if not 1 <= s <= n or int((th0 != 0).sum()) > s:
            raise ValueError(f"bad sparsity {s} or theta0 with more than s nonzeros")
        if sorted(tr + te) != list(range(N)):
            raise ValueError("train_indices + test_indices is not a permutation of the data rows")
        ref = dict(stop=r["stop"], steps=int(r["steps"]), train_loss=num(r["train_loss"]),
                   test_loss=num(r["test_loss"]), train_acc=float(r["train_acc"]),
                   test_acc=float(r["test_acc"]), support=support(th), theta=th)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        print(f"bad input: {e!r}", file=sys.stderr)
        return 2
    bj.limit_threads(1)
    xtr, ytr, xte, yte = prepare(x, y, np.array(tr), np.array(te))
    fn = bj.make_batched_iht(c, s, tol, max_steps)  # the timed configuration
    th_j, k_j, stop_j, _ = fn(jnp.asarray(th0)[None], jnp.asarray(xtr)[None], jnp.asarray(ytr, jnp.int32)[None],
                              jnp.full((1,), gamma))
    th_j = np.asarray(th_j[0])
    trl, tra = loss_acc(th_j, xtr, ytr, c)
    tel, tea = loss_acc(th_j, xte, yte, c)
    m = dict(stop=bj.STOPS[int(stop_j[0])], steps=int(k_j[0]), train_loss=trl, test_loss=tel,
             train_acc=tra, test_acc=tea, support=support(th_j), theta=th_j)

    print(f"run: sparsity={s} step_size={gamma!r} tol={tol} max_steps={max_steps}")
    print(f"{'':11s} {'stop':9s} {'steps':>6s} {'train_loss':>22s} {'test_loss':>22s} "
          f"{'train_acc':>9s} {'test_acc':>9s}  support")
    for name, v in (("ihtbatch", ref), ("jax", m)):
        print(f"{name:11s} {v['stop']:9s} {v['steps']:6d} {v['train_loss']:22.17g} {v['test_loss']:22.17g} "
              f"{v['train_acc']:9.4f} {v['test_acc']:9.4f}  {v['support']}")
    dl = abs(m["train_loss"] - ref["train_loss"])
    if not math.isfinite(m["train_loss"]) and not math.isfinite(ref["train_loss"]):
        dl = 0.0  # both diverged: NaN/inf losses count as equal
    checks = {"stop": m["stop"] == ref["stop"], "steps": m["steps"] == ref["steps"],
              "support": m["support"] == ref["support"], f"|dloss|<={LOSS_TOL:g}": dl <= LOSS_TOL}
    bad = [k for k, v in checks.items() if not v]
    dth = float(np.abs(m["theta"] - ref["theta"]).max())
    print(f"jax: |d train_loss|={dl:.3g} |d test_loss|={abs(m['test_loss'] - ref['test_loss']):.3g} "
          f"max|d theta|={dth:.3g} -> {'AGREE' if not bad else 'DISAGREE: ' + ', '.join(bad)}")
    print("AGREE" if not bad else "DISAGREE")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
