#!/usr/bin/env bash
# Installs the Debian packages ihtbatch needs, only those missing.
# CUDA is optional and not installed here: where nvcc exists, the GPU backend builds too.
# clang and its runtime build the CSV loader's fuzzer (a test).
# The Python package builds into a venv of Debian's python3 (scripts/python_test.sh).
set -euo pipefail
packages=(cmake g++ make git libcli11-dev nlohmann-json3-dev libgtest-dev python3-matplotlib clang libclang-rt-14-dev
          python3-dev python3-venv python3-pandas python3-tqdm python3-pytest "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
