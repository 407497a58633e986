#!/work/jaxenv/bin/python
"""IHT "what a strong JAX user would write": batched.py's float64 work in JAX.

Run it with the interpreter of the JAX virtual environment (JAX is not in Debian):
    /work/jaxenv/bin/python bench/peers/batched_jax.py [--runs B] [--steps N] [--threads T]
(/usr/bin/python3 -m venv /work/jaxenv && /work/jaxenv/bin/pip install jax; CPU jaxlib.)

One IHT run is a pure function (docs/SPEC.md §3.6): a lax.while_loop whose body
evaluates the loss and its gradient, does the stopping bookkeeping
(tol, max_steps, diverged) and, while the run is still going, the update
H_s(theta - gamma * grad). jax.vmap maps it over the B runs (each its own split,
theta0 and step size), jax.jit compiles the whole thing once. Under vmap the loop
runs until every run has stopped, the stopped ones frozen by a select, which is
the work batched.py does (it too evaluates loss, gradient and the update for all
B rows every step, and leaves the loop once no run is active). tol = 0 here, so
every run makes exactly N updates.

Defaults, the fastest of the options measured (2 threads, float64, 2048 runs x
200 steps, all 8 compiled in one process and timed interleaved, median of 4,
run-steps/s; jax 0.10.2, 2-core Xeon, 2026-12-02):
                 H_s = lax.top_k   H_s = rank mask
  analytic grad      2.24e5           2.74e5
  jax.grad           2.31e5           2.91e5      <- default (--grad autograd --ht rank)
- jax.grad (jax.value_and_grad of mean(logsumexp(z) - z[y])) beats the hand-written
  analytic gradient (--grad analytic, batched.py's formula) by 3-6 %;
- the rank mask (entry i kept when fewer than s entries precede it in the order
  (-|v|, index): 15 x 15 comparisons per run) beats lax.top_k + scatter by 25 %;
  both follow the tie rule of docs/SPEC.md §3.7 (lax.top_k promises the lower
  index first on equal values), and they agree bit for bit;
- lax.while_loop vs lax.fori_loop over N + 1 iterations (--loop fori): within 2 %.
NaN entries of v (only after the loss already went non-finite, when the run has
stopped) are not ranked as +inf the way §3.7 asks; nothing here depends on it.

Inputs: the same as batched.py, bit for bit: data/iris.csv, and per-run splits
(standardized per run), sparse theta0 and seeds from batched.random_batch, drawn
by /usr/bin/python3 (the PyTorch generator; --inputs-python) and handed over in
an .npz; where that interpreter or PyTorch is missing, the same distributions
from numpy (a note is printed). Threads: --threads T sets
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=T"
before the CPU backend starts and pins the process to T CPUs (sched_setaffinity),
which is what bounds XLA's thread pool (the XLA_FLAGS token without -- is
accepted but not an XLA flag)."""
import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import jax
import jax.numpy as jnp
from jax import lax

jax.config.update("jax_enable_x64", True)

HERE = os.path.dirname(os.path.abspath(__file__))
STOPS = ["tol", "max_steps", "diverged"]  # stop codes 0, 1, 2 (as batched.STOPS)


def load_csv(path):
    """Header row, numeric feature columns, integer class label (0..c-1) last (as iht_torch)."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r][1:]
    x = np.array([[float(v) for v in r[:-1]] for r in rows], dtype=np.float64)
    y = np.array([int(float(r[-1])) for r in rows], dtype=np.int64)
    if len(rows) == 0 or y.min() < 0:
        raise ValueError(f"{path}: no rows or negative class label")
    return x, y


def make_loss_grad(c, grad):
    """-> fn(theta (n,), X (m,d), onehot (m,c)) = (loss, grad (n,)) for ONE run."""

    def unpack(theta, d):
        return theta[: d * c].reshape(d, c), theta[d * c:]

    def analytic(theta, X, onehot):
        m, d = X.shape
        W, b = unpack(theta, d)
        z = X @ W + b
        z = z - z.max(1, keepdims=True)  # stable
        e = jnp.exp(z)
        se = e.sum(1, keepdims=True)
        loss = jnp.mean(jnp.log(se[:, 0]) - (z * onehot).sum(1))
        G = (e / se - onehot) / m  # (softmax - onehot)/m
        return loss, jnp.concatenate([(X.T @ G).reshape(-1), G.sum(0)])

    def loss_fn(theta, X, onehot):
        W, b = unpack(theta, X.shape[1])
        z = X @ W + b
        return jnp.mean(jax.nn.logsumexp(z, axis=1) - (z * onehot).sum(1))

    return analytic if grad == "analytic" else jax.value_and_grad(loss_fn)


def ht_topk(v, s):
    """H_s: keep the s largest |v_i|, ties to the smaller index (lax.top_k's promise)."""
    if s >= v.shape[-1]:
        return v
    _, idx = lax.top_k(jnp.abs(v), s)
    keep = jnp.zeros(v.shape, bool).at[idx].set(True)
    return jnp.where(keep, v, jnp.zeros_like(v))


def ht_rank(v, s):
    """H_s by rank: entry i is kept when fewer than s entries come before it in the
    order (-|v|, index)."""
    if s >= v.shape[-1]:
        return v
    a = jnp.abs(v)
    i = jnp.arange(v.shape[-1])
    before = (a[None, :] > a[:, None]) | ((a[None, :] == a[:, None]) & (i[None, :] < i[:, None]))
    return jnp.where(before.sum(1) < s, v, jnp.zeros_like(v))


HTS = {"topk": ht_topk, "rank": ht_rank}


GRAD, HT, LOOP = "autograd", "rank", "while"  # the measured-fastest choices (docstring)


def make_batched_iht(c, s, tol, max_steps, grad=GRAD, ht=HT, loop=LOOP):
    """docs/SPEC.md §3.6 for one run, vmapped over B runs and jitted.
    Returns fn(theta0 (B,n), X (B,m,d), Y (B,m), gamma (B,)) ->
    (theta (B,n), steps (B,), stop codes (B,) indexing STOPS, loss (B,))."""
    f = make_loss_grad(c, grad)
    H = HTS[ht]

    def step(k, st, X, onehot, gamma):
        theta, steps, stop, final, done = st
        loss, g = f(theta, X, onehot)
        is_tol = loss <= tol
        is_max = ~is_tol & (k == max_steps)
        is_div = ~is_tol & ~is_max & ~jnp.isfinite(loss)
        now = ~done & (is_tol | is_max | is_div)
        stop = jnp.where(now, jnp.where(is_tol, 0, jnp.where(is_max, 1, 2)), stop)
        steps = jnp.where(now, k, steps)
        final = jnp.where(now, loss, final)
        done = done | now
        theta = jnp.where(done, theta, H(theta - gamma * g, s))
        return theta, steps, stop, final, done

    def one_run(theta0, X, Y, gamma):
        onehot = jax.nn.one_hot(Y, c, dtype=X.dtype)
        gamma = gamma.astype(X.dtype)
        st = (theta0, jnp.int64(0), jnp.int64(-1), jnp.zeros((), X.dtype), jnp.bool_(False))
        if loop == "fori":  # N + 1 evaluations, a stopped run frozen by the selects
            st = lax.fori_loop(0, max_steps + 1, lambda k, st: step(k, st, X, onehot, gamma), st)
        else:  # until this run stops (under vmap: until every run has stopped)
            st = lax.while_loop(lambda ks: ~ks[1][4],
                                lambda ks: (ks[0] + 1, step(ks[0], ks[1], X, onehot, gamma)),
                                (jnp.int64(0), st))[1]
        theta, steps, stop, final, _ = st
        return theta, steps, stop, final

    return jax.jit(jax.vmap(one_run))


def random_batch_numpy(x, y, B, s, seed):
    """batched.random_batch's distributions from numpy (fallback only)."""
    rng = np.random.default_rng(seed)
    N, d = x.shape
    c = int(y.max()) + 1
    m, n = int(0.8 * N), d * c + c
    tr = rng.random((B, N)).argsort(1)[:, :m]
    X = x[tr]
    X = (X - X.mean(1, keepdims=True)) / X.std(1, keepdims=True)
    th = (rng.random((B, n)) * 2 - 1) / math.sqrt(d)
    keep = rng.random((B, n)).argsort(1)[:, :s]
    theta0 = np.zeros_like(th)
    np.put_along_axis(theta0, keep, np.take_along_axis(th, keep, 1), 1)
    return X, y[tr], theta0


TORCH_INPUTS = """
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np, torch
import iht_torch as it
from batched import random_batch
x, y = it.load_csv(sys.argv[2])
X, Y, th0 = random_batch(x, y, it.n_classes(y), int(sys.argv[3]), int(sys.argv[4]),
                         torch.Generator().manual_seed(int(sys.argv[5])))
np.savez(sys.argv[6], X=X.numpy(), Y=Y.numpy(), theta0=th0.numpy())
"""


def inputs(a):
    """(X, Y, theta0) exactly as batched.py draws them, else from numpy."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "inputs.npz")
        cmd = [a.inputs_python, "-c", TORCH_INPUTS, HERE, a.data, str(a.runs), str(a.sparsity), str(a.seed), out]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode == 0:
                z = np.load(out)
                return z["X"], z["Y"], z["theta0"], "batched.random_batch"
            err = done.stderr.strip().splitlines()[-1:] or ["?"]
        except OSError as e:
            err = [repr(e)]
    print(f"note: {a.inputs_python} could not draw batched.py's inputs ({err[0]}); numpy draws instead",
          file=sys.stderr)
    x, y = load_csv(a.data)
    return (*random_batch_numpy(x, y, a.runs, a.sparsity, a.seed), "numpy")


def limit_threads(t):
    """Before the CPU backend starts: XLA_FLAGS as asked, and pin to t CPUs."""
    flags = f"--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads={t}"
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + flags).strip()
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, cpus[:t])


def median_spread(xs):
    xs = sorted(xs)
    med = xs[len(xs) // 2] if len(xs) % 2 else 0.5 * (xs[len(xs) // 2 - 1] + xs[len(xs) // 2])
    return med, (xs[-1] - xs[0]) / med


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(HERE, "../../data/iris.csv"))
    ap.add_argument("--runs", "-B", type=int, default=2048)
    ap.add_argument("--steps", "-N", type=int, default=2000)
    ap.add_argument("--sparsity", "-s", type=int, default=7)
    ap.add_argument("--step-size", type=float, default=0.2)
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--grad", choices=["analytic", "autograd"], default=GRAD,
                    help="autograd = jax.value_and_grad of the loss")
    ap.add_argument("--ht", choices=sorted(HTS), default=HT)
    ap.add_argument("--loop", choices=["while", "fori"], default=LOOP)
    ap.add_argument("--threads", "-T", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--inputs-python", default="/usr/bin/python3",
                    help="interpreter with PyTorch that draws batched.py's inputs")
    a = ap.parse_args()
    limit_threads(a.threads)
    X, Y, th0, src = inputs(a)
    c = int(Y.max()) + 1
    dt = jnp.dtype(a.dtype)
    X, Y, th0 = jnp.asarray(X, dt), jnp.asarray(Y, jnp.int32), jnp.asarray(th0, dt)
    gamma = jnp.full((a.runs,), a.step_size, dt)
    fn = make_batched_iht(c, a.sparsity, 0.0, a.steps, a.grad, a.ht, a.loop)
    t = time.perf_counter()
    out = fn(th0, X, Y, gamma)  # compiles; also the warm-up
    jax.block_until_ready(out)
    compile_s = time.perf_counter() - t
    if not bool((np.asarray(out[1]) == a.steps).all()):
        sys.exit("not every run made N steps")

    def sample():
        t = time.perf_counter()
        jax.block_until_ready(fn(th0, X, Y, gamma))
        return a.runs * a.steps / (time.perf_counter() - t)

    rates = [sample() for _ in range(a.repeats)]
    med, spread = median_spread(rates)
    print("repeats (run-steps/s):", " ".join(f"{r:.0f}" for r in rates),
          f"threads={a.threads} grad={a.grad} ht={a.ht} loop={a.loop} sparsity={a.sparsity} inputs={src}"
          f" compile+first={compile_s:.2f}s jax={jax.__version__} device={jax.devices()[0]}")
    print(f"RESULT system=jax-batched dtype={a.dtype} device={jax.devices()[0].platform} run_steps_per_s={med:.6g} spread={spread:.4f} "
          f"runs={a.runs} steps={a.steps}")


if __name__ == "__main__":
    main()
