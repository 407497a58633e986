"""Ctrl-C stops a sweep, keeps what finished, and a resume completes it."""
import _thread
import threading

import numpy as np
import pytest

import ihtbatch

CONFIG = dict(sparsity="1-14", runs=400, seed=2, threads=2)  # 6,000 runs: several seconds


def interrupt_after_progress(out):
    """Ctrl-C once the journal holds runs (the sweep is well under way)."""
    def watch():
        journal = out / "journal.bin"
        while not (journal.exists() and journal.stat().st_size > 4096):
            threading.Event().wait(0.02)
        _thread.interrupt_main()
    threading.Thread(target=watch, daemon=True).start()


def test_interrupt_keeps_finished_runs_and_resume_completes(tmp_path):
    out = tmp_path / "sweep"
    interrupt_after_progress(out)
    with pytest.raises(ihtbatch.Interrupted) as caught:
        ihtbatch.sweep("iris", **CONFIG, out=out, progress=False)
    assert isinstance(caught.value, KeyboardInterrupt)
    partial = caught.value.sweep
    planned = 15 * CONFIG["runs"]
    assert 0 < len(partial.runs) < planned
    assert partial.meta["runs_done"] == len(partial.runs) and not partial.complete
    assert partial.theta.shape == (len(partial.runs), 15)
    assert (out / "journal.bin").exists()  # the CLI's resume point

    resumed = ihtbatch.sweep("iris", **CONFIG, out=out, resume=True, progress=False)
    assert resumed.complete and len(resumed.runs) == planned and not (out / "journal.bin").exists()
    whole = ihtbatch.sweep("iris", **CONFIG, progress=False)
    assert (out / "runs.csv").read_bytes() == (whole.directory / "runs.csv").read_bytes()
    assert (out / "summary.csv").read_bytes() == (whole.directory / "summary.csv").read_bytes()
    np.testing.assert_array_equal(resumed.theta, whole.theta)


def test_an_unfinished_journal_is_not_overwritten(tmp_path):
    out = tmp_path / "sweep"
    interrupt_after_progress(out)
    with pytest.raises(ihtbatch.Interrupted):
        ihtbatch.sweep("iris", **CONFIG, out=out, progress=False)
    with pytest.raises(ihtbatch.InputError, match="--resume"):
        ihtbatch.sweep("iris", **CONFIG, out=out, progress=False)
