"""The cpu backend's SIMD path from Python: named in meta, forced by
IHTBATCH_SIMD, the same bits on each path, a bad value refused clearly."""
import pytest

import ihtbatch
from conftest import SMALL

PATHS = ["avx512", "avx2", "portable"]


def test_meta_names_the_path_taken():
    sw = ihtbatch.sweep(**SMALL, backend="cpu", progress=False)
    assert sw.meta["simd"] in PATHS
    assert sw.meta["simd"] in sw.meta["device"]


def test_each_forced_path_gives_the_same_runs(monkeypatch):
    monkeypatch.delenv("IHTBATCH_SIMD", raising=False)
    widest = ihtbatch.sweep(**SMALL, backend="cpu", progress=False)
    taken = []
    for path in PATHS:
        monkeypatch.setenv("IHTBATCH_SIMD", path)
        try:
            sw = ihtbatch.sweep(**SMALL, backend="cpu", progress=False)
        except ihtbatch.InputError as e:  # a path this CPU cannot run
            assert "this CPU cannot run that path" in str(e)
            continue
        assert sw.meta["simd"] == path
        assert sw.runs.equals(widest.runs), path
        taken.append(path)
    assert "portable" in taken and widest.meta["simd"] in taken


def test_an_unknown_path_is_refused(monkeypatch):
    monkeypatch.setenv("IHTBATCH_SIMD", "avx1024")
    with pytest.raises(ihtbatch.InputError, match="IHTBATCH_SIMD: unknown SIMD path 'avx1024'"):
        ihtbatch.sweep(**SMALL, backend="cpu", progress=False)
