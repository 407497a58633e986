#!/usr/bin/python3
"""ihtbatch against its PyTorch peers, same work on the same machine, in one go.

Runs build/bench/ihtbatch_bench (the CPU warp engine, and the GPU one where a
device exists), the paper-style loop (paper_loop.py) and the batched peer
(batched.py, float64 and float32), checks that the peers compute what ihtbatch
computes (check_same.py on one real run), and prints each system's run-steps/s
and the ratio of ours to it. Where --jax-python (default /work/jaxenv/bin/python)
exists, also the JAX peer (batched_jax.py, float64), after check_same_jax.py has
replayed the same run with it; otherwise a note says it was skipped.

With --hidden H, the hidden-layer network d → H → c instead (IRIS 4→H→3,
tanh, s = 20 % of n): ihtbatch_bench --hidden H against batched_mlp.py, float64
and float32 (no paper loop), after check_same_mlp.py has checked the peer's
loss and gradient at a real run's θ* against ihtbatch's.

Usage: /usr/bin/python3 bench/peers/compare_peers.py [--quick] [--threads T] [--hidden H] [--jax-python PATH]
"""
import argparse
import csv
import io
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BENCH = os.path.join(ROOT, "build", "bench", "ihtbatch_bench")
IHTBATCH = os.path.join(ROOT, "build", "ihtbatch")
JAX_PYTHON = "/work/jaxenv/bin/python"


def run(cmd):
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr}")
    return done.stdout


def ours(a):
    extra = ["--hidden", str(a.hidden), "--sparsity", str(a.sparsity)] if a.hidden > 0 else []
    out = run([BENCH, "--csv", "--runs", str(a.runs), "--steps", str(a.steps), "--repeats", str(a.repeats),
               "--threads", str(a.threads)] + extra)
    rows = []
    for r in csv.DictReader(io.StringIO(out)):
        rows.append((f"ihtbatch {r['backend']}", r["precision"], float(r["run_steps_per_s"]), float(r["spread"])))
    return rows


def peer(script, args, python="/usr/bin/python3"):
    out = run([python, os.path.join(HERE, script)] + args)
    m = re.search(r"RESULT system=(\S+) dtype=(\S+) device=(\S+) run_steps_per_s=(\S+) spread=(\S+)", out)
    if not m:
        sys.exit(f"{script}: no RESULT line in its output")
    return (f"{m.group(1)} ({m.group(3)})", m.group(2), float(m.group(4)), float(m.group(5)))


def check_same(jax_python=None):
    """One real run of ihtbatch replayed by both peers (and the JAX one with jax_python)."""
    detail = run([IHTBATCH, "run", "--sparsity", "7", "--run", "3", "--max-steps", "3000", "--json",
                  "--backend", "cpu"])
    path = os.path.join(ROOT, "build", "peer_check_run.json")
    with open(path, "w") as f:
        f.write(detail)
    print(run(["/usr/bin/python3", os.path.join(HERE, "check_same.py"), path, os.path.join(ROOT, "data", "iris.csv")]))
    if jax_python:
        print(run([jax_python, os.path.join(HERE, "check_same_jax.py"), path, os.path.join(ROOT, "data", "iris.csv")]))


def check_same_mlp(hidden):
    """The hidden-layer peer's loss and gradient at one real run's θ*."""
    detail = run([IHTBATCH, "run", "--hidden", str(hidden), "--sparsity", "20", "--run", "3", "--max-steps", "300",
                  "--json", "--backend", "cpu"])
    path = os.path.join(ROOT, "build", "peer_check_mlp_run.json")
    with open(path, "w") as f:
        f.write(detail)
    print(run(["/usr/bin/python3", os.path.join(HERE, "check_same_mlp.py"), path,
               os.path.join(ROOT, "data", "iris.csv")]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--hidden", type=int, default=0, help="compare the hidden-layer model 4->H->3 instead")
    ap.add_argument("--jax-python", default=JAX_PYTHON,
                    help="interpreter with JAX for batched_jax.py (default %(default)s; skipped when absent)")
    a = ap.parse_args()
    a.sparsity = max(1, round(0.2 * (8 * a.hidden + 3)))
    a.runs, a.steps, a.repeats = (64, 200, 2) if a.quick else (2048, 2000, 5)
    loop_runs, loop_steps = (2, 200) if a.quick else (5, 2000)
    batch_steps = 20 if a.quick else 200
    for exe in (BENCH, IHTBATCH):
        if not os.path.exists(exe):
            sys.exit(f"{exe} is missing: build first (cmake --preset release && cmake --build build)")

    t = ["--threads", str(a.threads)]
    if a.hidden > 0:
        check_same_mlp(a.hidden)
        rows = ours(a)
        for dtype in ("float64", "float32"):
            rows.append(peer("batched_mlp.py", ["--hidden", str(a.hidden), "--sparsity", str(a.sparsity),
                                                "--runs", str(a.runs), "--steps", str(batch_steps // 4),
                                                "--dtype", dtype, "--repeats", "3"] + t))
    else:
        jax_python = a.jax_python if os.path.exists(a.jax_python) else None
        if not jax_python:
            print(f"note: {a.jax_python} is missing: the JAX peer is skipped "
                  "(/usr/bin/python3 -m venv /work/jaxenv && /work/jaxenv/bin/pip install jax)", flush=True)
        check_same(jax_python)
        rows = ours(a)
        rows.append(peer("paper_loop.py", ["--runs", str(loop_runs), "--steps", str(loop_steps), "--repeats", "3"] + t))
        for dtype in ("float64", "float32"):
            rows.append(peer("batched.py", ["--runs", str(a.runs), "--steps", str(batch_steps), "--dtype", dtype,
                                            "--repeats", "3"] + t))
        if jax_python:
            rows.append(peer("batched_jax.py", ["--runs", str(a.runs), "--steps", str(batch_steps),
                                                "--dtype", "float64", "--repeats", "3"] + t, jax_python))

    best = {p: max((r[2] for r in rows if r[0] == "ihtbatch cpu" and r[1] == p), default=None)
            for p in ("float64", "float32")}
    print(f"\n{'system':32} {'precision':9} {'run-steps/s':>14} {'spread':>7} {'ihtbatch cpu / this':>20}")
    for name, prec, rate, spread in rows:
        ratio = f"{best[prec] / rate:.1f}x" if best.get(prec) else "-"
        print(f"{name:32} {prec:9} {rate:14.4g} {spread:7.1%} {ratio:>20}")


if __name__ == "__main__":
    main()
