"""Runs an engine job on its own thread and waits for it from Python.

The engine runs without the GIL; this thread waits in slices of 0.1 s, so a
KeyboardInterrupt is seen at once. It cancels the job (no new run starts),
waits for the runs under way to finish (each is a fraction of a second on the
shipped sets), and reports that it was interrupted.
"""
from __future__ import annotations

from typing import Any

_SLICE_S = 0.1


def drive(job: Any, total: int, progress: bool, desc: str) -> bool:
    """Starts `job` and waits for it; returns whether Ctrl-C cancelled it.

    The job's own error (an engine failure) is raised after it ends."""
    bar = _bar(total, desc) if progress else None
    interrupted = False
    job.start()
    try:
        while True:
            try:
                finished = job.wait(_SLICE_S)
                if bar is not None:
                    bar.update(job.done - bar.n)
                if finished:
                    break
            except KeyboardInterrupt:
                # A second Ctrl-C lands here too: the job stops at its next run either way.
                job.cancel()
                interrupted = True
    finally:
        if bar is not None:
            bar.close()
    job.finish()
    return interrupted


def _bar(total: int, desc: str) -> Any:
    from tqdm.auto import tqdm  # a widget in notebooks, a line in terminals

    return tqdm(total=total, desc=desc, unit="run", dynamic_ncols=True, leave=False)
