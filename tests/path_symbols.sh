#!/usr/bin/env bash
# One binary holds the CPU warp engine's kernels compiled for several
# instruction sets (src/backends/cpu_path_kernels.cpp, once per SIMD path).
# If a path's object defined an inline function or template instance under a
# name another object also defines, the linker would keep one copy for all:
# AVX-512 code could then run where the portable path was chosen (SIGILL on
# an older CPU). This check fails when a path's object defines any non-local
# symbol outside its own namespace, but for its table of entry points.
# Usage: path_symbols.sh PATH=OBJECT...
set -u
[ $# -gt 0 ] || { echo "FAIL: no path objects given"; echo "0 passed, 1 failed"; exit 1; }
passed=0 failed=0
for arg in "$@"; do
  path=${arg%%=*} obj=${arg#*=}
  if [ ! -s "$obj" ]; then echo "FAIL: $path: no object $obj"; failed=$((failed + 1)); continue; fi
  # nm: an upper-case type (or u, V, W) is a symbol other objects can see or share.
  all=$(nm -C --defined-only "$obj" | awk '$2 ~ /^[A-Zu]$/' | cut -d' ' -f3-)
  table="iht::cpu_paths::kernels_$path"
  # DW.ref.__gxx_personality_v0: the C++ runtime's exception personality, data, the same everywhere.
  stray=$(echo "$all" | grep -v "::$path::" | grep -vx "$table" | grep -vx "DW.ref.__gxx_personality_v0")
  if ! echo "$all" | grep -qx "$table"; then
    echo "FAIL: $path: the object does not define $table"; failed=$((failed + 1))
  elif [ -n "$stray" ]; then
    echo "FAIL: $path: symbols outside iht::warp::$path that another object could share:"
    echo "$stray" | head -20
    failed=$((failed + 1))
  else
    echo "$path: $(echo "$all" | wc -l) shared symbols, all in its namespace or its table"
    passed=$((passed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
