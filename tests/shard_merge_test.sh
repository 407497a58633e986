#!/usr/bin/env bash
# Shards and merge (docs/SPEC.md §13): 4 shards merged, given in any order, are
# byte-identical to the unsharded sweep; merge refuses missing, repeated,
# foreign and incomplete shards; --shard auto reads Slurm's and Kubernetes'
# array index.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passes=0 fails=0
check() {  # check "what" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passes=$((passes + 1)); else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
refused() {  # refused "message fragment" command...: exit 2 and the fragment
  local fragment=$1; shift
  local out; out=$("$@" 2>&1); local rc=$?
  if [[ $rc -eq 2 && "$out" == *"$fragment"* ]]; then passes=$((passes + 1)); else
    echo "FAIL: $* -> exit $rc, $out"; fails=$((fails + 1)); fi
}
args=(--runs 30 --max-steps 1500 --threads 2)
"$bin" sweep "${args[@]}" --out "$tmp/whole" >/dev/null 2>&1
for i in 0 1 2 3; do "$bin" sweep "${args[@]}" --shard $i/4 --out "$tmp/s$i" >/dev/null 2>&1; done
check "merge of 4 shards" "$bin" merge --out "$tmp/merged" "$tmp/s2" "$tmp/s0" "$tmp/s3" "$tmp/s1"
check "merged runs.csv byte-identical" cmp "$tmp/merged/runs.csv" "$tmp/whole/runs.csv"
check "merged summary.csv byte-identical" cmp "$tmp/merged/summary.csv" "$tmp/whole/summary.csv"
check "merged meta.json: complete" grep -q '"complete": true' "$tmp/merged/meta.json"
# meta.json does not depend on the order the shards are named in: shard 0's
# fields, the earliest start, and the runs any shard resumed, summed.
"$bin" merge --out "$tmp/merged2" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/s3" >/dev/null 2>&1
check "merged meta.json the same in any order" cmp "$tmp/merged/meta.json" "$tmp/merged2/meta.json"
cp -r "$tmp/s3" "$tmp/r3" && sed -i 's/^  "runs_per_s"/  "runs_resumed": 7,\n  "runs_per_s"/' "$tmp/r3/meta.json"
sed -i 's/"started_utc": "[^"]*"/"started_utc": "2001-01-01T00:00:00Z"/' "$tmp/r3/meta.json"
for order in "$tmp/r3 $tmp/s0 $tmp/s1 $tmp/s2" "$tmp/s0 $tmp/s1 $tmp/s2 $tmp/r3"; do
  # shellcheck disable=SC2086
  "$bin" merge --out "$tmp/mr" $order >/dev/null 2>&1
  check "a resumed shard's runs counted ($order)" grep -q '"runs_resumed": 7,' "$tmp/mr/meta.json"
  check "the earliest start ($order)" grep -q '"started_utc": "2001-01-01T00:00:00Z"' "$tmp/mr/meta.json"
done
check "no runs_resumed where no shard resumed" bash -c "! grep -q runs_resumed '$tmp/merged/meta.json'"
refused "shard 2/4 is missing" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/s1" "$tmp/s3"
refused "is given twice" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/s1" "$tmp/s1" "$tmp/s2" "$tmp/s3"
"$bin" sweep --runs 30 --max-steps 1000 --threads 2 --shard 1/4 --out "$tmp/other" >/dev/null 2>&1
refused "another configuration" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/other" "$tmp/s2" "$tmp/s3"
cp -r "$tmp/s3" "$tmp/partial" && sed -i 's/"complete": true/"complete": false/' "$tmp/partial/meta.json"
refused "incomplete" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/partial"
cp -r "$tmp/s1" "$tmp/short" && sed -i '$d' "$tmp/short/runs.csv"
refused "where the shard has" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/short" "$tmp/s2" "$tmp/s3"
cp -r "$tmp/s1" "$tmp/moved" && tail -n 1 "$tmp/s0/runs.csv" >> "$tmp/moved/runs.csv"
refused "is not this shard's" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/moved" "$tmp/s2" "$tmp/s3"
cp -r "$tmp/s1" "$tmp/index7" && sed -i 's/"index": 1/"index": 7/' "$tmp/index7/meta.json"
refused "shard index 7 of 4" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/index7" "$tmp/s2" "$tmp/s3"
cp -r "$tmp/s1" "$tmp/damaged" && sed -i '2s/^\([0-9]*\),\([0-9]*\),/\1,\2x,/' "$tmp/damaged/runs.csv"
refused "is damaged" "$bin" merge --out "$tmp/m" "$tmp/s0" "$tmp/damaged" "$tmp/s2" "$tmp/s3"
# merge never overwrites what it reads, nor a sweep still under way in --out.
refused "is the shard" "$bin" merge --out "$tmp/s0" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/s3"
mkdir -p "$tmp/busy" && printf 'x' > "$tmp/busy/journal.bin"
refused "holds a sweep's journal" "$bin" merge --out "$tmp/busy" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/s3"
check "the unfinished sweep's journal is kept" test -s "$tmp/busy/journal.bin"
mkdir -p "$tmp/blocked/summary.csv"
refused "merge: --out $tmp/blocked: a directory stands where summary.csv belongs" \
  "$bin" merge --out "$tmp/blocked" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/s3"
check "nothing written beside the obstacle" test ! -e "$tmp/blocked/runs.csv"
check "--shard auto (Slurm array 1..4, task 3)" env SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=4 \
  "$bin" sweep "${args[@]}" --shard auto --out "$tmp/slurm"
check "Slurm task 3 of 1..4 is shard 2/4" cmp "$tmp/slurm/runs.csv" "$tmp/s2/runs.csv"
check "--shard auto (Kubernetes index 1)" env JOB_COMPLETION_INDEX=1 "$bin" sweep "${args[@]}" --shard auto --shard-count 4 --out "$tmp/k8s"
check "Kubernetes index 1 is shard 1/4" cmp "$tmp/k8s/runs.csv" "$tmp/s1/runs.csv"
# Above 64 parameters θ* is in theta.npy (docs/SPEC.md §9): merge joins those too.
wide=(--hidden 8 --sparsity 3,30 --runs 6 --max-steps 60 --monte 5 --threads 2)
"$bin" sweep "${wide[@]}" --out "$tmp/wide" >/dev/null 2>&1
for i in 0 1; do "$bin" sweep "${wide[@]}" --shard $i/2 --out "$tmp/w$i" >/dev/null 2>&1; done
check "merge of 2 shards of a 67-parameter network" "$bin" merge --out "$tmp/wmerged" "$tmp/w1" "$tmp/w0"
check "merged theta.npy byte-identical" cmp "$tmp/wmerged/theta.npy" "$tmp/wide/theta.npy"
check "merged param_names.txt byte-identical" cmp "$tmp/wmerged/param_names.txt" "$tmp/wide/param_names.txt"
check "merged wide runs.csv byte-identical" cmp "$tmp/wmerged/runs.csv" "$tmp/wide/runs.csv"
cp -r "$tmp/w1" "$tmp/wcut" && truncate -s -8 "$tmp/wcut/theta.npy"
refused "theta.npy" "$bin" merge --out "$tmp/m" "$tmp/w0" "$tmp/wcut"
cp -r "$tmp/w1" "$tmp/wnonames" && rm "$tmp/wnonames/param_names.txt"
refused "param_names.txt" "$bin" merge --out "$tmp/m" "$tmp/w0" "$tmp/wnonames"
"$bin" merge --out "$tmp/wmerged" "$tmp/s0" "$tmp/s1" "$tmp/s2" "$tmp/s3" >/dev/null 2>&1
check "a narrower merge into the same --out removes the stale theta.npy" test ! -e "$tmp/wmerged/theta.npy"
refused "no scheduler's array index" env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$bin" sweep "${args[@]}" --shard auto --out "$tmp/x"
refused "needs --shard-count" env JOB_COMPLETION_INDEX=0 "$bin" sweep "${args[@]}" --shard auto --out "$tmp/x"
refused "the index must be in 0..3" "$bin" sweep "${args[@]}" --shard 4/4 --out "$tmp/x"
refused "more shards than" "$bin" sweep "${args[@]}" --shard 0/31 --out "$tmp/x"
refused "expected I/N" "$bin" sweep "${args[@]}" --shard 3 --out "$tmp/x"
echo "$passes passed, $fails failed"
((fails == 0))
