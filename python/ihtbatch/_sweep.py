"""A sweep from Python: run one, read one, write one, draw one."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple, Union

from . import _core, _options
from ._drive import drive
from ._options import DataArg, InputError

# runs.csv's columns before θ's (docs/SPEC.md §6).
RUN_COLUMNS = ("sparsity", "run", "data_seed", "init_seed", "support_seed", "lipschitz", "step_size", "steps",
               "stop", "train_loss", "train_acc", "test_loss", "test_acc", "eps", "ht_stable", "ht_margin",
               "grad_support_inf")
# What a sweep writes: θ is in runs.csv up to 64 parameters, else in the .npy and the names beside it.
OUTPUT_FILES = ("runs.csv", "summary.csv", "meta.json", "theta.npy", "param_names.txt")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep. ``.sweep`` holds the runs that finished (and,
    with ``out``, the directory holds them with the journal, for ``resume=True``)."""

    def __init__(self, sweep: "Sweep"):
        super().__init__(f"interrupted: {sweep.meta['runs_done']} of {sweep.meta['runs_planned']} runs finished; "
                         f"they are in this exception's .sweep")
        self.sweep = sweep


def read_csv(source: Any) -> Any:
    """A CSV the engine wrote, every number read back to the same bits."""
    import pandas as pd

    return pd.read_csv(source, float_precision="round_trip")


class Sweep:
    """A sweep's results: ``runs`` (runs.csv as a DataFrame), ``summary``
    (summary.csv), ``meta`` (meta.json as a dict), ``theta`` (θ* of every run,
    an ndarray of shape (runs, parameters), rows as ``runs``) and
    ``param_names``. ``directory`` is where its files are: ``out``, or a
    temporary directory that lives as long as this object; ``to_dir`` copies
    them (byte for byte what the CLI writes)."""

    def __init__(self, directory: Union[str, os.PathLike], theta: Any = None, keep: Any = None):
        self.directory = Path(directory)
        self._theta = theta
        self._keep = keep  # a TemporaryDirectory, removed with this object

    @cached_property
    def runs(self) -> Any:
        return read_csv(self.directory / "runs.csv")

    @cached_property
    def summary(self) -> Any:
        return read_csv(self.directory / "summary.csv")

    @cached_property
    def meta(self) -> dict:
        with open(self.directory / "meta.json", encoding="utf-8") as f:
            return json.load(f)

    @cached_property
    def param_names(self) -> List[str]:
        names_file = self.directory / "param_names.txt"
        if names_file.exists():
            return names_file.read_text(encoding="utf-8").split()
        with open(self.directory / "runs.csv", encoding="utf-8") as f:
            return f.readline().rstrip("\n").split(",")[len(RUN_COLUMNS):]

    @property
    def theta(self) -> Any:
        if self._theta is None:
            import numpy as np

            npy = self.directory / "theta.npy"
            if npy.exists():
                self._theta = np.load(npy)
            else:
                self._theta = self.runs[self.param_names].to_numpy(dtype=np.float64)
        return self._theta

    @property
    def complete(self) -> bool:
        return bool(self.meta["complete"])

    def to_dir(self, path: Union[str, os.PathLike]) -> Path:
        """Writes the sweep's files to ``path`` (created); returns it."""
        target = Path(path)
        if target.resolve() == self.directory.resolve():
            return target
        target.mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_FILES:
            source = self.directory / name
            if source.exists():
                shutil.copyfile(source, target / name)
            elif (target / name).exists():
                (target / name).unlink()  # a wider sweep's θ files would describe other runs
        return target

    def __repr__(self) -> str:
        m = self.meta
        state = "complete" if m["complete"] else f"{m['runs_done']} of {m['runs_planned']} runs"
        return (f"<ihtbatch.Sweep {m['data']['path']}: {m['runs_done']} runs, levels {_levels(m['sparsity'])}"
                f"{' + dense' if m['dense'] else ''}, {m['backend']} {m['precision']}, {state}; {self.directory}>")


def _levels(levels: Sequence[int]) -> str:
    return f"{levels[0]}..{levels[-1]}" if len(levels) > 2 else ",".join(map(str, levels))


def sweep(data: DataArg = "iris", sparsity: Union[None, int, str, Sequence[Union[int, str]]] = None,
          runs: int = 1000, *, dense: bool = True, hidden: int = 0, activation: str = "tanh",
          backend: str = "auto", precision: str = "float64", seed: int = 0, threads: int = 0,
          out: Union[None, str, os.PathLike] = None, resume: bool = False, restart: bool = False,
          shard: Union[None, str, Tuple[int, int]] = None, max_steps: int = 10000, tol: float = 0.05,
          monte: int = 100, step_size: float = 0.0, progress: bool = True) -> Sweep:
    """Runs a sweep, as ``ihtbatch sweep`` does: every sparsity level × ``runs``
    runs, plus the dense baseline, and returns its results.

    data: a shipped dataset ("iris", "wine", "breast-cancer", "digits"), a CSV
        path (header, numeric features, integer class last), or a tuple
        (X, y): X of shape (samples, features), y integer labels 0..c-1.
    sparsity: levels as the CLI's --sparsity ("1-14", "3,5,7", "5%,10%"), an
        int, or a list; None: 1..n-1 for n <= 32 parameters, else 1-90 % of n.
    runs: runs per level. dense: also the dense baseline (s = n).
    hidden, activation: a hidden layer of that many units ("tanh", "relu",
        "sigmoid"); 0: the paper's one-layer network.
    backend: "auto" (the fastest available), "gpu", "cpu" or "reference".
    precision: "float64" or "float32". seed: the master seed.
    threads: CPU threads (0: all cores).
    out: a directory to write runs.csv, summary.csv and meta.json to, as the
        CLI's --out (and the journal while it runs); None: a temporary one.
    resume, restart: continue, or discard, an unfinished sweep journaled in out.
    shard: "I/N" or (I, N): this shard's runs of every level.
    max_steps, tol, monte, step_size: the experiment (docs/SPEC.md §3).
    progress: a progress bar (tqdm) while it runs.

    Raises ``ihtbatch.InputError`` (a ValueError) for bad input, with the
    CLI's message. Ctrl-C stops the sweep within about a run's time and raises
    ``ihtbatch.Interrupted`` (a KeyboardInterrupt) whose ``.sweep`` holds the
    finished runs. An engine failure after some runs finished is raised with
    the finished runs in its ``.sweep``.
    """
    keep = None
    if out is None:
        keep = tempfile.TemporaryDirectory(prefix="ihtbatch-")
        out = keep.name
    index, count = _options.shard(shard)
    job = _core.SweepJob(
        data=_options.dataset(data),
        experiment=_options.experiment(precision, hidden, activation, max_steps, tol, monte, step_size),
        sparsity=_options.sparsity(sparsity), runs=_options.integer("--runs", runs, 1, _options._LIMITS["runs"]),
        dense=bool(dense), seed=_options.integer("--seed", seed, 0, _options.SEED_MAX),
        threads=_options.integer("--threads", threads, 0, _options._LIMITS["threads"]), backend=backend,
        out=os.fspath(out), resume=bool(resume), restart=bool(restart), shard_index=index, shard_count=count)
    interrupted = drive(job.job, job.planned, progress, f"sweep ({job.backend})")
    result = Sweep(out, theta=job.theta(), keep=keep)
    try:
        job.raise_failure()
    except Exception as exc:
        exc.sweep = result
        raise
    if interrupted:
        raise Interrupted(result)
    return result


def load(directory: Union[str, os.PathLike]) -> Sweep:
    """A sweep's results from the directory a sweep (CLI or Python) wrote."""
    path = Path(directory)
    for name in ("runs.csv", "meta.json"):
        if not (path / name).is_file():
            raise InputError(f"{path}: no {name} (not the output directory of a sweep)")
    return Sweep(path)


def figures(sweep: Union[Sweep, str, os.PathLike], directory: Union[None, str, os.PathLike] = None) -> List[Path]:
    """The figures and report of ``scripts/figures.py``: the sweep's files are
    written to ``directory`` (default: where they are), the figures (PNG and
    SVG) to its ``figures/`` and ``report.md`` beside them. Needs matplotlib
    (``pip install ihtbatch[figures]``). Returns the figure files."""
    results = sweep if isinstance(sweep, Sweep) else load(sweep)
    target = results.directory if directory is None else results.to_dir(directory)
    script = Path(__file__).with_name("_figures.py")
    if not script.exists():  # a source checkout
        script = Path(__file__).resolve().parents[2] / "scripts" / "figures.py"
    done = subprocess.run([sys.executable, str(script), str(target)], capture_output=True, text=True)
    if done.returncode == 2:
        raise InputError(done.stderr.strip())
    if done.returncode == 3:
        raise ImportError(done.stderr.strip())
    if done.returncode != 0:
        raise OSError(done.stderr.strip())
    return sorted((target / "figures").glob("*.*"))
