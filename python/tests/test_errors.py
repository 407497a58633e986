"""Bad input raises InputError (a ValueError) with the CLI's message."""
from decimal import Decimal

import numpy as np
import pytest

import ihtbatch
from conftest import REPO

X = np.arange(40, dtype=float).reshape(10, 4)
Y = np.array([0, 1] * 5)


@pytest.mark.parametrize("kwargs, message", [
    (dict(runs=0), "--runs: 0 is out of range 1..100000000"),
    (dict(runs=2.5), "--runs: '2.5' is not an integer"),
    (dict(runs=True), "--runs: 'True' is not an integer"),
    (dict(seed=-1), "--seed: -1 is out of range"),
    (dict(threads=5000), "--threads: 5000 is out of range 0..1024"),
    (dict(max_steps=10**11), "--max-steps"),
    (dict(monte=0), "--monte: 0 is out of range"),
    (dict(hidden=-2), "--hidden: -2 is out of range"),
    (dict(hidden=400), "1024"),
    (dict(tol="x"), "--tol: 'x' is not a number"),
    (dict(tol=float("nan")), "tol"),
    (dict(step_size=-1.0), "step"),
    (dict(precision="float16"), "float16"),
    (dict(activation="gelu"), "gelu"),
    (dict(activation="relu"), "--activation relu needs a hidden layer (--hidden H)"),
    (dict(out=""), "--out: the value is empty or blank"),
    (dict(backend="tpu"), "--backend"),
    (dict(sparsity="40"), "--sparsity 40 is out of range"),
    (dict(sparsity="1-x"), "--sparsity"),
    (dict(sparsity=[]), "--sparsity: no levels given"),
    (dict(sparsity=0), "--sparsity 0 is out of range"),
    (dict(sparsity=""), "--sparsity: empty"),
    (dict(shard="2/2"), "shard"),
    (dict(shard="a/b"), "--shard 'a/b'"),
    (dict(data="no/such.csv"), "no/such.csv: cannot open file"),
    (dict(data=str(REPO / "data")), "not a regular file"),
    (dict(data=42), "--data: expected"),
    (dict(data=(X[:, 0], Y)), "X must be 2-D"),
    (dict(data=(X, Y[:9])), "X has 10 rows but y has 9"),
    (dict(data=(X, Y + 0.5)), "y[0] = 0.5 is not an integer class label"),
    (dict(data=(X, Y * 2)), "class 1 has no samples"),
    (dict(data=(X, np.zeros(10, int))), "only one class"),
    (dict(data=(X, -Y)), "y[1] = -1"),
    (dict(data=(np.where(X == 5, np.nan, X), Y)), "X[1, 1] is not a finite number"),
    (dict(data=(X, Y.astype(str))), "y must hold integer class labels"),
    (dict(data=(X[:1], Y[:1])), "only one class"),
    # A switch is True or False: bool("no") would be True.
    (dict(dense="false"), "dense: expected True or False, not 'false'"),
    (dict(resume="no"), "resume: expected True or False"),
    (dict(restart=None), "restart: expected True or False"),
    (dict(progress="yes"), "progress: expected True or False"),
    (dict(resume=True, restart=True), "--resume and --restart exclude each other"),
    # numpy's booleans are no counts or numbers either.
    (dict(hidden=np.True_), "--hidden: 'True' is not an integer"),
    (dict(runs=np.bool_(True)), "--runs: 'True' is not an integer"),
    (dict(tol=np.True_), "--tol: 'True' is not a number"),
    (dict(sparsity=np.True_), "--sparsity: True is not a level"),
    (dict(sparsity=[np.True_]), "--sparsity: 'True' is not an integer"),
    (dict(shard=(np.False_, 2)), "--shard: 'False' is not an integer"),
    # Numbers as the CLI reads them: no text, nothing that rounds to 0 or overflows.
    (dict(tol="0.05"), "--tol: '0.05' is not a number"),
    (dict(step_size=Decimal("1e-400")), "--step-size: 1E-400 is too small for a double (it rounds to 0)"),
    (dict(step_size=10**400), "--step-size: 1000"),
    (dict(sparsity=[""]), "--sparsity: an empty level"),
    (dict(sparsity=[3, " "]), "--sparsity: an empty level"),
    (dict(sparsity=b"3"), "--sparsity: b'3' is not a level"),
    (dict(shard="\u00b2/2"), "--shard '\u00b2/2'"),
    (dict(backend=None), "--backend: expected a string, not NoneType"),
    # A NUL would end the engine's C string: another file than the one named.
    (dict(data="iris.csv\0junk"), "--data: 'iris.csv\\x00junk' holds a NUL byte"),
    (dict(out="o\0p"), "--out: 'o\\x00p' holds a NUL byte"),
    (dict(data=(X + 1j, Y)), "X is complex"),
    (dict(data=([[1.0, 2.0], [3.0]] * 5, [0, 1] * 5)), "X is not numeric"),  # ragged
    (dict(data=([[1.0, 2.0]] * 10, [[0], [1, 1]] * 5)), "y is not an array of class labels"),  # ragged
    (dict(data=(X, Y * 1e19)), "y[1] = 1e+19 is beyond int64"),
])
def test_bad_input_raises_the_clis_message(kwargs, message, tmp_path):
    with pytest.raises(ValueError) as caught:
        ihtbatch.sweep(**{"runs": 1, "sparsity": 3, "out": tmp_path, "progress": False, **kwargs})
    assert isinstance(caught.value, ihtbatch.InputError)
    assert message in str(caught.value)


def test_run_and_compare_refuse_bad_input():
    with pytest.raises(ihtbatch.InputError, match="--sparsity 16 is out of range 1..15"):
        ihtbatch.run("iris", 16)
    with pytest.raises(ihtbatch.InputError, match="all three"):
        ihtbatch.run("iris", 3, data_seed=1)
    with pytest.raises(ihtbatch.InputError, match="either --run"):
        ihtbatch.run("iris", 3, run=1, data_seed=1, init_seed=2, support_seed=3)
    with pytest.raises(ihtbatch.InputError, match="needs a hidden layer"):
        ihtbatch.run("iris", 3, activation="sigmoid")
    with pytest.raises(ihtbatch.InputError, match="needs a hidden layer"):
        ihtbatch.compare("iris", 3, runs=1, activation="tanh", progress=False)
    with pytest.raises(ihtbatch.InputError, match="--against"):
        ihtbatch.compare("iris", 3, runs=1, against="abacus", progress=False)
    with pytest.raises(ihtbatch.InputError, match="--against: expected a string"):
        ihtbatch.compare("iris", 3, runs=1, against=None, progress=False)
    # The seed of a sweep names a run only with its index (the CLI: --seed needs --run).
    with pytest.raises(ihtbatch.InputError, match="either --run"):
        ihtbatch.run("iris", 3, seed=5, data_seed=1, init_seed=2, support_seed=3)
    with pytest.raises(ihtbatch.InputError, match="trace: expected True or False"):
        ihtbatch.run("iris", 3, trace="no")


def test_load_refuses_a_directory_without_a_sweep(tmp_path):
    with pytest.raises(ihtbatch.InputError, match="no runs.csv"):
        ihtbatch.load(tmp_path)


def test_an_empty_directory_name_is_refused_not_read_as_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where "" would have written
    done = ihtbatch.sweep("iris", sparsity=3, runs=1, max_steps=20, progress=False)
    for call in (lambda: done.to_dir(""), lambda: ihtbatch.load(" "), lambda: ihtbatch.figures(done, "")):
        with pytest.raises(ihtbatch.InputError, match="the value is empty or blank"):
            call()
    assert list(tmp_path.iterdir()) == []
