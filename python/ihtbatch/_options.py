"""Keyword arguments to the engine's types, checked as the CLI checks its flags.

Messages name the CLI's flag (``runs`` is ``--runs``), so that one text
describes one mistake in both front ends.
"""
from __future__ import annotations

import operator
import os
from typing import Any, Optional, Sequence, Tuple, Union

from . import _core

InputError = _core.InputError

DataArg = Union[str, "os.PathLike[str]", Tuple[Any, Any]]

_LIMITS = _core.limits()
SEED_MAX = 2**64 - 1


def _is_bool(value: Any) -> bool:
    """Python's and numpy's booleans: True is no count, level or number."""
    import numpy as np

    return isinstance(value, (bool, np.bool_))


def boolean(name: str, value: Any) -> bool:
    """A switch: True or False only (bool("no") is True: a typo would flip it)."""
    if not _is_bool(value):
        raise InputError(f"{name}: expected True or False, not {value!r}")
    return bool(value)


def integer(flag: str, value: Any, lo: int, hi: int) -> int:
    """``value`` as an int in lo..hi, or InputError in the CLI's words."""
    if _is_bool(value):
        raise InputError(f"{flag}: '{value}' is not an integer in {lo}..{hi}")
    try:
        number = operator.index(value)  # int, numpy integers; not 2.5 or "3"
    except TypeError:
        raise InputError(f"{flag}: '{value}' is not an integer in {lo}..{hi}") from None
    if not lo <= number <= hi:
        raise InputError(f"{flag}: {number} is out of range {lo}..{hi}")
    return number


def real(flag: str, value: Any) -> float:
    """``value`` as a float: a number, not text (as integer() takes no "3"),
    and not one that rounds to 0 or overflows: either would run another
    experiment than the one asked for (the CLI refuses them too)."""
    if _is_bool(value) or isinstance(value, (str, bytes)):
        raise InputError(f"{flag}: '{value}' is not a number")
    try:
        number = float(value)
    except OverflowError:
        shown = str(value)
        raise InputError(f"{flag}: {shown[:12] + '…' if len(shown) > 12 else shown} is too large for a double") from None
    except (TypeError, ValueError):
        raise InputError(f"{flag}: '{value}' is not a number") from None
    if number == 0 and value != 0:
        raise InputError(f"{flag}: {value} is too small for a double (it rounds to 0)")
    return number


def dataset(data: DataArg) -> "_core.Dataset":
    """A string: a shipped name ("iris"), else a CSV path, as the CLI's --data;
    a path object: always the file; or arrays (X, y)."""
    if isinstance(data, str):
        return _core.load_dataset(path_text("--data", data))
    if isinstance(data, os.PathLike):
        return _core.load_csv(path_text("--data", data))
    if isinstance(data, tuple) and len(data) == 2:
        return _arrays(*data)
    raise InputError(f"--data: expected a shipped dataset's name, a CSV path or a tuple (X, y), "
                     f"not {type(data).__name__}")


def _arrays(x: Any, y: Any) -> "_core.Dataset":
    import numpy as np

    label = "(X, y)"
    names = [str(c) for c in x.columns] if hasattr(x, "columns") else []
    try:
        if np.iscomplexobj(x):  # inside the try: it converts a ragged X itself
            raise InputError(f"{label}: X is complex; give real features")
        xs = np.ascontiguousarray(np.asarray(x, dtype=np.float64))
    except InputError:
        raise
    except (TypeError, ValueError) as exc:
        raise InputError(f"{label}: X is not numeric: {exc}") from None
    if xs.ndim != 2:
        raise InputError(f"{label}: X must be 2-D (samples, features), not {xs.ndim}-D")
    try:
        ys = np.asarray(y)  # a ragged y raises here
    except (TypeError, ValueError) as exc:
        raise InputError(f"{label}: y is not an array of class labels: {exc}") from None
    if ys.ndim != 1:
        raise InputError(f"{label}: y must be 1-D (one class label per sample), not {ys.ndim}-D")
    if ys.dtype.kind == "b" or ys.dtype.kind not in "iuf":
        raise InputError(f"{label}: y must hold integer class labels 0..c-1, not {ys.dtype}")
    if ys.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(ys) | (ys != np.floor(ys)))
        if bad.size:
            raise InputError(f"{label}: y[{bad[0]}] = {ys[bad[0]]} is not an integer class label")
        # Beyond int64 the conversion below would wrap (2**63 to a negative label).
        big = np.flatnonzero(np.abs(ys) >= 2.0**63)
        if big.size:
            raise InputError(f"{label}: y[{big[0]}] = {ys[big[0]]} is beyond int64, not a class label")
    if ys.dtype.kind == "u" and ys.size and ys.max() > np.iinfo(np.int64).max:
        raise InputError(f"{label}: y holds labels beyond int64")
    ys = np.ascontiguousarray(ys.astype(np.int64))
    return _core.dataset_from_arrays(xs, ys, label, names)


def experiment_activation(activation: Optional[str]) -> str:
    """The activation an experiment runs with: None is the default, tanh."""
    return "tanh" if activation is None else text("--activation", activation)


def experiment(precision: str, hidden: int, activation: Optional[str], max_steps: int, tol: float, monte: int,
               step_size: float) -> "_core.ExperimentConfig":
    """activation None: the default (tanh). Given without a hidden layer it is
    refused, as the CLI's --activation without --hidden: it would be ignored."""
    units = integer("--hidden", hidden, 0, _LIMITS["hidden"])
    config = _core.experiment(
        max_steps=integer("--max-steps", max_steps, 0, _LIMITS["max_steps"]),
        tol=real("--tol", tol),
        monte=integer("--monte", monte, 1, _LIMITS["monte"]),
        step_size=real("--step-size", step_size),
        precision=text("--precision", precision),
        hidden=units,
        activation=experiment_activation(activation))
    if activation is not None and units == 0:
        raise InputError(f"--activation {activation} needs a hidden layer (--hidden H): the paper's network has none")
    return config


def sparsity(levels: Union[None, int, str, Sequence[Union[int, str]]]) -> str:
    """The --sparsity text: "" (the default levels), "1-14", "5%,10%", or a list."""
    if levels is None:
        return ""
    if isinstance(levels, str):
        if not levels.strip():
            raise InputError("--sparsity: empty (give levels, e.g. 1-14, or None for the default)")
        return levels
    if _is_bool(levels) or isinstance(levels, (bytes, bytearray)):
        raise InputError(f"--sparsity: {levels!r} is not a level")
    try:
        return str(operator.index(levels))
    except TypeError:
        pass
    try:
        items = list(levels)
    except TypeError:
        raise InputError(f"--sparsity: expected levels (1-14, [3, 5, 7], '5%'), not {type(levels).__name__}") from None
    if not items:
        raise InputError("--sparsity: no levels given")
    texts = []
    for item in items:
        if isinstance(item, str):
            if not item.strip():  # joined, [""] would be "": the default levels
                raise InputError(f"--sparsity: an empty level in {items!r}")
            texts.append(item)
        else:
            texts.append(str(integer("--sparsity", item, 1, 2**31 - 1)))
    return ",".join(texts)


def shard(value: Union[None, str, Tuple[int, int]]) -> Tuple[int, int]:
    """(index, count) from None, "I/N" or (I, N)."""
    if value is None:
        return 0, 1
    if isinstance(value, str):
        parts = value.split("/")
        # ASCII digits only: isdigit() alone takes "²", which int() refuses.
        if len(parts) != 2 or not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
            raise InputError(f"--shard '{value}': expected I/N (e.g. 0/4)")
        value = (int(parts[0]), int(parts[1]))
    if not isinstance(value, tuple) or len(value) != 2:
        raise InputError(f"--shard: expected 'I/N' or (I, N), not {value!r}")
    count = integer("--shard", value[1], 1, 1000000)
    index = integer("--shard", value[0], 0, 1000000)
    return index, count


def text(flag: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InputError(f"{flag}: expected a string, not {type(value).__name__}")
    return value


def path_text(flag: str, value: Any, instead: str = "") -> str:
    """A file or directory name as text: not blank, and without a NUL byte
    (the engine's C strings would end there, naming another file). `instead`:
    what to give for the default."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{flag}: expected a path, not {type(value).__name__}")
    name = os.fspath(value)
    if not isinstance(name, str):
        raise InputError(f"{flag}: expected a path as text, not {type(name).__name__}")
    if "\0" in name:
        raise InputError(f"{flag}: {name!r} holds a NUL byte")
    if not name.strip():
        raise InputError(f"{flag}: the value is empty or blank" + (f" ({instead})" if instead else ""))
    return name
