#!/usr/bin/env bash
# The one script for a lent H100/H200 (see bench/README.md, "GPU check").
#
#   bash bench/gpu_check.sh --prepare   on an ordinary machine, beforehand: gathers
#                                       into .gpu-deps/ (ignored by git) what a bare
#                                       device machine lacks: the CLI11, nlohmann_json
#                                       and GoogleTest headers, CMake configs and
#                                       static libraries, and fallback binaries built
#                                       here for sm_90.
#   bash bench/gpu_check.sh             on the device machine: builds for sm_90 and
#                                       checks and times the GPU backend; carry
#                                       .gpu-deps. Stops at once, saying so, where
#                                       there is no GPU.
#
# Logs go to $IHTBATCH_GPU_LOG_DIR (default: $OUT where set, else gpu-check-logs/).
# The device mode ends within $IHTBATCH_GPU_BUDGET_S seconds (default 480): each
# step has an estimated cost, and a step that would not fit is skipped (the steps
# run most important first), with a line saying so.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
deps=$root/.gpu-deps

prepare() {
  set -e
  rm -rf "$deps" && mkdir -p "$deps/usr" "$deps/bin"
  # The packages' own files, at their own paths under .gpu-deps/usr: their
  # CMake configs find headers and libraries relative to themselves.
  for pkg in libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev; do
    dpkg -L "$pkg" | while read -r f; do
      if [ -f "$f" ] && [[ $f == /usr/include/* || $f == /usr/lib/* || $f == /usr/share/cmake/* ]]; then
        install -D -m 644 "$f" "$deps$f"
      fi
    done
  done
  # Fallback binaries for a machine where the build fails (other libraries):
  # data built in (no paths), the GPU code for sm_90.
  cmake --preset hopper -DCMAKE_PREFIX_PATH="$deps/usr" >/dev/null
  cmake --build --preset hopper -j "$(nproc)" --target ihtbatch ihtbatch_tests ihtbatch_gpu_tests ihtbatch_bench
  cp build-sm90/ihtbatch build-sm90/tests/ihtbatch_tests build-sm90/tests/ihtbatch_gpu_tests \
     build-sm90/bench/ihtbatch_bench "$deps/bin/"
  git rev-parse HEAD > "$deps/commit"
  du -sh "$deps"
  echo "prepared $deps (commit $(cat "$deps/commit")); carry .gpu-deps to the device machine"
}

logs=${IHTBATCH_GPU_LOG_DIR:-${OUT:-$root/gpu-check-logs}}
budget=${IHTBATCH_GPU_BUDGET_S:-480}
start=$(date +%s)
summary=""

note() { echo "$*" | tee -a "$logs/summary.txt"; }

# step NAME COST_S COMMAND...: runs COMMAND into $logs/NAME.log when COST_S fits
# the time left; records ok, FAILED (rc) or skipped.
step() {
  local name=$1 cost=$2; shift 2
  local left=$((budget - ($(date +%s) - start)))
  if ((cost > left)); then
    note "skipped  $name (needs ~${cost} s, ${left} s left)"
    return 0
  fi
  local t0=$(date +%s)
  timeout "$left" bash -c "$*" > "$logs/$name.log" 2>&1
  local rc=$?
  local took=$(($(date +%s) - t0))
  if ((rc == 0)); then note "ok       $name (${took} s)"; else note "FAILED   $name (rc $rc, ${took} s; see $name.log)"; fi
  return 0
}

device() {
  mkdir -p "$logs"
  : > "$logs/summary.txt"
  note "gpu_check $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git rev-parse --short HEAD 2>/dev/null || cat "$deps/commit" 2>/dev/null)"
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L > "$logs/nvidia-smi.log" 2>&1; then
    note "no GPU here: nvidia-smi $(command -v nvidia-smi >/dev/null && echo 'found no device' || echo 'is not installed');"
    note "run this on the lent device machine (carry .gpu-deps, made by --prepare)"
    exit 3
  fi
  cat "$logs/nvidia-smi.log" | tee -a "$logs/summary.txt"
  nvidia-smi --query-gpu=name,clocks.max.sm,memory.total,driver_version --format=csv >> "$logs/summary.txt" 2>&1

  # 1. Build for sm_90 here, else fall back to the prepared binaries.
  local bin=$root/build-sm90
  local generator=""  # the device image may have ninja and no make
  command -v make >/dev/null || { command -v ninja >/dev/null && generator="-G Ninja"; }
  step build 240 "cmake --preset hopper $generator -DCMAKE_PREFIX_PATH='$deps/usr' && cmake --build --preset hopper -j \$(nproc)"
  if [ ! -x "$bin/ihtbatch" ]; then
    note "build failed: using the prepared binaries of commit $(cat "$deps/commit" 2>/dev/null)"
    mkdir -p "$bin/tests" "$bin/bench"
    cp "$deps/bin/ihtbatch" "$bin/" && cp "$deps/bin/ihtbatch_tests" "$deps/bin/ihtbatch_gpu_tests" "$bin/tests/" &&
      cp "$deps/bin/ihtbatch_bench" "$bin/bench/" || { note "no binaries: stopping"; exit 1; }
  fi
  local ib=$bin/ihtbatch
  bash tests/gpu_resource_budget.sh "$bin/ptxas_report.txt" > "$logs/ptxas.txt" 2>&1

  # 2. Correctness first: the GPU tests (a skip is a failure here), then the
  #    backends against each other, then a byte diff of a whole sweep.
  step gpu_primitives 30 "IHTBATCH_REQUIRE_GPU=1 '$bin/tests/ihtbatch_gpu_tests'"
  step gpu_tests 60 "IHTBATCH_REQUIRE_GPU=1 '$bin/tests/ihtbatch_tests' --gtest_filter='Gpu*'"
  step compare_ref_f64 90 "'$ib' compare --backend gpu --against reference --runs 100"
  step compare_cpu_f64 40 "'$ib' compare --backend gpu --against cpu --runs 200"
  step compare_cpu_f32 40 "'$ib' compare --backend gpu --against cpu --runs 200 --precision float32"
  step compare_ref_f32 90 "'$ib' compare --backend gpu --against reference --runs 100 --precision float32"
  step sweep_gpu 30 "'$ib' sweep --backend gpu --out '$logs/sweep_gpu' && grep wall_time_s '$logs/sweep_gpu/meta.json'"
  step sweep_cpu 60 "'$ib' sweep --backend cpu --out '$logs/sweep_cpu' && grep wall_time_s '$logs/sweep_cpu/meta.json'"
  step byte_diff 5 "cmp '$logs/sweep_gpu/runs.csv' '$logs/sweep_cpu/runs.csv' && echo 'runs.csv: gpu and cpu byte-identical'"
  step sweep_gpu_f32 30 "'$ib' sweep --backend gpu --precision float32 --out '$logs/sweep_gpu32' && '$ib' sweep --backend cpu --precision float32 --out '$logs/sweep_cpu32' && cmp '$logs/sweep_gpu32/runs.csv' '$logs/sweep_cpu32/runs.csv'"

  # 3. Memory and synchronisation checkers on tiny sweeps.
  local tiny="sweep --backend gpu --runs 2 --max-steps 20 --monte 2 --sparsity 3,14"
  for tool in memcheck racecheck synccheck; do
    step "sanitizer_$tool" 60 "compute-sanitizer --tool $tool --error-exitcode 9 '$ib' $tiny --out '$logs/tiny_$tool'"
  done

  # 4. Speed: end to end (above), then kernel only with enough runs to fill the device.
  step bench 90 "'$bin/bench/ihtbatch_bench' --backend gpu --runs 65536 --steps 2000 --repeats 3"
  step torch_peer 90 "python3 bench/peers/batched.py --device cuda --runs 65536 --steps 2000 --dtype float64 && python3 bench/peers/batched.py --device cuda --runs 65536 --steps 2000 --dtype float32"
  step ncu 120 "ncu --clock-control none --section SpeedOfLight --section Occupancy --section LaunchStats '$ib' sweep --backend gpu --runs 20 --max-steps 200 --out '$logs/ncu_sweep'"

  note "done in $(($(date +%s) - start)) s; logs in $logs"
}

case "${1:-}" in
  --prepare) prepare ;;
  "") device ;;
  *) echo "usage: bash bench/gpu_check.sh [--prepare]" >&2; exit 2 ;;
esac
