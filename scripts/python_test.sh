#!/usr/bin/env bash
# The Python package's tests, as a user gets the package: a fresh virtual
# environment of Debian's /usr/bin/python3 (its numpy, pandas, tqdm, pytest and
# matplotlib seen through --system-site-packages), `pip install .` into it
# (scikit-build-core and nanobind come from PyPI), then pytest, comparing with
# the CLI that scripts/test.sh built.
#
# The wheel is built as a user's `pip install .` builds it (not tuned for this
# machine), in a build directory of its own, but without the GPU backend
# unless IHTBATCH_WHEEL_CUDA=ON: nvcc would add minutes for a library the
# CMake build before this just compiled, and no test here has a device.
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3
venv=build-python/venv
cli=${IHTBATCH_CLI:-$PWD/build/ihtbatch}
[ -x "$cli" ] || { echo "python_test.sh: no CLI at $cli (build it first: scripts/test.sh)" >&2; exit 1; }
rm -rf "$venv"
"$python" -m venv --system-site-packages "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --config-settings=build-dir=build-python/test \
  --config-settings=cmake.define.IHTBATCH_CUDA="${IHTBATCH_WHEEL_CUDA:-OFF}" .
# From outside the tree: `import ihtbatch` must find the installed package.
cd python/tests
IHTBATCH_CLI="$cli" "../../$venv/bin/python" -m pytest -q -p no:cacheprovider .
