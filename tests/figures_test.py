#!/usr/bin/python3
"""End-to-end test of scripts/figures.py on a small real ihtbatch sweep.

Usage: figures_test.py IHTBATCH_BINARY SCRIPT_PATH
Exit 0 pass, 1 fail, 77 skipped (matplotlib missing; CTest SKIP_RETURN_CODE).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    import numpy as np
except ImportError:
    print("SKIPPED: matplotlib not installed for /usr/bin/python3")
    sys.exit(77)

FIGURES = ["step_size", "losses_accuracies", "eps_optimality", "steps",
           "support_frequency", "run_detail"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TIMEOUT_S = 600

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}")
    return ok


def run(cmd, stdout=None):
    """Run a command; return (rc, stdout text or '', stderr text)."""
    p = subprocess.run(cmd, stdout=stdout if stdout else subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT_S)
    out = p.stdout.decode(errors="replace") if p.stdout else ""
    return p.returncode, out, p.stderr.decode(errors="replace")


def make_results(binary, res):
    """A small sweep plus one traced run, as the paper's Fig. 8/14/15 run."""
    rc, out, err = run([binary, "sweep", "--sparsity", "1-14", "--runs", "8",
                        "--max-steps", "300", "--out", res])
    if not check(rc == 0, f"ihtbatch sweep exited {rc}: {err.strip()[-500:]}"):
        return False
    os.makedirs(res, exist_ok=True)
    with open(os.path.join(res, "run_detail.json"), "wb") as f:
        rc, _, err = run([binary, "run", "--sparsity", "7", "--init-seed", "21",
                          "--data-seed", "42", "--support-seed", "84",
                          "--max-steps", "300", "--json", "--trace"], stdout=f)
    return check(rc == 0, f"ihtbatch run exited {rc}: {err.strip()[-500:]}")


def check_png(path):
    with open(path, "rb") as f:
        if not check(f.read(8) == PNG_MAGIC, f"{path}: no PNG signature"):
            return
    try:
        img = mpimg.imread(path)
    except Exception as exc:  # any decoder failure is a test failure
        check(False, f"{path}: does not decode: {exc}")
        return
    h, w = img.shape[:2]
    check(w >= 300 and h >= 200, f"{path}: too small ({w}x{h})")
    check(float(np.std(img)) > 0, f"{path}: a single flat colour")


def check_svg(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        check(False, f"{path}: not XML: {exc}")
        return
    check(root.tag.split("}")[-1] == "svg", f"{path}: root is <{root.tag}>, not <svg>")


def check_outputs(script, res):
    rc, out, err = run([sys.executable, script, res])
    if not check(rc == 0, f"figures.py exited {rc}: {err.strip()[-1000:]}"):
        return
    fig_dir = os.path.join(res, "figures")
    report = os.path.join(res, "report.md")
    for name in FIGURES:
        for ext in ("png", "svg"):
            path = os.path.join(fig_dir, f"{name}.{ext}")
            if check(os.path.isfile(path), f"missing {path}"):
                (check_png if ext == "png" else check_svg)(path)
    if check(os.path.isfile(report), f"missing {report}"):
        with open(report, encoding="utf-8") as f:
            text = f.read()
        for name in FIGURES:
            check(f"](figures/{name}.png)" in text, f"report.md does not embed {name}.png")


def expect_bad_input(script, res, label):
    """Bad input: exit 2 and a one-line message, no traceback."""
    rc, _, err = run([sys.executable, script, res])
    check(rc == 2, f"{label}: exit code {rc}, expected 2")
    check(err.strip() != "", f"{label}: no message on stderr")
    check("Traceback" not in err, f"{label}: Python traceback on stderr:\n{err}")


def check_bad_inputs(script, res, tmp):
    # An empty --out is not the default directory.
    rc, _, err = run([sys.executable, script, res, "--out", ""])
    check(rc == 2 and "--out: the value is empty" in err, f"--out '': exit code {rc}, {err.strip()[-300:]}")

    empty = os.path.join(tmp, "no_runs")
    os.makedirs(empty)
    expect_bad_input(script, empty, "directory without runs.csv")

    garbage = os.path.join(tmp, "garbage")
    os.makedirs(garbage)
    with open(os.path.join(res, "runs.csv"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    if check(len(lines) >= 3, "runs.csv has fewer than two data rows"):
        header = lines[0].split(",")
        row = lines[2].split(",")
        row[header.index("train_loss")] = "garbage"
        lines[2] = ",".join(row)
        with open(os.path.join(garbage, "runs.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        expect_bad_input(script, garbage, "runs.csv with a non-numeric value")


def check_wide(binary, script, tmp):
    """A hidden-layer network (n = 67): θ* in theta.npy, the support drawn as
    a heat map per weight matrix; a damaged theta.npy is bad input."""
    res = os.path.join(tmp, "wide")
    rc, _, err = run([binary, "sweep", "--hidden", "8", "--sparsity", "3,20", "--runs", "4",
                      "--max-steps", "50", "--monte", "5", "--out", res])
    if not check(rc == 0, f"wide sweep exited {rc}: {err.strip()[-500:]}"):
        return
    check(os.path.isfile(os.path.join(res, "theta.npy")), "wide sweep: no theta.npy")
    rc, _, err = run([sys.executable, script, res])
    if not check(rc == 0, f"figures.py on a wide sweep exited {rc}: {err.strip()[-1000:]}"):
        return
    check_png(os.path.join(res, "figures", "support_frequency.png"))
    with open(os.path.join(res, "theta.npy"), "r+b") as f:
        f.truncate(200)
    expect_bad_input(script, res, "a truncated theta.npy")


def main():
    if len(sys.argv) != 3:
        print("usage: figures_test.py IHTBATCH_BINARY SCRIPT_PATH")
        return 1
    binary, script = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="figures_test_")
    try:
        res = os.path.join(tmp, "res")
        if make_results(binary, res):
            check_outputs(script, res)
            check_bad_inputs(script, res, tmp)
        check_wide(binary, script, tmp)
    except subprocess.TimeoutExpired as exc:
        check(False, f"timed out after {TIMEOUT_S} s: {exc.cmd}")
    finally:
        if failures:
            print(f"kept the work directory for inspection: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("PASS: figures.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
