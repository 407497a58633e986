"""Runs an engine job on its own thread and waits for it from Python.

The engine runs without the GIL; this thread waits in slices of 0.1 s, so a
KeyboardInterrupt is seen at once. The first cancels the job: no new run
starts, and the runs under way stop within a few steps (the cpu engine and the
reference; the GPU finishes the runs a launch holds) and are dropped. A second
KeyboardInterrupt stops the waiting at once and propagates, the engine
finishing its cancel in the background.
"""
from __future__ import annotations

import sys
from typing import Any, Optional

from ._options import boolean

_SLICE_S = 0.1


def show_progress(progress: Optional[bool]) -> bool:
    """progress=None: a bar in terminals and notebooks, none in logs."""
    if progress is not None:
        return boolean("progress", progress)
    return _in_notebook() or sys.stderr.isatty()


def drive(job: Any, total: int, progress: bool, desc: str) -> bool:
    """Starts `job` and waits for it; returns whether Ctrl-C cancelled it.

    The job's own error (an engine failure) is raised after it ends."""
    bar = _bar(total, desc) if progress else None
    interrupted = False
    try:
        job.start()
        while True:
            try:
                finished = job.wait(_SLICE_S)
                if bar is not None:
                    bar.update(job.done - bar.n)
            except KeyboardInterrupt:
                if interrupted:
                    raise  # a second Ctrl-C: stop waiting
                job.cancel()
                interrupted = True
                continue
            if finished:
                break
    except BaseException:
        job.cancel()
        raise
    finally:
        if bar is not None:
            bar.close()
    job.finish()
    return interrupted


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def _bar(total: int, desc: str) -> Any:
    if _in_notebook():
        from tqdm.auto import tqdm  # a widget where ipywidgets is installed
    else:
        from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="run", dynamic_ncols=True, leave=False)
