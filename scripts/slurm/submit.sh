#!/usr/bin/env bash
# Submits a sweep as a Slurm array of N shards and the merge that waits for it.
#   bash scripts/slurm/submit.sh N OUT_DIR [sweep flags...]
# e.g. bash scripts/slurm/submit.sh 16 /shared/iht-digits --runs 1000 --backend cpu
# OUT_DIR must be visible from every node; the merged outputs land in OUT_DIR/merged.
# Prints the array's and the merge's job ids.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 N OUT_DIR [sweep flags...]" >&2; exit 2; }
shards=$1 out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
# The program: $IHTBATCH, else the build tree's (in the repository), else the installed one (cmake --install).
default=$here/../../build/ihtbatch
[ -x "$default" ] || default=$here/../../../bin/ihtbatch
bin=$(realpath "${IHTBATCH:-$default}")  # the jobs run in OUT_DIR
mkdir -p "$out"
export IHTBATCH=$bin IHTBATCH_OUT=$(cd "$out" && pwd)
IHTBATCH_ARGS=$(printf '%q ' "$@")  # quoted, so paths with spaces survive
export IHTBATCH_ARGS
array=$(sbatch --parsable --array=0-$((shards - 1)) --chdir="$IHTBATCH_OUT" "$here/sweep_array.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"${array%%;*}" --chdir="$IHTBATCH_OUT" "$here/merge.sbatch")
echo "array ${array%%;*} ($shards shards), merge $merge; outputs in $IHTBATCH_OUT/merged"
