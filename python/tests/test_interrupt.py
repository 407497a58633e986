"""Ctrl-C stops a sweep, keeps what finished, and a resume completes it."""
import _thread
import threading

import numpy as np
import pytest

import ihtbatch

CONFIG = dict(sparsity="1-14", runs=400, seed=2, threads=2, backend="cpu")  # 6,000 runs: several seconds


def interrupt_after_progress(out):
    """Ctrl-C once the journal holds runs (the sweep is well under way)."""
    def watch():
        journal = out / "journal.bin"
        for _ in range(3000):  # a minute at most: a sweep that never journals fails below
            if journal.exists() and journal.stat().st_size > 4096:
                _thread.interrupt_main()
                return
            threading.Event().wait(0.02)
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

    with open(out / "journal.bin", "ab") as journal:
        journal.write(b"\x00" * 5)  # a write cut short: dropped, and said
    with pytest.warns(UserWarning, match="journal.bin held 5 bytes after its last whole record"):
        resumed = ihtbatch.sweep("iris", **CONFIG, out=out, resume=True, progress=False)
    assert resumed.complete and len(resumed.runs) == planned and not (out / "journal.bin").exists()
    whole = ihtbatch.sweep("iris", **CONFIG, out=tmp_path / "whole", progress=False)
    assert (out / "runs.csv").read_bytes() == (tmp_path / "whole" / "runs.csv").read_bytes()
    assert (out / "summary.csv").read_bytes() == (tmp_path / "whole" / "summary.csv").read_bytes()
    np.testing.assert_array_equal(resumed.theta, whole.theta)


def test_an_unfinished_journal_is_not_overwritten(tmp_path):
    out = tmp_path / "sweep"
    interrupt_after_progress(out)
    with pytest.raises(ihtbatch.Interrupted):
        ihtbatch.sweep("iris", **CONFIG, out=out, progress=False)
    with pytest.raises(ihtbatch.InputError, match="--resume"):
        ihtbatch.sweep("iris", **CONFIG, out=out, progress=False)
    # Both asked: --restart would discard the runs --resume keeps. Refused, the journal kept.
    journal = (out / "journal.bin").read_bytes()
    with pytest.raises(ihtbatch.InputError, match="--resume and --restart exclude each other"):
        ihtbatch.sweep("iris", **CONFIG, out=out, resume=True, restart=True, progress=False)
    assert (out / "journal.bin").read_bytes() == journal


def test_an_interrupted_run_raises_keyboard_interrupt():
    # A digits run of 10^5 steps takes about 16 s; Ctrl-C stops it part way.
    threading.Timer(0.5, _thread.interrupt_main).start()
    with pytest.raises(KeyboardInterrupt) as caught:
        ihtbatch.run("digits", 50, max_steps=100000, tol=0, trace=False, backend="cpu")
    assert "run interrupted" in str(caught.value)


def test_an_interrupted_reference_sweep_keeps_its_finished_runs(tmp_path):
    # 900 reference runs of 2,000 steps take about 5 s on 2 cores; Ctrl-C after 1.5 s.
    threading.Timer(1.5, _thread.interrupt_main).start()
    with pytest.raises(ihtbatch.Interrupted) as caught:
        ihtbatch.sweep("iris", sparsity="3,7", runs=300, seed=4, max_steps=2000, threads=2, backend="reference",
                       out=tmp_path, progress=False)
    partial = caught.value.sweep
    assert 0 < len(partial.runs) < 900 and partial.meta["backend"] == "reference"
    assert (tmp_path / "journal.bin").exists()
