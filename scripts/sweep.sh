#!/usr/bin/env bash
# The main command: install what is missing, build in Release, run the default
# full sweep into results/ (extra arguments go to `ihtbatch sweep`), then the
# figures and report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
out=results
./build/ihtbatch sweep --out "$out" "$@"
./build/ihtbatch supports --csv > "$out/supports.csv"
./build/ihtbatch run --sparsity 7 --init-seed 21 --data-seed 42 --support-seed 84 --json --trace \
  > "$out/run_detail.json"
/usr/bin/python3 scripts/figures.py "$out"
echo "results in $out/ (report: $out/report.md)"
