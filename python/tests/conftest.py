"""Shared fixtures: the CLI to compare against, and the repository's data."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Small, fast configurations (a few hundred runs of at most 300 steps).
SMALL = dict(sparsity="3,7", runs=12, max_steps=300, seed=5, threads=2)


@pytest.fixture(scope="session")
def cli():
    """The CLI built from this tree: IHTBATCH_CLI (scripts/python_test.sh sets
    it), else build/ihtbatch."""
    path = os.environ.get("IHTBATCH_CLI") or str(REPO / "build" / "ihtbatch")
    if not os.path.exists(path):
        pytest.skip(f"no CLI to compare with at {path}: build it (scripts/test.sh) or set IHTBATCH_CLI")
    if not os.access(path, os.X_OK):
        pytest.fail(f"IHTBATCH_CLI={path} is not an executable")
    return path


def run_cli(cli, *args):
    done = subprocess.run([cli, *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def cli_flags(config):
    """The CLI's flags for a sweep() keyword configuration."""
    flags = []
    for key, value in config.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, bool):
            flags.append(flag if value else "--no-" + key)
        else:
            flags += [flag, value]
    return flags
