"""A sweep from Python: run one, read one, write one, draw one."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _core, _options
from ._drive import drive, show_progress
from ._options import DataArg, InputError

# runs.csv's columns before θ's (docs/SPEC.md §6).
RUN_COLUMNS = ("sparsity", "run", "data_seed", "init_seed", "support_seed", "lipschitz", "step_size", "steps",
               "stop", "train_loss", "train_acc", "test_loss", "test_acc", "eps", "ht_stable", "ht_margin",
               "grad_support_inf")
# What a sweep writes: θ is in runs.csv up to 64 parameters, else in the .npy and the names beside it.
OUTPUT_FILES = ("runs.csv", "summary.csv", "meta.json", "theta.npy", "param_names.txt")


def _temporary_directory(stack: contextlib.ExitStack) -> Path:
    """A directory removed when `stack` closes. After a second Ctrl-C the
    engine may still be finishing its cancel there: what it writes meanwhile
    must not turn the KeyboardInterrupt into an OSError of the removal."""
    where = Path(tempfile.mkdtemp(prefix="ihtbatch-"))
    stack.callback(shutil.rmtree, where, ignore_errors=True)
    return where


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
    ``param_names``. The files are read once, when the sweep ends (or at
    ``load``): a later sweep into the same directory does not change this
    object. ``directory`` is where they were written (None: a temporary
    directory, gone); ``to_dir`` writes them again, byte for byte."""

    def __init__(self, files: Dict[str, bytes], directory: Optional[Path], theta: Any = None):
        self._files = files
        self.directory = directory
        self._theta = theta

    @classmethod
    def _read(cls, path: Path, directory: Optional[Path], theta: Any = None) -> "Sweep":
        files = {name: (path / name).read_bytes() for name in OUTPUT_FILES if (path / name).is_file()}
        return cls(files, directory, theta)

    @cached_property
    def runs(self) -> Any:
        return read_csv(io.BytesIO(self._files["runs.csv"]))

    @cached_property
    def summary(self) -> Any:
        return read_csv(io.BytesIO(self._files["summary.csv"]))

    @cached_property
    def meta(self) -> dict:
        return json.loads(self._files["meta.json"])

    @cached_property
    def param_names(self) -> List[str]:
        if "param_names.txt" in self._files:
            return self._files["param_names.txt"].decode("utf-8").split()
        header = self._files["runs.csv"].split(b"\n", 1)[0].decode("utf-8")
        return header.split(",")[len(RUN_COLUMNS):]

    @property
    def theta(self) -> Any:
        if self._theta is None:
            import numpy as np

            if "theta.npy" in self._files:
                self._theta = np.load(io.BytesIO(self._files["theta.npy"]))
            else:
                self._theta = self.runs[self.param_names].to_numpy(dtype=np.float64)
        return self._theta

    @property
    def complete(self) -> bool:
        return bool(self.meta["complete"])

    def to_dir(self, path: Union[str, os.PathLike]) -> Path:
        """Writes the sweep's files (runs.csv, summary.csv, meta.json, and
        theta.npy with param_names.txt above 64 parameters) to ``path``,
        created; returns it. A directory holding an unfinished sweep's journal
        is refused, as the CLI refuses it."""
        target = Path(_options.path_text("to_dir", path))
        if all((target / name).is_file() and (target / name).read_bytes() == data
               for name, data in self._files.items()):
            return target  # already there (a sweep's own out)
        if (target / "journal.bin").exists():
            raise InputError(f"{target} holds an unfinished sweep (journal.bin): resume it, or choose "
                             f"another directory")
        target.mkdir(parents=True, exist_ok=True)
        # meta.json last, and an old one first away: it describes only the files beside it.
        (target / "meta.json").unlink(missing_ok=True)
        for name in OUTPUT_FILES:
            if name in self._files:
                if name != "meta.json":
                    _write(target / name, self._files[name])
            elif (target / name).exists():
                (target / name).unlink()  # a wider sweep's θ files would describe other runs
        _write(target / "meta.json", self._files["meta.json"])
        return target

    def __repr__(self) -> str:
        m = self.meta
        state = "complete" if m["complete"] else f"{m['runs_done']} of {m['runs_planned']} runs"
        where = self.directory if self.directory is not None else "in memory"
        return (f"<ihtbatch.Sweep {m['data']['path']}: {m['runs_done']} runs, levels {_levels(m['sparsity'])}"
                f"{' + dense' if m['dense'] else ''}, {m['backend']} {m['precision']}, {state}; {where}>")


def _write(path: Path, data: bytes) -> None:
    """Through a temporary file and a rename: a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _levels(levels: Sequence[int]) -> str:
    return f"{levels[0]}..{levels[-1]}" if len(levels) > 2 else ",".join(map(str, levels))


def sweep(data: DataArg = "iris", sparsity: Union[None, int, str, Sequence[Union[int, str]]] = None,
          runs: int = 1000, *, dense: bool = True, hidden: int = 0, activation: Optional[str] = None,
          backend: str = "auto", precision: str = "float64", seed: int = 0, threads: int = 0,
          out: Union[None, str, os.PathLike] = None, resume: bool = False, restart: bool = False,
          shard: Union[None, str, Tuple[int, int]] = None, max_steps: int = 10000, tol: float = 0.05,
          monte: int = 100, step_size: float = 0.0, progress: Optional[bool] = None) -> Sweep:
    """Runs a sweep, as ``ihtbatch sweep`` does: every sparsity level × ``runs``
    runs, plus the dense baseline, and returns its results.

    data: a shipped dataset ("iris", "wine", "breast-cancer", "digits"), a CSV
        path (header, numeric features, integer class last), or a tuple
        (X, y): X of shape (samples, features), y integer labels 0..c-1.
    sparsity: levels as the CLI's --sparsity ("1-14", "3,5,7", "5%,10%"), an
        int, or a list; None: 1..n-1 for n <= 32 parameters, else 1-90 % of n.
    runs: runs per level. dense: also the dense baseline (s = n).
    hidden, activation: a hidden layer of that many units ("tanh", "relu",
        "sigmoid"; None: tanh); 0: the paper's one-layer network, with which
        an activation is refused (it would be ignored).
    backend: "auto" (the fastest available), "gpu", "cpu" or "reference".
    precision: "float64" or "float32". seed: the master seed.
    threads: CPU threads (0: all cores).
    out: a directory to write runs.csv, summary.csv and meta.json to, as the
        CLI's --out (and the journal while it runs); None: a temporary one,
        removed when the sweep ends (the results stay in the Sweep).
    resume, restart: continue, or discard, an unfinished sweep journaled in out.
    shard: "I/N" or (I, N): this shard's runs of every level.
    max_steps, tol, monte, step_size: the experiment (docs/SPEC.md §3).
    progress: a progress bar (tqdm) while it runs; None: in terminals and
        notebooks only.

    Raises ``ihtbatch.InputError`` (a ValueError) for bad input, with the
    CLI's message. Ctrl-C stops the sweep (no new run starts; the cpu
    engine's and the reference's runs under way stop within 64 steps and are
    dropped) and raises ``ihtbatch.Interrupted`` (a KeyboardInterrupt) whose
    ``.sweep`` holds the finished runs; with ``out`` the journal stays there
    for ``resume=True``. A second Ctrl-C stops waiting at once. An engine
    failure after some runs finished is raised with the finished runs in its
    ``.sweep``.
    """
    import numpy  # noqa: F401  θ leaves through numpy: imported now, not under a pending Ctrl-C

    index, count = _options.shard(shard)
    data_set = _options.dataset(data)
    config = _options.experiment(precision, hidden, activation, max_steps, tol, monte, step_size)
    if out is not None:
        out = _options.path_text("--out", out, "None for a temporary directory")
    resume, restart = _options.boolean("resume", resume), _options.boolean("restart", restart)
    with contextlib.ExitStack() as stack:
        where = Path(out) if out is not None else _temporary_directory(stack)
        job = _core.SweepJob(
            data=data_set, experiment=config, sparsity=_options.sparsity(sparsity),
            runs=_options.integer("--runs", runs, 1, _options._LIMITS["runs"]), dense=_options.boolean("dense", dense),
            seed=_options.integer("--seed", seed, 0, _options.SEED_MAX),
            threads=_options.integer("--threads", threads, 0, _options._LIMITS["threads"]),
            backend=_options.text("--backend", backend), out=os.fspath(where), resume=resume, restart=restart,
            shard_index=index, shard_count=count)
        interrupted = drive(job.job, job.planned, show_progress(progress), f"sweep ({job.backend})")
        if resume and job.journal_bytes_dropped > 0:
            warnings.warn(f"{where / 'journal.bin'} held {job.journal_bytes_dropped} bytes after its last whole "
                          "record (a write cut short, or damage): they were dropped, and any runs in them computed "
                          "again", stacklevel=2)
        # A resume of complete outputs ran nothing: θ is read from the files.
        result = Sweep._read(where, where if out is not None else None,
                             theta=None if job.already_complete else job.theta())
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
    path = Path(_options.path_text("load", directory))
    for name in ("runs.csv", "summary.csv", "meta.json"):
        if not (path / name).is_file():
            raise InputError(f"{path}: no {name} (not the output directory of a sweep)")
    return Sweep._read(path, path)


def figures(sweep: Union[Sweep, str, os.PathLike], directory: Union[None, str, os.PathLike] = None) -> List[Path]:
    """The figures and report of ``scripts/figures.py``: the sweep's files are
    written to ``directory`` (default: the directory the sweep was written
    to), the figures (PNG and SVG) to its ``figures/`` and ``report.md``
    beside them. Needs matplotlib (``pip install 'ihtbatch[figures]'``).
    Returns the figure files written."""
    results = sweep if isinstance(sweep, Sweep) else load(sweep)
    if directory is None and results.directory is None:
        raise InputError("figures: give a directory (this sweep's files were in a temporary one)")
    target = results.to_dir(results.directory if directory is None else _options.path_text("figures", directory))
    script = Path(__file__).with_name("_figures.py")
    if not script.exists():  # a source checkout
        script = Path(__file__).resolve().parents[2] / "scripts" / "figures.py"
    started = time.time()
    done = subprocess.run([sys.executable, str(script), str(target)], capture_output=True, text=True)
    if done.returncode == 2:
        raise InputError(done.stderr.strip())
    if done.returncode == 3:
        raise ImportError(done.stderr.strip())
    if done.returncode != 0:
        raise OSError(done.stderr.strip())
    return sorted(f for f in (target / "figures").glob("*.*") if f.stat().st_mtime >= started - 1)
