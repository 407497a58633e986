"""The half of a peer check that is the same for every peer (numpy only, so
the JAX venv can import it): reading `ihtbatch run --json`, and the agreement
report of docs/SPEC.md §7 (same stop, steps and support, |d train loss| <= 1e-9)."""
import json
import math

import numpy as np

LOSS_TOL = 1e-9


def num(v):
    """JSON number, or NaN/inf written as null or a string."""
    return float("nan") if v is None else float(v)


def support(theta):
    return [i for i, v in enumerate(np.asarray(theta).tolist()) if v != 0.0]


def load_run(run_path, samples, features, classes):
    """The run's JSON and its sparsity, theta0 and theta* (float64 arrays), checked
    against the data's shape. Raises ValueError, KeyError, OSError on bad input."""
    with open(run_path) as f:
        r = json.load(f)
    n = features * classes + classes
    th0 = np.array([num(v) for v in r["theta0"]], dtype=np.float64)
    th = np.array([num(v) for v in r["theta"]], dtype=np.float64)
    s = int(r["sparsity"])
    if th0.shape != (n,) or th.shape != (n,):
        raise ValueError(f"theta0/theta must have n = {n} entries")
    if not 1 <= s <= n or int((th0 != 0).sum()) > s:
        raise ValueError(f"bad sparsity {s} or theta0 with more than s nonzeros")
    if sorted(r["train_indices"] + r["test_indices"]) != list(range(samples)):
        raise ValueError("train_indices + test_indices is not a permutation of the data rows")
    return r, s, th0, th


def schedule(r):
    """The run's step size, tol and max_steps."""
    return float(r["step_size"]), float(r["config"]["tol"]), int(r["config"]["max_steps"])


def reference(r, theta):
    """ihtbatch's row, in the report's terms."""
    return dict(stop=r["stop"], steps=int(r["steps"]), train_loss=num(r["train_loss"]),
                test_loss=num(r["test_loss"]), train_acc=float(r["train_acc"]),
                test_acc=float(r["test_acc"]), support=support(theta), theta=theta)


def report(r, ref, peers):
    """Prints the table and each peer's checks; returns the exit code (0 agree, 1 not)."""
    gamma, tol, max_steps = schedule(r)
    print(f"run: sparsity={r['sparsity']} step_size={gamma!r} tol={tol} max_steps={max_steps}")
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
        dth = float(np.abs(np.asarray(m["theta"], dtype=np.float64) - np.asarray(ref["theta"])).max())
        print(f"{name}: |d train_loss|={dl:.3g} |d test_loss|={abs(m['test_loss'] - ref['test_loss']):.3g} "
              f"max|d theta|={dth:.3g} -> {'AGREE' if not bad else 'DISAGREE: ' + ', '.join(bad)}")
        ok = ok and not bad
    print("AGREE" if ok else "DISAGREE")
    return 0 if ok else 1
