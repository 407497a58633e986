#!/usr/bin/python3
"""Figures and a markdown report for an ihtbatch results directory.

Usage: scripts/figures.py RESULTS_DIR [--out DIR]

Reads RESULTS_DIR/runs.csv (required; above 64 parameters θ* is in
theta.npy with param_names.txt beside it) and, when present, meta.json,
run_detail.json and supports.csv. Writes six figures (PNG + SVG) to
DIR (default RESULTS_DIR/figures) and RESULTS_DIR/report.md.
Everything shown is recomputed from runs.csv, so summary.csv is not needed.

Exit codes: 0 ok, 1 cannot write output, 2 bad input, 3 matplotlib missing.
"""
import argparse
import csv
import json
import math
import os
import re
import sys

try:
    import matplotlib
    matplotlib.use("Agg")  # headless: no display on build machines
    import matplotlib.pyplot as plt
    import numpy as np
except ImportError as exc:
    sys.stderr.write(f"figures.py: matplotlib (with numpy) is required for "
                     f"{sys.executable} but cannot be imported: {exc}\n")
    sys.exit(3)

REQUIRED = ["sparsity", "run", "data_seed", "init_seed", "support_seed",
            "lipschitz", "step_size", "steps", "stop", "train_loss",
            "train_acc", "test_loss", "test_acc", "eps", "ht_stable",
            "ht_margin", "grad_support_inf"]
INT_COLS = {"sparsity", "run", "data_seed", "init_seed", "support_seed", "steps"}
BOOL_WORDS = {"0": 0, "1": 1, "false": 0, "true": 1}

SPARSE_COLOR = "#3b75af"   # every sparse level
DENSE_COLOR = "#e1812c"    # the dense baseline
TOL_COLOR = "#c03d3e"
HT_COLOR = "#3a923a"
DEFAULT_TOL = 0.05

plt.rcParams.update({
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10,
    "figure.titlesize": 13, "axes.grid": True, "axes.axisbelow": True,
    "grid.alpha": 0.3, "svg.hashsalt": "ihtbatch",  # stable SVG ids
})


class InputError(Exception):
    """Bad or unreadable input; the message is shown as is (exit 2)."""


# ---------------------------------------------------------------- input

def parse_field(col, text, where):
    """One runs.csv cell to int / float / str, or InputError naming the cell."""
    try:
        if col in INT_COLS:
            return int(text)
        if col == "ht_stable":
            return BOOL_WORDS[text.lower()]
        if col == "stop":
            if not text:
                raise ValueError
            return text
        return float(text)  # accepts inf, -inf, nan
    except (ValueError, KeyError):
        kind = ("an integer" if col in INT_COLS else "0 or 1" if col == "ht_stable"
                else "a stop reason" if col == "stop" else "a number")
        raise InputError(f"{where}: column '{col}': {text!r} is not {kind}") from None


def read_runs(path):
    """Parse runs.csv: column arrays, final θ matrix and parameter names."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return parse_runs(csv.reader(f), path)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def parse_runs(reader, path):
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise InputError(f"{path}: empty file (no header line)")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"{path}: missing required column(s): {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise InputError(f"{path}: duplicate column names in the header")
    # Everything after grad_support_inf is the final parameter vector θ;
    # none: it is in theta.npy, its names in param_names.txt (SPEC §9).
    params = header[header.index("grad_support_inf") + 1:]
    in_npy = not params
    if in_npy:
        names_path = os.path.join(os.path.dirname(path), "param_names.txt")
        try:
            with open(names_path, encoding="utf-8") as f:
                params = [line.strip() for line in f if line.strip()]
        except OSError as exc:
            raise InputError(f"{path}: no parameter columns, and {names_path}: {exc}") from None
    n = len(params)
    cols = {c: [] for c in REQUIRED}
    theta = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # tolerate blank lines
        where = f"{path}, line {reader.line_num}"
        if len(row) != len(header):
            raise InputError(f"{where}: {len(row)} fields, header has {len(header)}")
        cell = dict(zip(header, (c.strip() for c in row)))
        for c in REQUIRED:
            cols[c].append(parse_field(c, cell[c], where))
        if not 1 <= cols["sparsity"][-1] <= n:
            raise InputError(f"{where}: sparsity {cols['sparsity'][-1]} is outside 1..{n}")
        if not in_npy:
            theta.append([parse_field(p, cell[p], where) for p in params])
        else:
            theta.append(None)
    if not theta:
        raise InputError(f"{path}: no data rows after the header")
    if in_npy:
        npy = os.path.join(os.path.dirname(path), "theta.npy")
        try:
            theta = np.load(npy)
        except (OSError, ValueError) as exc:
            raise InputError(f"{npy}: cannot read: {exc}") from None
        if theta.shape != (len(cols["sparsity"]), n):
            raise InputError(f"{npy}: shape {theta.shape}, expected ({len(cols['sparsity'])}, {n})")
    arrays = {c: (np.array(v, dtype=object) if c in ("stop", "data_seed", "init_seed",
                                                     "support_seed")
                  else np.array(v, dtype=float)) for c, v in cols.items()}
    return {"cols": arrays, "theta": np.array(theta, dtype=float),
            "params": params, "n": n}


def read_json(path):
    """A JSON file as a dict, or None if absent."""
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object at the top level")
    return data


def flatten(d, prefix=""):
    """Nested meta.json dict to [(dotted.key, value)] for a flat table."""
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


def meta_number(meta, name, default):
    """A numeric setting from meta.json at any nesting depth (e.g. 'tol')."""
    for key, v in flatten(meta or {}):
        if key.split(".")[-1] == name and isinstance(v, (int, float)) \
                and not isinstance(v, bool):
            return float(v)
    return default


def to_float(v, path, key):
    """A JSON number (null = +inf, strings like "inf" allowed) to float."""
    if v is None:
        return math.inf
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InputError(f"{path}: '{key}' holds {v!r}, not a number") from None


def read_run_detail(path):
    """run_detail.json validated into plain floats / lists, or None."""
    d = read_json(path)
    if d is None:
        return None
    need = ["sparsity", "data_seed", "init_seed", "support_seed", "steps", "stop",
            "param_names", "theta0", "theta", "grad"]
    missing = [k for k in need if k not in d]
    if missing:
        raise InputError(f"{path}: missing key(s): {', '.join(missing)}")
    names = d["param_names"]
    if not isinstance(names, list) or not names:
        raise InputError(f"{path}: 'param_names' must be a non-empty list")
    for key in ("theta0", "theta", "grad"):
        if not isinstance(d[key], list) or len(d[key]) != len(names):
            raise InputError(f"{path}: '{key}' must be a list of {len(names)} numbers")
        d[key] = [to_float(v, path, key) for v in d[key]]
    trace = d.get("trace") or {}
    if not isinstance(trace, dict):
        raise InputError(f"{path}: 'trace' must be an object")
    for key in ("train_loss", "test_loss"):
        if not isinstance(trace.get(key, []), list):
            raise InputError(f"{path}: 'trace.{key}' must be a list")
        trace[key] = [to_float(v, path, f"trace.{key}") for v in trace.get(key, [])]
    d["trace"] = trace
    return d


def read_supports(path, n):
    """Table I rows (s, C(n, s)) from supports.csv, else computed."""
    if not os.path.exists(path):
        return [(s, math.comb(n, s)) for s in range(1, n + 1)], "computed as C(n, s)"
    rows = []
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"s", "supports"} <= set(reader.fieldnames):
                raise InputError(f"{path}: expected columns 's,supports'")
            for rec in reader:
                try:
                    rows.append((int(rec["s"]), int(rec["supports"])))
                except (TypeError, ValueError):
                    raise InputError(f"{path}, line {reader.line_num}: "
                                     f"non-integer value") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    if not rows:
        raise InputError(f"{path}: no data rows")
    return rows, "from supports.csv"


# ------------------------------------------------------------ per level

def levels_of(runs):
    """Sorted sparsity levels present, dense (s = n) last by construction."""
    return sorted(set(int(s) for s in runs["cols"]["sparsity"]))


def level_label(s, n):
    return "dense" if s == n else str(s)


def paired_eps(runs):
    """eps recomputed as train_loss(s, r) − train_loss(dense, r); None if no dense."""
    c = runs["cols"]
    dense = {int(r): l for s, r, l in zip(c["sparsity"], c["run"], c["train_loss"])
             if s == runs["n"]}
    if not dense:
        return None
    return np.array([l - dense.get(int(r), math.nan)
                     for r, l in zip(c["run"], c["train_loss"])])


def by_level(values, runs, levels):
    """Split one per-run array into finite values per level (for box plots)."""
    s = runs["cols"]["sparsity"]
    out = []
    for lv in levels:
        v = np.asarray(values[s == lv], dtype=float)
        out.append(v[np.isfinite(v)])
    return out


def finite_median(v):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else math.nan


def summarize(runs, levels):
    """One dict per level with the numbers of the report's summary table."""
    c = runs["cols"]
    eps = paired_eps(runs)
    rows = []
    for lv in levels:
        m = c["sparsity"] == lv
        rows.append({
            "level": level_label(lv, runs["n"]), "runs": int(m.sum()),
            "tol": float(np.mean(c["stop"][m] == "tol")),
            "diverged": int(np.sum(c["stop"][m] == "diverged")),
            "gamma": finite_median(c["step_size"][m]),
            "steps": finite_median(c["steps"][m]),
            "train_loss": finite_median(c["train_loss"][m]),
            "eps": finite_median(eps[m]) if eps is not None else math.nan,
            "test_acc": finite_median(c["test_acc"][m]),
            "ht": float(np.mean(c["ht_stable"][m])),
        })
    return rows


# -------------------------------------------------------------- drawing

def param_label(name):
    """'w11' -> $w_{11}$ so parameter names read like the paper's."""
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return rf"${m.group(1)}_{{{m.group(2)}}}$" if m else name.replace("$", r"\$")


def boxplot_levels(ax, data, levels, n, ylabel):
    """Box plot per level; sparse levels one colour, the dense baseline another."""
    pos = np.arange(len(levels))
    # An empty level (all values non-finite) would break boxplot: draw nothing there.
    safe = [d if d.size else np.array([np.nan]) for d in data]
    bp = ax.boxplot(safe, positions=pos, widths=0.6, patch_artist=True,
                    medianprops={"color": "black", "linewidth": 1.2},
                    flierprops={"marker": "o", "markersize": 2.5, "alpha": 0.4,
                                "markeredgewidth": 0.5})
    for box, lv in zip(bp["boxes"], levels):
        box.set_facecolor(DENSE_COLOR if lv == n else SPARSE_COLOR)
        box.set_alpha(0.85)
    for x, d in zip(pos, data):
        if not d.size:
            ax.text(x, 0.5, "no finite\nvalues", ha="center", va="center", fontsize=8,
                    color="grey", transform=ax.get_xaxis_transform())
    ax.set_xticks(pos, [level_label(lv, n) for lv in levels])
    ax.set_xlim(-0.6, len(levels) - 0.4)
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", visible=False)
    auto_log(ax, data)


def auto_log(ax, data):
    """Log y axis when positive values span more than two decades."""
    v = np.concatenate([d for d in data if d.size] or [np.array([])])
    if v.size and v.min() > 0 and v.max() / v.min() > 100:
        ax.set_yscale("log")


def xlabel_sparsity(ax):
    ax.set_xlabel("sparsity s (number of nonzero parameters)")


def fig_step_size(runs, levels):
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    data = by_level(runs["cols"]["step_size"], runs, levels)
    boxplot_levels(ax, data, levels, runs["n"], r"step size $\gamma = 1/\hat{L}_{2s}$")
    xlabel_sparsity(ax)
    ax.set_title("Estimated step size by sparsity level")
    return fig


def fig_losses_accuracies(runs, levels):
    c = runs["cols"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True, layout="constrained")
    panels = [("train_loss", "train loss (cross-entropy, nats)", 1),
              ("test_loss", "test loss (cross-entropy, nats)", 1),
              ("train_acc", "train accuracy (%)", 100),
              ("test_acc", "test accuracy (%)", 100)]
    for ax, (col, ylabel, scale) in zip(axes.flat, panels):
        boxplot_levels(ax, by_level(c[col] * scale, runs, levels), levels, runs["n"], ylabel)
        ax.set_title(ylabel.split(" (")[0].capitalize())
    for ax in axes[1]:
        xlabel_sparsity(ax)
    fig.suptitle("Final losses and accuracies by sparsity level")
    return fig


def fig_eps(runs, levels, eps, tol):
    sparse = [lv for lv in levels if lv != runs["n"]]
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    boxplot_levels(ax, by_level(eps, runs, sparse), sparse, runs["n"],
                   r"$\epsilon = f(\theta^*_s) - f(\theta^*_{\mathrm{dense}})$ (nats)")
    ax.axhline(0, color="black", linewidth=1, label="0 (dense loss)")
    ax.axhline(tol, color=TOL_COLOR, linestyle="--", linewidth=1.2,
               label=f"tol = {tol:g}")
    xlabel_sparsity(ax)
    ax.legend(loc="upper right")
    ax.set_title(r"Paired $\epsilon$-optimality against the dense baseline (same split)")
    return fig


def fig_steps(runs, levels, max_steps):
    c = runs["cols"]
    n = runs["n"]
    fig, (top, bot) = plt.subplots(2, 1, figsize=(8, 7), sharex=True, layout="constrained",
                                   gridspec_kw={"height_ratios": [3, 2]})
    data = by_level(c["steps"], runs, levels)
    boxplot_levels(top, data, levels, n, "IHT steps taken (updates)")
    if max_steps is not None:
        top.axhline(max_steps, color="grey", linestyle=":", linewidth=1.2,
                    label=f"max_steps = {max_steps:g}")
        top.legend(loc="best")
    top.set_title("Steps to stop and stopping behaviour by sparsity level")
    pos = np.arange(len(levels))
    s = c["sparsity"]
    tol_frac = [100 * np.mean(c["stop"][s == lv] == "tol") for lv in levels]
    ht_frac = [100 * np.mean(c["ht_stable"][s == lv]) for lv in levels]
    bot.plot(pos, tol_frac, "o-", color=TOL_COLOR, label="stopped by tol")
    bot.plot(pos, ht_frac, "s--", color=HT_COLOR, label="HT-stable (eq. 8)")
    bot.set_ylim(-5, 105)
    bot.set_ylabel("runs (%)")
    bot.legend(loc="best")
    xlabel_sparsity(bot)
    return fig


MATRIX_NAME = re.compile(r"^(w\d?)_(\d+)_(\d+)$")


def weight_matrices(params):
    """{'w': [(index, i, j), …]} for the names w_i_j, w1_i_j, w2_j_k (SPEC §9)."""
    mats = {}
    for k, p in enumerate(params):
        m = MATRIX_NAME.match(p)
        if m:
            mats.setdefault(m.group(1), []).append((k, int(m.group(2)), int(m.group(3))))
    return mats


def fig_support_maps(runs, levels):
    """Wide networks: per weight matrix, how often each weight is kept, one
    panel per sparsity level; 64 inputs (digits) as an 8×8 image per class."""
    params, s = runs["params"], runs["cols"]["sparsity"]
    mats = weight_matrices(params)
    sparse = [lv for lv in levels if lv < runs["n"]]
    shown = sparse[:: max(1, len(sparse) // 4)][:4]  # at most four levels
    rows = []
    for name, cells in mats.items():
        rows_n = max(i for _, i, _ in cells)
        cols_n = max(j for _, _, j in cells)
        rows.append((name, cells, rows_n, cols_n))
    image = len(rows) == 1 and rows[0][2] == 64  # one layer on 8×8 images
    if image:
        classes = rows[0][3]
        fig, axes = plt.subplots(len(shown), classes, figsize=(1.3 * classes + 1, 1.4 * len(shown) + 1),
                                 layout="constrained", squeeze=False)
    else:
        fig, axes = plt.subplots(len(shown), len(rows), figsize=(4 * len(rows) + 1, 3 * len(shown) + 1),
                                 layout="constrained", squeeze=False)
    im = None
    for r, lv in enumerate(shown):
        freq = np.mean(runs["theta"][s == lv] != 0, axis=0)
        for c, (name, cells, rows_n, cols_n) in enumerate(rows):
            grid = np.zeros((rows_n, cols_n))
            for k, i, j in cells:
                grid[i - 1, j - 1] = freq[k]
            if image:
                for cls in range(cols_n):
                    ax = axes[r, cls]
                    im = ax.imshow(grid[:, cls].reshape(8, 8), cmap="Blues", vmin=0, vmax=1)
                    ax.set_xticks([]), ax.set_yticks([]), ax.grid(False)
                    if r == 0:
                        ax.set_title(f"class {cls}")
                    if cls == 0:
                        ax.set_ylabel(f"s = {lv}")
                break
            ax = axes[r, c]
            im = ax.imshow(grid, cmap="Blues", vmin=0, vmax=1, aspect="auto")
            ax.grid(False)
            if cols_n <= 20:
                ax.set_xticks(range(cols_n), range(1, cols_n + 1))  # the names' 1-based indices
            if rows_n <= 20:
                ax.set_yticks(range(rows_n), range(1, rows_n + 1))
            ax.set_title(f"{name} (s = {lv})")
            ax.set_xlabel("to unit" if name != "w" else "class")
            ax.set_ylabel("from input" if name in ("w", "w1") else "from hidden unit")
    fig.colorbar(im, ax=axes, shrink=0.8).set_label(r"fraction of runs with $\theta^*_i \neq 0$")
    fig.suptitle("Support of the final weights: how often each weight is kept")
    return fig


def fig_support_frequency(runs, levels):
    if runs["n"] > 64 and weight_matrices(runs["params"]):
        return fig_support_maps(runs, levels)
    n, params = runs["n"], runs["params"]
    s = runs["cols"]["sparsity"]
    freq = np.array([np.mean(runs["theta"][s == lv] != 0, axis=0) for lv in levels])
    fig, ax = plt.subplots(figsize=(max(7, 0.55 * n + 3), max(4, 0.4 * len(levels) + 2)),
                           layout="constrained")
    im = ax.imshow(freq, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(n), [param_label(p) for p in params],
                  rotation=90 if n > 30 else 0)
    ax.set_yticks(range(len(levels)), [level_label(lv, n) for lv in levels])
    ax.set_xlabel("parameter")
    ax.set_ylabel("sparsity s")
    ax.grid(False)
    if freq.size <= 600:  # annotate cells while they stay legible
        for (i, j), v in np.ndenumerate(freq):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if v > 0.6 else "black")
    cb = fig.colorbar(im, ax=ax, shrink=0.9)
    cb.set_label(r"fraction of runs with $\theta^*_i \neq 0$")
    ax.set_title("Support of the final parameters: how often each parameter is kept")
    return fig


def bar_params(ax, values, names, title, ylabel, colors=None):
    pos = np.arange(len(names))
    ax.bar(pos, values, color=colors or SPARSE_COLOR, width=0.7)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(pos, [param_label(p) for p in names],
                  rotation=90 if len(names) > 20 else 0)
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", visible=False)


def fig_run_detail(d, tol):
    names = d["param_names"]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), layout="constrained")
    bar_params(axes[0, 0], d["theta0"], names, r"Initial parameters $\theta^0$", "value")
    bar_params(axes[0, 1], d["theta"], names, r"Trained parameters $\theta^*$", "value")
    # Colour the gradient by whether the entry is in supp(θ*): eq. (8) treats them apart.
    in_sup = [t != 0 for t in d["theta"]]
    bar_params(axes[1, 0], d["grad"], names, r"Gradient at the solution $\nabla f(\theta^*)$",
               r"$\partial f / \partial \theta_i$ (nats per unit $\theta_i$)",
               colors=[SPARSE_COLOR if k else "#999999" for k in in_sup])
    axes[1, 0].legend(handles=[plt.Rectangle((0, 0), 1, 1, color=SPARSE_COLOR),
                               plt.Rectangle((0, 0), 1, 1, color="#999999")],
                      labels=[r"in supp($\theta^*$)", r"not in supp($\theta^*$)"],
                      loc="best", fontsize=9)
    plot_trace(axes[1, 1], d["trace"], tol)
    fig.suptitle(f"Run detail: s = {d['sparsity']}, data seed {d['data_seed']}, "
                 f"init seed {d['init_seed']}, support seed {d['support_seed']} "
                 f"(stop: {d['stop']} after {d['steps']} steps)\n{final_metrics(d)}")
    return fig


def final_metrics(d):
    """One line of the run's final numbers for the run-detail title."""
    parts = []
    for key, label, scale, unit in (("train_loss", "train loss", 1, ""),
                                    ("test_loss", "test loss", 1, ""),
                                    ("train_acc", "train acc.", 100, " %"),
                                    ("test_acc", "test acc.", 100, " %")):
        if isinstance(d.get(key), (int, float)):
            parts.append(f"{label} {fmt(float(d[key]) * scale)}{unit}")
    if isinstance(d.get("ht_stable"), bool):
        parts.append(f"HT-stable: {'yes' if d['ht_stable'] else 'no'}")
    return ", ".join(parts)


def plot_trace(ax, trace, tol):
    """Train/test loss against the step k, log y, with the stopping tolerance."""
    ax.set_title("Loss over IHT steps")
    ax.set_xlabel("step k")
    ax.set_ylabel("loss (cross-entropy, nats)")
    drawn = False
    for key, color, label in (("train_loss", SPARSE_COLOR, "train"),
                              ("test_loss", DENSE_COLOR, "test")):
        y = np.array(trace.get(key, []), dtype=float)
        ok = np.isfinite(y) & (y > 0)  # log axis: only positive finite values
        if ok.any():
            ax.plot(np.arange(y.size)[ok], y[ok], color=color, label=label, linewidth=1.5)
            drawn = True
    if not drawn:
        ax.text(0.5, 0.5, "no trace in run_detail.json", ha="center", va="center",
                transform=ax.transAxes)
        return
    ax.set_yscale("log")
    ax.axhline(tol, color=TOL_COLOR, linestyle="--", linewidth=1.2, label=f"tol = {tol:g}")
    ax.legend(loc="upper right")


def save(fig, out_dir, name):
    """Write NAME.png (200 dpi) and NAME.svg; return the PNG path."""
    png = os.path.join(out_dir, name + ".png")
    fig.savefig(png, dpi=200, bbox_inches="tight")
    fig.savefig(os.path.join(out_dir, name + ".svg"), bbox_inches="tight",
                metadata={"Date": None})  # reproducible SVG
    plt.close(fig)
    return png


# --------------------------------------------------------------- report

def fmt(v, digits=4):
    if isinstance(v, float) and not math.isfinite(v):
        return "n/a" if math.isnan(v) else str(v)
    return f"{v:.{digits}g}"


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def summary_markdown(summary):
    header = ["s", "runs", "stopped by tol", "diverged", "median γ", "median steps",
              "median train loss", "median ε", "median test acc.", "HT-stable"]
    rows = [[r["level"], r["runs"], f"{100 * r['tol']:.1f} %", r["diverged"],
             fmt(r["gamma"]), fmt(r["steps"], 6), fmt(r["train_loss"]), fmt(r["eps"], 3),
             "n/a" if math.isnan(r["test_acc"]) else f"{100 * r['test_acc']:.1f} %",
             f"{100 * r['ht']:.1f} %"] for r in summary]
    return md_table(header, rows)


def meta_markdown(meta):
    rows = [[f"`{k}`", json.dumps(v) if isinstance(v, (list, bool)) or v is None else v]
            for k, v in flatten(meta)]
    return md_table(["setting", "value"], rows).replace("---:|---:", ":---|---:")


def write_report(path, runs, levels, summary, meta, supports, figures, notes):
    n = runs["n"]
    sparse = [lv for lv in levels if lv != n]
    parts = ["# Learning sparse networks by IHT: results", "",
             f"{int(runs['cols']['sparsity'].size)} runs, n = {n} parameters, "
             f"sparsity levels {', '.join(level_label(lv, n) for lv in levels)}"
             f"{'' if n in levels else ' (no dense baseline)'}.", ""]
    if sparse and len(sparse) != n - 1:
        parts += [f"Only {len(sparse)} of the {n - 1} sparse levels are present.", ""]
    if meta:
        parts += ["## Configuration (meta.json)", "", meta_markdown(meta), ""]
    parts += ["## Summary by sparsity level", "",
              "Recomputed from runs.csv; medians over finite values; ε is paired by "
              "run index against the dense run with the same data split.", "",
              summary_markdown(summary), ""]
    rows, source = supports
    parts += [f"## Table I: number of possible supports ({source})", "",
              md_table(["s", "supports C(n, s)"], [[s, f"{c:,}"] for s, c in rows]), ""]
    parts += ["## Figures", ""]
    for k, (caption, rel) in enumerate(figures, 1):
        # Escape '*' (as in θ*) so the caption line is not read as emphasis.
        escaped = caption.replace("*", r"\*")
        parts += [f"![{caption}]({rel})", "", f"**Figure {k}.** {escaped}", ""]
    if notes:
        parts += ["## Notes", ""] + [f"- {x}" for x in notes] + [""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


# ----------------------------------------------------------------- main

def build(results, out_dir):
    runs = read_runs(os.path.join(results, "runs.csv"))
    meta = read_json(os.path.join(results, "meta.json"))
    detail = read_run_detail(os.path.join(results, "run_detail.json"))
    supports = read_supports(os.path.join(results, "supports.csv"), runs["n"])
    # tol from meta.json, else from the run's own config, else the paper's 0.05.
    tol = meta_number(meta, "tol", meta_number(detail, "tol", DEFAULT_TOL))
    max_steps = meta_number(meta, "max_steps", None)
    levels = levels_of(runs)
    eps = paired_eps(runs)

    os.makedirs(out_dir, exist_ok=True)
    rel = os.path.relpath(out_dir, results).replace(os.sep, "/")
    figures, notes = [], []

    def add(fig, name, caption):
        save(fig, out_dir, name)
        figures.append((caption, f"{rel}/{name}.png"))

    add(fig_step_size(runs, levels), "step_size",
        "Step size γ = 1/L̂₂ₛ estimated per run, by sparsity level (paper Fig. 9).")
    add(fig_losses_accuracies(runs, levels), "losses_accuracies",
        "Final train/test loss and accuracy by sparsity level (paper Figs. 10–13).")
    if eps is None:
        notes.append("No dense baseline (s = n) in runs.csv: the ε-optimality figure "
                     "is skipped.")
    else:
        add(fig_eps(runs, levels, eps, tol), "eps_optimality",
            f"Paired ε = train loss(s) − train loss(dense) per run; lines at 0 and tol = {tol:g}.")
    add(fig_steps(runs, levels, max_steps), "steps",
        "IHT steps taken per run, with the share of runs stopped by tol and HT-stable.")
    add(fig_support_frequency(runs, levels), "support_frequency",
        "Fraction of runs in which each parameter is nonzero in the final θ*, by level.")
    if detail is None:
        notes.append("No run_detail.json: the single-run figure is skipped.")
    else:
        add(fig_run_detail(detail, tol), "run_detail",
            f"One run (s = {detail['sparsity']}): θ⁰, θ*, ∇f(θ*) and the loss "
            f"over steps (paper Figs. 8, 14, 15).")
    dropped = int(np.sum(~np.isfinite(runs["cols"]["train_loss"])))
    if dropped:
        notes.append(f"{dropped} run(s) with a non-finite train loss are left out of "
                     f"the loss box plots.")
    summary = summarize(runs, levels)
    write_report(os.path.join(results, "report.md"), runs, levels, summary, meta,
                 supports, figures, notes)
    return figures


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", metavar="RESULTS_DIR", help="directory written by ihtbatch sweep")
    ap.add_argument("--out", metavar="DIR", help="figure directory (default RESULTS_DIR/figures)")
    args = ap.parse_args(argv)
    out = os.path.join(args.results, "figures") if args.out is None else args.out
    try:
        if not out.strip():
            raise InputError("--out: the value is empty or blank (leave it out for RESULTS_DIR/figures)")
        if not os.path.isdir(args.results):
            raise InputError(f"{args.results}: results directory not found")
        figures = build(args.results, out)
    except InputError as exc:
        sys.stderr.write(f"figures.py: {exc}\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"figures.py: cannot write output: {exc}\n")
        return 1
    print(f"wrote {len(figures)} figures to {out} and "
          f"{os.path.join(args.results, 'report.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
