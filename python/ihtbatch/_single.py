"""One run in detail, and the agreement of two backends."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Union

from . import _core, _options
from ._drive import drive, show_progress
from ._options import DataArg, InputError
from ._sweep import read_csv


@dataclass
class Run:
    """One run: ``row`` (its runs.csv values as a pandas Series; ``eps``
    needs the paired dense run of a sweep, so it is NaN here; ``run`` is None
    for a run given by its three seeds), θ⁰, θ* and
    ∇f(θ*) as ndarrays in ``param_names`` order, the split's rows, and
    ``trace``: train and test loss and support size at every step (a DataFrame
    indexed by step, from the float64 reference), or None."""

    row: Any
    backend: str
    param_names: List[str]
    theta0: Any
    theta: Any
    grad: Any
    train_indices: List[int]
    test_indices: List[int]
    trace: Optional[Any] = None

    @property
    def params(self) -> Any:
        """θ⁰, θ* and ∇f(θ*) side by side, indexed by parameter name."""
        import pandas as pd

        return pd.DataFrame({"theta0": self.theta0, "theta": self.theta, "grad": self.grad},
                            index=pd.Index(self.param_names, name="param"))


def run(data: DataArg = "iris", sparsity: int = 7, *, run: Optional[int] = None, seed: Optional[int] = None,
        data_seed: Optional[int] = None, init_seed: Optional[int] = None, support_seed: Optional[int] = None,
        hidden: int = 0, activation: Optional[str] = None, backend: str = "auto", precision: str = "float64",
        max_steps: int = 10000, tol: float = 0.05, monte: int = 100, step_size: float = 0.0,
        trace: bool = True) -> Run:
    """One run, as ``ihtbatch run``: either run ``run`` of the sweep with
    master seed ``seed`` (None: 0; the same row as that sweep's), or the three
    seeds (then neither ``run`` nor ``seed``).
    The row comes from ``backend``; the split, θ⁰, the gradient at θ* and the
    trace from the float64 reference. ``activation``: the hidden layer's
    (None: tanh; refused with ``hidden=0``). Raises ``ihtbatch.InputError``;
    Ctrl-C stops it (KeyboardInterrupt)."""
    seeds: List[int] = []
    given = [s is not None for s in (data_seed, init_seed, support_seed)]
    if any(given) and not all(given):
        raise InputError("give all three of --data-seed, --init-seed and --support-seed")
    if all(given):
        # As the CLI's --seed and --run: a sweep's seed names a run only with its index.
        if run is not None or seed is not None:
            raise InputError("give either --run (with --seed) or the three seeds, not both")
        seeds = [_options.integer(flag, value, 0, _options.SEED_MAX)
                 for flag, value in (("--data-seed", data_seed), ("--init-seed", init_seed),
                                     ("--support-seed", support_seed))]
    elif run is None:
        run = 0
    import numpy  # noqa: F401  the arrays leave through numpy: imported now, not under a pending Ctrl-C

    job = _core.RunJob(data=_options.dataset(data),
                       experiment=_options.experiment(precision, hidden, activation, max_steps, tol, monte,
                                                      step_size),
                       sparsity=_options.integer("--sparsity", sparsity, 1, 2**31 - 1),
                       run=-1 if run is None else _options.integer("--run", run, 0, _options._LIMITS["runs"] - 1),
                       seed=_options.integer("--seed", 0 if seed is None else seed, 0, _options.SEED_MAX), seeds=seeds,
                       backend=_options.text("--backend", backend), trace=_options.boolean("trace", trace))
    if drive(job.job, 1, False, "run"):
        raise KeyboardInterrupt("run interrupted")
    d = job.values()
    row = read_csv(io.StringIO(d["row"])).iloc[0]
    row["eps"] = float("nan")
    if run is None:
        row["run"] = None  # given by its three seeds: no run index (the CLI's "run": null)
    frame = None
    if trace:
        import pandas as pd

        frame = pd.DataFrame({"train_loss": d["trace_train_loss"], "test_loss": d["trace_test_loss"],
                              "support_size": d["trace_support_size"]})
        frame.index.name = "step"
    return Run(row=row, backend=d["backend"], param_names=list(d["param_names"]), theta0=d["theta0"],
               theta=d["theta"], grad=d["grad"], train_indices=list(d["train_indices"]),
               test_indices=list(d["test_indices"]), trace=frame)


@dataclass
class Comparison:
    """The same runs on two backends (docs/SPEC.md §7): ``levels`` (per
    level: runs, agreeing, fraction, worst |Δ train loss| and |Δ θ|), ``a`` and
    ``b`` (each backend's runs as runs.csv's columns, without eps), ``theta_a``
    and ``theta_b``, ``ok`` (at least 99 % agreement on every level) and
    ``report`` (the CLI's table)."""

    backends: List[str]
    levels: Any
    a: Any
    b: Any
    theta_a: Any
    theta_b: Any
    ok: bool
    report: str = field(repr=False)


def compare(data: DataArg = "iris", sparsity: Union[None, int, str, Sequence[Union[int, str]]] = None,
            runs: int = 200, *, backend: str = "auto", against: str = "reference", hidden: int = 0,
            activation: Optional[str] = None, precision: str = "float64", seed: int = 0, threads: int = 0,
            max_steps: int = 10000, tol: float = 0.05, monte: int = 100, step_size: float = 0.0,
            progress: Optional[bool] = None) -> Comparison:
    """The same runs on ``backend`` and ``against``, as ``ihtbatch compare``
    (default levels: every sparse level and the dense one). The reference runs
    in float64 whatever ``precision``. ``activation`` as for ``run``. ``progress``: a bar (None: in terminals
    and notebooks). Ctrl-C stops it and raises KeyboardInterrupt (a half-made
    comparison is not kept)."""
    import numpy  # noqa: F401  see run()
    import pandas as pd

    job = _core.CompareJob(
        data=_options.dataset(data),
        experiment=_options.experiment(precision, hidden, activation, max_steps, tol, monte, step_size),
        sparsity=_options.sparsity(sparsity), runs=_options.integer("--runs", runs, 1, _options._LIMITS["runs"]),
        seed=_options.integer("--seed", seed, 0, _options.SEED_MAX),
        threads=_options.integer("--threads", threads, 0, _options._LIMITS["threads"]),
        backend=_options.text("--backend", backend), against=_options.text("--against", against))
    a, b = job.backends
    if drive(job.job, job.planned, show_progress(progress), f"compare ({a} against {b})"):
        raise KeyboardInterrupt("compare interrupted; nothing kept")
    frames = [read_csv(io.StringIO(job.runs_csv(k))).drop(columns="eps") for k in (0, 1)]
    return Comparison(backends=[a, b], levels=pd.DataFrame(job.levels()).set_index("sparsity"), a=frames[0],
                      b=frames[1], theta_a=job.theta(0), theta_b=job.theta(1), ok=job.ok, report=job.report())
