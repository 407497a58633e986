#!/usr/bin/env bash
# A disk that fills up during a sweep, at many points (the journal's birth, its
# appends, runs.csv, summary.csv, meta.json): the sweep fails with the file and
# "No space left on device", says where the finished runs are when the journal
# holds any, and once there is room again the same command (with --resume when
# a journal is left) writes outputs byte-identical to a sweep that never failed.
# The full disk is full_disk_shim.so (LD_PRELOAD), so no mount is needed.
# Usage: full_disk_test.sh IHTBATCH SHIM
set -u
bin=$1 shim=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0 failed_runs=0
[[ -r "$shim" ]] || { echo "FAIL: no shim at $shim"; exit 1; }
# 1,200 runs: the journal grows as they finish (synced at least once a
# second), so some limits fall in the middle of its appends.
sweep=(sweep --backend cpu --sparsity 3,7 --runs 400 --max-steps 200 --threads 2)
"$bin" "${sweep[@]}" --out "$tmp/ref" >/dev/null 2>&1 || { echo "FAIL: the reference sweep"; exit 1; }
# The bytes a sweep with room writes (journal and outputs), and the last files'
# sizes: limits just short of each file's end fail in runs.csv, summary.csv
# and meta.json, the journal having been written whole.
mkdir -p "$tmp/room"
FULL_DISK_DIR="$tmp/room" FULL_DISK_BYTES=1000000000000 FULL_DISK_USED="$tmp/used" LD_PRELOAD="$shim" \
  "$bin" "${sweep[@]}" --out "$tmp/room" >/dev/null 2>&1
total=$(cat "$tmp/used" 2>/dev/null)
[[ -n "$total" && $total -gt 0 ]] || { echo "FAIL: the shim counted no bytes (is it preloaded?)"; exit 1; }
meta=$(stat -c %s "$tmp/room/meta.json") summary=$(stat -c %s "$tmp/room/summary.csv")
# (meta.json's timings vary in length by some tens of bytes from run to run.)
for bytes in 0 50 300 5000 40000 150000 300000 $((total - meta - summary - 1000)) $((total - meta - 100)) \
             $((total - meta / 2)) $((total + 1000)); do
  out="$tmp/o$bytes"
  mkdir -p "$out"
  msg=$(FULL_DISK_DIR="$out" FULL_DISK_BYTES=$bytes LD_PRELOAD="$shim" "$bin" "${sweep[@]}" --out "$out" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -eq 0 ]]; then
    # Enough room after all (the larger limits): then the outputs must be whole.
    if [[ $bytes -lt $((total - 100)) ]]; then echo "FAIL: $bytes bytes (of $total): the sweep did not fail"; fails=$((fails + 1)); continue; fi
    cmp -s "$out/runs.csv" "$tmp/ref/runs.csv" || { echo "FAIL: $bytes bytes: exit 0 but runs.csv differs"; fails=$((fails + 1)); continue; }
    passes=$((passes + 1)); continue
  fi
  if [[ $rc -ne 1 || "$msg" != *"$out/"*"No space left on device"* ]]; then
    echo "FAIL: $bytes bytes: exit $rc, message: $msg"; fails=$((fails + 1)); continue
  fi
  if [[ -s "$out/journal.bin" && "$msg" != *"kept in $out/journal.bin"*"--resume"* ]]; then
    echo "FAIL: $bytes bytes: a journal is left but the message does not say so: $msg"; fails=$((fails + 1)); continue
  fi
  if [[ -f "$out/meta.json" ]]; then
    echo "FAIL: $bytes bytes: a meta.json beside outputs that failed to be written"; fails=$((fails + 1)); continue
  fi
  again=()
  [[ -e "$out/journal.bin" ]] && again=(--resume)
  if ! "$bin" "${sweep[@]}" --out "$out" "${again[@]}" >/dev/null 2>&1; then
    echo "FAIL: $bytes bytes: the rerun ${again[*]} failed"; fails=$((fails + 1)); continue
  fi
  for f in runs.csv summary.csv; do
    cmp -s "$out/$f" "$tmp/ref/$f" || { echo "FAIL: $bytes bytes: $f after the rerun differs"; fails=$((fails + 1)); continue 2; }
  done
  failed_runs=$((failed_runs + 1))
  echo "$bytes bytes: failed as it should ($(echo "$msg" | grep -o '[^/]*: [^:]*: No space left on device' | head -1)), then ${again[*]:-a rerun} wrote the same outputs"
  passes=$((passes + 1))
done
[[ $failed_runs -ge 10 ]] || { echo "FAIL: only $failed_runs limits made the sweep fail"; fails=$((fails + 1)); }
echo "full disk: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
