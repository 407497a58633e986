#!/usr/bin/env bash
# Builds the CSV loader's libFuzzer target with clang (address and undefined-
# behaviour sanitizers) and fuzzes it for a bounded time, from a corpus of the
# shipped data and malformed files. Skipped (77) where clang's libFuzzer is
# missing (Debian: clang, libclang-rt-14-dev).
set -u
root=$1 shipped=$2 seconds=${3:-30}
command -v clang++ >/dev/null || { echo "no clang++: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     -I "$root/include" "$root/src/dataset.cpp" "$shipped" "$root/tests/fuzz_csv.cpp" -o "$tmp/fuzz_csv" 2>"$tmp/build.log"; then
  grep -q "fuzzer" "$tmp/build.log" && { echo "clang has no libFuzzer runtime: skipped"; exit 77; }
  cat "$tmp/build.log"; echo "0 passed, 1 failed"; exit 1
fi
mkdir -p "$tmp/corpus"
cp "$root/data/iris.csv" "$tmp/corpus/iris.csv"
printf 'a,b,y\n1,2,0\n3,4,1\n' > "$tmp/corpus/small.csv"
printf 'a,b,y\n1,,0\n1e400,x,1\n\r\n2,3,-1\n' > "$tmp/corpus/bad.csv"
if "$tmp/fuzz_csv" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
     -artifact_prefix="$tmp/" "$tmp/corpus" > "$tmp/fuzz.log" 2>&1; then
  grep -E "^#[0-9]+.*(DONE|pulse)" "$tmp/fuzz.log" | tail -1
  echo "1 passed, 0 failed"
else
  tail -n 40 "$tmp/fuzz.log"; ls "$tmp"/crash-* "$tmp"/timeout-* 2>/dev/null
  echo "0 passed, 1 failed"; exit 1
fi
