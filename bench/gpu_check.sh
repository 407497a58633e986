#!/usr/bin/env bash
# The one script for a lent H100/H200 (see bench/README.md, "GPU check").
#
#   bash bench/gpu_check.sh --prepare   on an ordinary machine, beforehand: gathers
#                                       into .gpu-deps/ (ignored by git) what a bare
#                                       device machine lacks: the CLI11, nlohmann_json
#                                       and GoogleTest headers, CMake configs and
#                                       static libraries, and fallback binaries built
#                                       here for sm_90 (portable x86-64-v3 host code,
#                                       static CUDA runtime). Checks that a configure
#                                       finds everything in .gpu-deps alone.
#   bash bench/gpu_check.sh             on the device machine: builds for sm_90, then
#                                       checks and times the GPU backend; carry
#                                       .gpu-deps. Stops at once, saying so (exit 3),
#                                       where there is no GPU.
#
# IHTBATCH_GPU_BUILD=prepared skips the build there and runs the prepared
# binaries (the build of the three CPU paths and the GPU kernels can take most
# of the budget); they must be prepared from the commit being checked.
#
# Logs go to $IHTBATCH_GPU_LOG_DIR (default gpu-check-logs/); where $OUT is set
# (the device tool), summary.txt, steps.log (every step's output, one after the
# other) and logs.tar.gz are copied there. The device mode ends within
# $IHTBATCH_GPU_BUDGET_S seconds (default 480): steps run most important first,
# each with an estimated cost; one that would not fit is skipped with a line,
# and none may take more than 3× its estimate. Exit code 1 when a step failed.
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
  # A configure that may look nowhere but .gpu-deps must find them all.
  local probe; probe=$(mktemp -d)
  cmake -S "$root" -B "$probe" -DIHTBATCH_CUDA=OFF -DCMAKE_MAKE_PROGRAM="$(command -v make)" \
    -DCMAKE_CXX_COMPILER="$(command -v g++)" -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF \
    -DCMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH=OFF -DCMAKE_PREFIX_PATH="$deps/usr" > "$probe.log" 2>&1 ||
    { cat "$probe.log"; echo "a configure with only .gpu-deps failed"; exit 1; }
  rm -rf "$probe" "$probe.log"
  # Fallback binaries for a device where the build fails: the default build
  # (x86-64-v2 host code, the cpu backend's SIMD path chosen at run time: the
  # device's CPU may lack this machine's AVX-512), the CUDA runtime linked in,
  # the datasets built in (no paths), GPU code for sm_90.
  cmake --preset hopper -B "$root/build-fallback" -DIHTBATCH_NATIVE=OFF -DCMAKE_CXX_FLAGS= \
    -DCMAKE_PREFIX_PATH="$deps/usr" >/dev/null
  cmake --build "$root/build-fallback" -j "$(nproc)" --target ihtbatch ihtbatch_tests ihtbatch_gpu_tests ihtbatch_bench
  # Compressed: the binaries hold sm_90 code and PTX, 80 MB together, and a
  # device call carries at most 64 MiB; gzip makes them about 17 MB.
  rm -f "$deps"/bin/*
  local f
  for f in build-fallback/ihtbatch build-fallback/tests/ihtbatch_tests build-fallback/tests/ihtbatch_gpu_tests \
           build-fallback/bench/ihtbatch_bench; do
    gzip -9 -c "$f" > "$deps/bin/$(basename "$f").gz"
  done
  git rev-parse HEAD > "$deps/commit"
  du -sh "$deps"
  local kib
  kib=$(du -sk "$deps" | cut -f1)
  ((kib < 60 * 1024)) || { echo "$deps is ${kib} KiB: over what a device call can carry (64 MiB)"; exit 1; }
  echo "prepared $deps (commit $(cat "$deps/commit")); carry .gpu-deps to the device machine"
}

logs=${IHTBATCH_GPU_LOG_DIR:-$root/gpu-check-logs}
scratch=$logs/outputs  # sweeps' files: kept out of what is copied back
budget=${IHTBATCH_GPU_BUDGET_S:-480}
start=$(date +%s)
failed=0
last_rc=0

note() { echo "$*" | tee -a "$logs/summary.txt"; }

# step NAME COST_S COMMAND: runs COMMAND (a bash string) into $logs/NAME.log
# when COST_S fits the time left, for at most 3 × COST_S; records ok, FAILED
# (rc, and the log's tail on stdout) or skipped; sets last_rc (125: skipped).
step() {
  local name=$1 cost=$2 command=$3
  local left=$((budget - ($(date +%s) - start)))
  if ((cost > left)); then
    note "skipped  $name (needs ~${cost} s, ${left} s left)"
    last_rc=125
    return 0
  fi
  local limit=$((3 * cost < left ? 3 * cost : left)) t0
  t0=$(date +%s)
  timeout -k 5 "$limit" bash -c "$command" > "$logs/$name.log" 2>&1
  last_rc=$?
  local took=$(($(date +%s) - t0))
  { echo "=== $name (rc $last_rc, ${took} s): $command"; cat "$logs/$name.log"; } >> "$logs/steps.log"
  if ((last_rc == 0)); then
    note "ok       $name (${took} s)"
  else
    failed=$((failed + 1))
    note "FAILED   $name (rc $last_rc$( ((last_rc == 124)) && echo ", timed out after ${limit} s"), ${took} s; see $name.log)"
    tail -n 30 "$logs/$name.log"
  fi
}

# needs FILE...: true when every FILE exists, else a line saying what a step lacks.
needs() {
  local f
  for f in "$@"; do [ -e "$f" ] || { note "skipped  (missing $f)"; return 1; }; done
}

finish() {
  note "done in $(($(date +%s) - start)) s, $failed failed; logs in $logs"
  if [ -n "${OUT:-}" ] && [ "$OUT" != "$logs" ]; then
    cp "$logs/summary.txt" "$logs/steps.log" "$OUT/" 2>/dev/null
    tar czf "$OUT/logs.tar.gz" -C "$logs" --exclude outputs . 2>/dev/null
  fi
  ((failed == 0))
  exit $?
}

# Builds for sm_90 here; where that fails, the prepared binaries, one by one.
build_or_fall_back() {
  local bin=$1 generator=""  # the device image may have ninja and no make
  command -v make >/dev/null || { command -v ninja >/dev/null && generator="-G Ninja"; }
  local built path
  if [ "${IHTBATCH_GPU_BUILD:-}" = prepared ]; then
    note "skipped  build (IHTBATCH_GPU_BUILD=prepared: the binaries prepared beforehand)"
    built=125
  else
    step build 240 "cmake --preset hopper $generator -DCMAKE_PREFIX_PATH='$deps/usr' && cmake --build --preset hopper -j \$(nproc)"
    built=$last_rc
    # The kernels' registers and spills, from the report of this build.
    ((built == 0)) && bash tests/gpu_resource_budget.sh "$bin/ptxas_report.txt" 1 > "$logs/ptxas.txt" 2>&1
  fi
  for path in ihtbatch tests/ihtbatch_tests tests/ihtbatch_gpu_tests bench/ihtbatch_bench; do
    if ((built != 0)) || [ ! -x "$bin/$path" ]; then
      mkdir -p "$(dirname "$bin/$path")"
      if gzip -dc "$deps/bin/$(basename "$path").gz" > "$bin/$path" 2>/dev/null && chmod +x "$bin/$path"; then
        note "using the prepared $(basename "$path") (commit $(cat "$deps/commit" 2>/dev/null))"
      else
        rm -f "$bin/$path"
        note "no $(basename "$path"): its steps will be skipped"
      fi
    fi
  done
}

device() {
  # The toolkit's tools (compute-sanitizer, ncu, cuobjdump) where PATH lacks them.
  local d
  for d in "${CUDA_HOME:-/usr/local/cuda}/bin" /opt/nvidia/nsight-compute/*; do
    [ -d "$d" ] && PATH=$PATH:$d
  done
  export PATH
  mkdir -p "$logs" "$scratch"
  : > "$logs/summary.txt"
  : > "$logs/steps.log"
  note "gpu_check $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git rev-parse --short HEAD 2>/dev/null || cat "$deps/commit" 2>/dev/null)"
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L > "$logs/nvidia-smi.log" 2>&1; then
    note "no GPU here: nvidia-smi $(command -v nvidia-smi >/dev/null && echo 'found no device' || echo 'is not installed');"
    note "run this on the lent device machine (carry .gpu-deps, made by --prepare)"
    exit 3
  fi
  tee -a "$logs/summary.txt" < "$logs/nvidia-smi.log"
  nvidia-smi --query-gpu=name,clocks.max.sm,memory.total,driver_version --format=csv >> "$logs/summary.txt" 2>&1

  local bin=$root/build-sm90 out=$scratch
  build_or_fall_back "$bin"
  local ib=$bin/ihtbatch

  # 1. Correctness first: the GPU tests (a skip is a failure here), the byte
  #    diff of a whole sweep against the CPU engine, the backends compared.
  needs "$bin/tests/ihtbatch_gpu_tests" && step gpu_primitives 30 "IHTBATCH_REQUIRE_GPU=1 '$bin/tests/ihtbatch_gpu_tests'"
  needs "$bin/tests/ihtbatch_tests" && step gpu_tests 60 "IHTBATCH_REQUIRE_GPU=1 '$bin/tests/ihtbatch_tests' --gtest_filter='Gpu*'"
  needs "$ib" || finish
  step sweep_gpu 30 "'$ib' sweep --backend gpu --out '$out/gpu64' && grep -E 'wall_time|device' '$out/gpu64/meta.json'"
  step sweep_cpu 60 "'$ib' sweep --backend cpu --out '$out/cpu64' && grep wall_time_s '$out/cpu64/meta.json'"
  needs "$out/gpu64/runs.csv" "$out/cpu64/runs.csv" &&
    step byte_diff 5 "cmp '$out/gpu64/runs.csv' '$out/cpu64/runs.csv' && echo 'runs.csv: gpu and cpu byte-identical (float64)'"
  step compare_cpu_f64 40 "'$ib' compare --backend gpu --against cpu --runs 200"
  step compare_ref_f64 90 "'$ib' compare --backend gpu --against reference --runs 100"
  step sweeps_f32 45 "'$ib' sweep --backend gpu --precision float32 --out '$out/gpu32' && '$ib' sweep --backend cpu --precision float32 --out '$out/cpu32' && cmp '$out/gpu32/runs.csv' '$out/cpu32/runs.csv' && echo 'runs.csv: gpu and cpu byte-identical (float32)'"
  # The cpu engine's bits on this machine's CPU (path in --version) against the SHA-256
  # recorded in bench/README.md from other CPUs: the same bits across vendors and widths.
  needs "$out/cpu64/runs.csv" "$out/cpu32/runs.csv" &&
    step cpu_bits 5 "'$ib' --version; grep -m1 'model name' /proc/cpuinfo; grep -o -m1 'avx512[a-z]*' /proc/cpuinfo | head -1; cd '$out' && sha256sum cpu64/runs.csv cpu64/summary.csv cpu32/runs.csv cpu32/summary.csv"
  step compare_cpu_f32 40 "'$ib' compare --backend gpu --against cpu --runs 200 --precision float32"

  # 2. Memory and synchronisation checkers on tiny sweeps (not supported under gVisor).
  local tiny="sweep --backend gpu --runs 2 --max-steps 20 --monte 2 --sparsity 3,14"
  for tool in memcheck racecheck synccheck; do
    step "sanitizer_$tool" 60 "compute-sanitizer --tool $tool --error-exitcode 9 '$ib' $tiny --out '$out/tiny_$tool'"
  done
  # The wide engine: its scratch accesses (memcheck) and its w.sync()/__syncwarp use (synccheck).
  # Its lanes share θ and ∇f through global memory, which racecheck does not watch; the
  # bit-for-bit test against the CPU (Gpu.WideNetworksGiveTheCpuWarpEnginesBits) is the check there.
  local tiny_wide="sweep --backend gpu --hidden 4 --runs 2 --max-steps 10 --monte 2 --sparsity 3,20"
  for tool in memcheck synccheck; do
    step "sanitizer_wide_$tool" 60 "compute-sanitizer --tool $tool --error-exitcode 9 '$ib' $tiny_wide --out '$out/tiny_wide_$tool'"
  done

  # 3. Speed: end to end (above), kernel only with enough runs to fill the device, the peer, a profile.
  needs "$bin/bench/ihtbatch_bench" &&
    step bench 90 "'$bin/bench/ihtbatch_bench' --backend gpu --runs 65536 --steps 2000 --repeats 3"
  # The occupancy trial (hopper preset): the IRIS kernels at 8 warps per SM as before, against
  # the default kernels' 12 (float64) and 16 (float32); the same bits, and each sweep's time.
  needs "$out/gpu64/runs.csv" "$out/gpu32/runs.csv" &&
    step occupancy_trial 30 "IHTBATCH_GPU_OCCUPANCY_TRIAL=1 '$ib' sweep --backend gpu --out '$out/gpu64_trial' && grep -E 'wall_time|device' '$out/gpu64_trial/meta.json' && cmp '$out/gpu64/runs.csv' '$out/gpu64_trial/runs.csv' && echo 'runs.csv: trial kernel byte-identical' && '$ib' sweep --backend gpu --out '$out/gpu64_again' > /dev/null && grep wall_time '$out/gpu64_again/meta.json' && IHTBATCH_GPU_OCCUPANCY_TRIAL=1 '$ib' sweep --backend gpu --precision float32 --out '$out/gpu32_trial' > /dev/null && grep wall_time '$out/gpu32_trial/meta.json' && cmp '$out/gpu32/runs.csv' '$out/gpu32_trial/runs.csv' && echo 'runs.csv: float32 trial kernel byte-identical'"
  needs "$bin/bench/ihtbatch_bench" &&
    step bench_trial 60 "IHTBATCH_GPU_OCCUPANCY_TRIAL=1 '$bin/bench/ihtbatch_bench' --backend gpu --runs 65536 --steps 2000 --repeats 3"
  needs "$bin/bench/ihtbatch_bench" &&
    step bench_wide 60 "'$bin/bench/ihtbatch_bench' --backend gpu --data digits --sparsity 65 --runs 16384 --steps 200 --repeats 3 && '$bin/bench/ihtbatch_bench' --backend gpu --hidden 16 --sparsity 26 --runs 65536 --steps 500 --repeats 3"
  # SASS instructions per kernel (the audit counted ~87 for the gradient phase's 8 DFMA); the
  # listing stays in the scratch folder (it can pass the 16 MiB a file may bring back), the
  # counts go to the log. Needs the toolkit's cuobjdump, which the build machines lack.
  local cuobjdump
  cuobjdump=$(command -v cuobjdump || echo "${CUDA_HOME:-/usr/local/cuda}/bin/cuobjdump")
  if [ -x "$cuobjdump" ]; then
    step sass 15 "'$cuobjdump' -sass '$ib' > '$out/sass.txt' && awk '/arch = / {a = \$3} /Function :/ {f = a \" \" \$3} /^ +\\/\\*[0-9a-f]+\\*\\/ / {n[f]++} END {for (k in n) print n[k], k}' '$out/sass.txt' | sort -n"
  else
    note "skipped  sass (no cuobjdump here)"
  fi
  step torch_peer 90 "python3 bench/peers/batched.py --device cuda --runs 65536 --steps 2000 --dtype float64 && python3 bench/peers/batched.py --device cuda --runs 65536 --steps 2000 --dtype float32"
  step compare_ref_f32 90 "'$ib' compare --backend gpu --against reference --runs 100 --precision float32"
  # One float64 IRIS launch that fills the device (the bench's warm-up), with the stall reasons.
  if ! command -v ncu > /dev/null; then
    note "skipped  ncu (not installed here)"
  elif needs "$bin/bench/ihtbatch_bench"; then
    step ncu 60 "ncu --clock-control none --launch-count 1 -k regex:iht_ --section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats --section InstructionStats --print-details all '$bin/bench/ihtbatch_bench' --backend gpu --precision float64 --runs 65536 --steps 200 --repeats 1"
  fi
  # Last, where time is left: the cpu engine on 2 threads of this CPU (#17's figure is for 2 cores).
  needs "$out/cpu64/runs.csv" && step cpu_two_threads 40 "'$ib' sweep --backend cpu --threads 2 --out '$out/cpu64_t2' > /dev/null && grep wall_time_s '$out/cpu64_t2/meta.json' && cmp '$out/cpu64/runs.csv' '$out/cpu64_t2/runs.csv' && echo 'runs.csv: 2 threads byte-identical'"
  finish
}

case "${1:-}" in
  --prepare) prepare ;;
  "") device ;;
  *) echo "usage: bash bench/gpu_check.sh [--prepare]" >&2; exit 2 ;;
esac
