"""ihtbatch: batched sparse neural-network training by Iterative Hard Thresholding.

    >>> import ihtbatch
    >>> sw = ihtbatch.sweep("iris", sparsity="1-14", runs=1000)   # the paper's sweep
    >>> sw.summary                     # summary.csv, a DataFrame
    >>> sw.runs.groupby("sparsity").test_acc.mean()
    >>> sw.theta.shape                 # (runs, parameters), θ* of every run
    >>> sw.to_dir("results")           # the CLI's files

``sweep``, ``run``, ``compare``, ``load`` and ``figures`` mirror the CLI's
``sweep``, ``run``, ``compare`` and ``scripts/figures.py``; bad input raises
``InputError`` (a ValueError) with the CLI's message, naming the CLI's flag.
"""
from . import _core
from ._options import InputError
from ._single import Comparison, Run, compare, run
from ._sweep import Interrupted, Sweep, figures, load, sweep

__version__ = _core.version().split(" ")[0]


def available_backends() -> list:
    """The backends this build can run here, fastest first ("gpu", "cpu", "reference")."""
    return list(_core.available_backends())


def datasets() -> list:
    """The shipped datasets' names."""
    return list(_core.shipped_datasets())


__all__ = ["sweep", "run", "compare", "load", "figures", "Sweep", "Run", "Comparison", "InputError",
           "Interrupted", "available_backends", "datasets", "__version__"]
