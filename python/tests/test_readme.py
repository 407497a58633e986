"""The README's Python example runs as written (the paper's whole sweep)."""
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO


def readme_example():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots")
    env = dict(os.environ, MPLBACKEND="Agg")  # plt.show() draws nowhere
    done = subprocess.run([sys.executable, "-c", readme_example()], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "<ihtbatch.Sweep iris: 15000 runs" in done.stdout
    runs = (tmp_path / "results" / "runs.csv").read_text().splitlines()
    assert len(runs) == 15001
    assert (tmp_path / "results" / "report.md").exists()
    assert any((tmp_path / "results" / "figures").glob("*.png"))
