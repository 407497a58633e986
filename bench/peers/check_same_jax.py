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
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batched_jax as bj  # noqa: E402  (enables jax float64)
import jax.numpy as jnp  # noqa: E402
from run_json import load_run, reference, report, schedule, support  # noqa: E402

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
        x, y = bj.load_csv(sys.argv[2])
        c = int(y.max()) + 1
        r, s, th0, th = load_run(sys.argv[1], x.shape[0], x.shape[1], c)
        tr, te = r["train_indices"], r["test_indices"]
        gamma, tol, max_steps = schedule(r)
        ref = reference(r, th)
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

    return report(r, ref, {"jax": m})

if __name__ == "__main__":
    sys.exit(main())
