#!/usr/bin/env bash
# kill -9 at random moments, then --resume: the outputs are byte-identical to
# an uninterrupted sweep's, every time (docs/SPEC.md §13). 20 trials.
set -u
bin=$1 trials=${2:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep=(sweep --backend cpu --runs 150 --max-steps 2000 --threads 2)
"$bin" "${sweep[@]}" --out "$tmp/whole" >/dev/null 2>&1 || { echo "FAIL: the uninterrupted sweep"; echo "0 passed, 1 failed"; exit 1; }
passes=0 fails=0 killed=0
for trial in $(seq 1 "$trials"); do
  out=$tmp/t$trial
  "$bin" "${sweep[@]}" --out "$out" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"  # 0.10 .. 0.99 s into the sweep
  kill -9 $pid 2>/dev/null && killed=$((killed + 1))
  wait $pid 2>/dev/null
  "$bin" "${sweep[@]}" --out "$out" --resume >/dev/null 2>"$out.err"
  if cmp -s "$out/runs.csv" "$tmp/whole/runs.csv" && cmp -s "$out/summary.csv" "$tmp/whole/summary.csv" &&
     [ ! -e "$out/journal.bin" ]; then
    passes=$((passes + 1))
  else
    fails=$((fails + 1))
    echo "FAIL: trial $trial: outputs differ after kill -9 and --resume"; cat "$out.err"
  fi
done
echo "kill -9 landed in $killed of $trials trials (the rest finished first)"
# The kills must land: a sweep that always finishes first tests nothing.
((killed >= trials / 2)) || { echo "FAIL: too few kills landed"; fails=$((fails + 1)); }
echo "$passes passed, $fails failed"
((fails == 0))
