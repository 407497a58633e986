#!/usr/bin/env bash
# The command line rejects bad input with exit code 2 and a clear message.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0

expect() {  # expect CODE "message fragment" -- args...
  local code=$1 fragment=$2; shift 3
  local out rc
  out=$("$bin" "$@" 2>&1); rc=$?
  if [[ $rc -ne $code || "$out" != *"$fragment"* ]]; then
    echo "FAIL: ihtbatch $* -> exit $rc (want $code), output: $out"; fails=$((fails + 1))
  else
    passes=$((passes + 1))
  fi
}

printf 'a,b,y\n1,2,0\n1,zz,1\n' > "$tmp/bad.csv"
expect 2 "out of range" -- sweep --sparsity 15 --out "$tmp/o"
expect 2 "out of range" -- sweep --sparsity 0 --out "$tmp/o"
expect 2 "--runs must be" -- sweep --runs 0 --out "$tmp/o"
expect 2 "--tol must be" -- sweep --tol -1 --out "$tmp/o"
expect 2 "--monte must be" -- sweep --monte 0 --out "$tmp/o"
expect 2 "unknown backend" -- sweep --backend quantum --out "$tmp/o"
expect 2 "unknown precision" -- sweep --precision half --out "$tmp/o"
expect 2 "bad.csv:3:" -- sweep --data "$tmp/bad.csv" --out "$tmp/o"
expect 2 "cannot open" -- sweep --data "$tmp/missing.csv" --out "$tmp/o"
expect 2 "--sparsity" -- sweep --sparsity 3-x --out "$tmp/o"
expect 2 "out of range" -- run --sparsity 16 --data-seed 1 --init-seed 2 --support-seed 3
expect 2 "give --data-seed" -- run --sparsity 3
expect 2 "" -- run --sparsity 3 --data-seed 1
expect 2 "" -- nosuchcommand
expect 0 "6435" -- supports
expect 0 "step size" -- run --sparsity 7 --data-seed 42 --init-seed 21 --support-seed 84 --max-steps 50
expect 0 "runs" -- sweep --sparsity 3 --runs 2 --max-steps 20 --out "$tmp/ok"
[[ -s "$tmp/ok/runs.csv" && -s "$tmp/ok/summary.csv" && -s "$tmp/ok/meta.json" ]] \
  || { echo "FAIL: sweep did not write its three files"; fails=$((fails + 1)); }
[[ $(wc -l < "$tmp/ok/runs.csv") -eq 5 ]] || { echo "FAIL: runs.csv should have 4 rows"; fails=$((fails + 1)); }

# Ctrl-C: the finished runs are written, meta.json says incomplete, exit 130.
"$bin" sweep --backend cpu --runs 1000 --out "$tmp/int" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid; rc=$?
if [[ $rc -ne 130 || ! -s "$tmp/int/runs.csv" ]] || ! grep -q '"complete": false' "$tmp/int/meta.json"; then
  echo "FAIL: interrupted sweep -> exit $rc, runs.csv/meta.json not as expected"; fails=$((fails + 1))
else
  passes=$((passes + 1))
fi

echo "cli: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
