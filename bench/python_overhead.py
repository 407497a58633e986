"""What the Python package adds: a default sweep through ihtbatch.sweep()
against the CLI's, alternated, and the time of `import ihtbatch`; and how
long Ctrl-C takes to stop a sweep (IRIS, and digits, whose runs take seconds).

Usage: <venv>/bin/python bench/python_overhead.py CLI [--rounds 3]
(the venv with the package installed, e.g. build-python/venv after
scripts/python_test.sh; CLI: build/ihtbatch). Prints min and median of each.
"""
import _thread
import argparse
import statistics
import threading
import subprocess
import sys
import tempfile
import time


def cli_sweep(cli, out):
    start = time.perf_counter()
    subprocess.run([cli, "sweep", "--out", out], check=True, capture_output=True)
    return time.perf_counter() - start


def python_sweep(ihtbatch, out):
    start = time.perf_counter()
    ihtbatch.sweep(out=out, progress=False)
    return time.perf_counter() - start


def import_time():
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import ihtbatch"], check=True)
    return time.perf_counter() - start


def interrupt_latency(ihtbatch, data):
    """Seconds from Ctrl-C (sent 2 s into a sweep) to the Interrupted exception."""
    sent = []

    def press():
        sent.append(time.perf_counter())
        _thread.interrupt_main()

    timer = threading.Timer(2.0, press)
    timer.start()
    try:
        ihtbatch.sweep(data, runs=1000, progress=False)
    except ihtbatch.Interrupted as exc:
        return time.perf_counter() - sent[0], len(exc.sweep.runs)
    raise RuntimeError("the sweep ended before the interrupt")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    empty = min(time_of([sys.executable, "-c", "pass"]) for _ in range(10))
    imports = [import_time() for _ in range(10)]
    print(f"import ihtbatch: min {min(imports) - empty:.3f} s, median {statistics.median(imports) - empty:.3f} s "
          f"(interpreter start {empty:.3f} s subtracted)")
    import ihtbatch
    cli, py = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            cli.append(cli_sweep(args.cli, f"{tmp}/cli{r}"))
            py.append(python_sweep(ihtbatch, f"{tmp}/py{r}"))
            print(f"round {r}: cli {cli[-1]:.2f} s, python {py[-1]:.2f} s", flush=True)
    for name, times in (("cli", cli), ("python", py)):
        print(f"{name}: min {min(times):.2f} s, median {statistics.median(times):.2f} s")
    print(f"python / cli: min {min(py) / min(cli):.4f}, median {statistics.median(py) / statistics.median(cli):.4f}")
    for data in ("iris", "digits"):
        latencies = [interrupt_latency(ihtbatch, data) for _ in range(3)]
        print(f"Ctrl-C on {data}: " + ", ".join(f"{s:.3f} s ({n} runs kept)" for s, n in latencies))


def time_of(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
