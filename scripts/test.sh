#!/usr/bin/env bash
# The test command: install what is missing, build (the CUDA sources too where
# nvcc exists) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
ctest --preset release
# The Python package: pip install . into a fresh venv, then its pytest suite.
bash scripts/python_test.sh
