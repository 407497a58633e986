"""A sweep from Python is the CLI's sweep: the same files, byte for byte."""
import json

import numpy as np
import pandas as pd
import pytest

import ihtbatch
from conftest import REPO, SMALL, cli_flags, run_cli

# meta.json's fields that say when and how fast, not what.
TIMING = {"started_utc", "wall_time_s", "runs_per_s", "run_steps_per_s"}


def same_meta(a, b):
    ja, jb = (json.loads(p.read_text()) for p in (a, b))
    for j in (ja, jb):
        for key in TIMING:
            j.pop(key)
    return ja == jb


@pytest.mark.parametrize("config", [
    dict(SMALL, data="iris"),
    dict(SMALL, data="iris", precision="float32", dense=False),
    # 67 parameters: theta.npy and param_names.txt instead of θ's columns
    dict(data="iris", sparsity="10%,50%", runs=4, max_steps=200, hidden=8, activation="relu", threads=2),
], ids=["iris", "iris-float32", "iris-hidden"])
def test_to_dir_equals_the_cli_outputs(cli, tmp_path, config):
    run_cli(cli, "sweep", *cli_flags(config), "--backend", "cpu", "--out", tmp_path / "cli")
    sw = ihtbatch.sweep(**config, backend="cpu", progress=False)
    sw.to_dir(tmp_path / "py")
    names = sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "py").iterdir())
    for name in names:
        if name != "meta.json":
            assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "py" / name).read_bytes(), name
    assert same_meta(tmp_path / "cli" / "meta.json", tmp_path / "py" / "meta.json")
    # The in-memory θ is the written one, bit for bit.
    again = ihtbatch.load(tmp_path / "cli")
    np.testing.assert_array_equal(sw.theta, again.theta)
    assert sw.theta.shape == (len(sw.runs), len(sw.param_names))
    pd.testing.assert_frame_equal(sw.runs, again.runs)


def test_runs_frame_holds_runs_csv_values(tmp_path):
    sw = ihtbatch.sweep("iris", **SMALL, out=tmp_path, progress=False)
    text = (tmp_path / "runs.csv").read_text().splitlines()
    header = text[0].split(",")
    assert list(sw.runs.columns) == header
    assert len(sw.runs) == len(text) - 1 == 3 * SMALL["runs"]
    # Every float read back to the bits written (shortest round-trip text).
    for i in (0, len(text) - 2):
        fields = text[i + 1].split(",")
        for col in ("lipschitz", "train_loss", "w31", "b3"):
            assert sw.runs[col].iloc[i] == float(fields[header.index(col)])
    np.testing.assert_array_equal(sw.theta, sw.runs[sw.param_names].to_numpy())
    assert sw.meta["complete"] and sw.complete
    assert list(sw.summary.sparsity) == [3, 7, 15]


def test_arrays_equal_the_same_data_from_csv(tmp_path):
    frame = pd.read_csv(REPO / "data" / "iris.csv")
    x, y = frame.iloc[:, :-1], frame.iloc[:, -1]
    from_csv = ihtbatch.sweep(str(REPO / "data" / "iris.csv"), **SMALL, progress=False)
    from_frame = ihtbatch.sweep((x, y), **SMALL, progress=False)
    from_numpy = ihtbatch.sweep((x.to_numpy(), y.to_numpy().astype(np.float64)), **SMALL, progress=False)
    for other in (from_frame, from_numpy):
        pd.testing.assert_frame_equal(from_csv.runs, other.runs)
        np.testing.assert_array_equal(from_csv.theta, other.theta)
        assert other.meta["data"]["path"] == "(X, y)"
        assert other.meta["config_digest"] == from_csv.meta["config_digest"]  # the digest is of the values


def test_a_tiny_sweep_on_every_available_backend():
    backends = ihtbatch.available_backends()
    assert "cpu" in backends and "reference" in backends
    results = {}
    for backend in backends:
        sw = ihtbatch.sweep("iris", sparsity=7, runs=3, max_steps=100, backend=backend, progress=False)
        assert sw.complete and sw.meta["backend"] == backend and len(sw.runs) == 6
        results[backend] = sw
    # Every backend's loss agrees with the reference's (docs/SPEC.md §7's float64 rule).
    for backend, sw in results.items():
        np.testing.assert_allclose(sw.runs.train_loss, results["reference"].runs.train_loss, rtol=0, atol=1e-9)


def test_run_is_the_sweeps_row():
    sw = ihtbatch.sweep("iris", **SMALL, backend="cpu", progress=False)
    r = ihtbatch.run("iris", 7, run=4, seed=SMALL["seed"], max_steps=SMALL["max_steps"], backend="cpu")
    row = sw.runs[(sw.runs.sparsity == 7) & (sw.runs.run == 4)].iloc[0]
    for col in ("data_seed", "init_seed", "support_seed", "steps", "stop", "train_loss", "test_acc", "lipschitz"):
        assert r.row[col] == row[col], col
    assert np.isnan(r.row["eps"])
    np.testing.assert_array_equal(r.theta, sw.theta[row.name])
    assert np.count_nonzero(r.theta) <= 7
    assert r.trace.index.name == "step" and len(r.trace) == r.row["steps"] + 1
    assert list(r.params.columns) == ["theta0", "theta", "grad"] and list(r.params.index) == r.param_names
    assert len(r.train_indices) == 120 and len(r.test_indices) == 30
    # The three seeds name the same run.
    same = ihtbatch.run("iris", 7, data_seed=int(row.data_seed), init_seed=int(row.init_seed),
                        support_seed=int(row.support_seed), max_steps=SMALL["max_steps"], backend="cpu", trace=False)
    np.testing.assert_array_equal(same.theta, r.theta)
    assert same.trace is None
    assert r.row["run"] == 4 and same.row["run"] is None  # no index for a run given by its seeds


def test_compare_agrees_and_reports():
    c = ihtbatch.compare("iris", "3,7,15", runs=6, max_steps=300, backend="cpu", progress=False)
    assert c.backends == ["cpu", "reference"]
    assert list(c.levels.index) == [3, 7, 15] and (c.levels.runs == 6).all()
    assert c.ok and (c.levels.fraction == 1.0).all()
    assert len(c.a) == len(c.b) == 18 and "eps" not in c.a.columns
    assert c.theta_a.shape == c.theta_b.shape == (18, 15)
    assert "agree" in c.report
    assert c.report.splitlines()[-1].startswith("agreement >= 99% on every level (float64 rule")  # as the CLI closes


def test_load_reads_a_cli_directory(cli, tmp_path):
    run_cli(cli, "sweep", "--sparsity", "5", "--runs", "4", "--max-steps", "50", "--out", tmp_path)
    sw = ihtbatch.load(tmp_path)
    assert len(sw.runs) == 8 and sw.theta.shape == (8, 15) and sw.param_names[0] == "w11"
    assert sw.summary.sparsity.tolist() == [5, 15]


def test_figures_draws_from_a_sweep(tmp_path):
    pytest.importorskip("matplotlib", reason="figures need matplotlib")
    sw = ihtbatch.sweep("iris", **SMALL, progress=False)
    files = ihtbatch.figures(sw, tmp_path / "out")
    assert any(f.suffix == ".png" for f in files) and any(f.suffix == ".svg" for f in files)
    assert (tmp_path / "out" / "report.md").exists() and (tmp_path / "out" / "runs.csv").exists()


def test_signature_defaults_are_the_engines():
    import inspect

    engine = ihtbatch._core.defaults()
    for fn in (ihtbatch.sweep, ihtbatch.run, ihtbatch.compare):
        params = inspect.signature(fn).parameters
        for key, value in engine.items():
            if key in params and not (fn is ihtbatch.compare and key == "runs"):  # compare's own: 200
                default = params[key].default
                if key == "activation":  # None stands for the engine's (given, it needs a hidden layer)
                    assert default is None, fn.__name__
                    default = ihtbatch._options.experiment_activation(None)
                if fn is ihtbatch.run and key == "seed":  # None stands for 0 (given, it needs run=)
                    assert default is None
                    default = 0
                assert default == value, (fn.__name__, key)


def test_progress_bar_writes_to_stderr_when_asked(capsys):
    ihtbatch.sweep("iris", sparsity=7, runs=200, max_steps=2000, backend="cpu", progress=True)
    assert "sweep (cpu)" in capsys.readouterr().err
    ihtbatch.sweep("iris", sparsity=7, runs=20, max_steps=200, backend="cpu")  # None: no terminal here
    assert capsys.readouterr().err == ""


def test_a_sweep_keeps_its_results_when_its_directory_is_reused(tmp_path):
    first = ihtbatch.sweep("iris", **dict(SMALL, seed=0), out=tmp_path, progress=False)
    runs, theta = first.runs.copy(), first.theta.copy()
    ihtbatch.sweep("iris", **dict(SMALL, seed=1), out=tmp_path, progress=False)
    pd.testing.assert_frame_equal(first.runs, runs)
    np.testing.assert_array_equal(first.theta, theta)
    assert first.meta["seed"] == 0 and ihtbatch.load(tmp_path).meta["seed"] == 1
    first.to_dir(tmp_path / "again")
    assert ihtbatch.load(tmp_path / "again").meta["seed"] == 0


def test_resuming_a_complete_sweep_recomputes_nothing(tmp_path):
    # As the CLI's "already holds this sweep's complete outputs": a requeued task costs nothing.
    first = ihtbatch.sweep("iris", **SMALL, out=tmp_path, progress=False)
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()}
    again = ihtbatch.sweep("iris", **SMALL, out=tmp_path, resume=True, progress=False)
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()} == before
    assert again.complete and again.meta == first.meta
    np.testing.assert_array_equal(again.theta, first.theta)


def test_to_dir_refuses_an_unfinished_sweeps_directory(tmp_path):
    (tmp_path / "journal.bin").write_bytes(b"x")
    sw = ihtbatch.sweep("iris", sparsity=7, runs=2, max_steps=50, progress=False)
    with pytest.raises(ihtbatch.InputError, match="unfinished sweep"):
        sw.to_dir(tmp_path)
    assert sw.directory is None  # its temporary directory is gone; the results are in memory
    assert len(sw.runs) == 4


def test_a_path_object_is_a_file_never_a_shipped_set(tmp_path, monkeypatch):
    rows = (REPO / "data" / "iris.csv").read_text().splitlines()
    (tmp_path / "iris").write_text("\n".join(rows[:1] + rows[1:21] + rows[51:71]) + "\n")  # 40 rows
    monkeypatch.chdir(tmp_path)
    from pathlib import Path

    sw = ihtbatch.sweep(Path("iris"), sparsity=3, runs=2, max_steps=50, progress=False)
    assert sw.meta["data"]["samples"] == 40
    assert ihtbatch.sweep("iris", sparsity=3, runs=2, max_steps=50, progress=False).meta["data"]["samples"] == 150
