#!/usr/bin/env bash
# `cmake --install` into a fresh prefix; the installed program, run from
# elsewhere with the build tree out of reach of its environment, still has
# every shipped dataset (they are built in) and the figures script beside it.
set -u
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passes=0 fails=0
check() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passes=$((passes + 1)); else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
check "cmake --install" cmake --install "$build" --prefix "$tmp/prefix"
check "installed binary" test -x "$tmp/prefix/bin/ihtbatch"
check "installed figures.py" test -x "$tmp/prefix/share/ihtbatch/figures.py"
check "installed SPEC" test -f "$tmp/prefix/share/doc/ihtbatch/SPEC.md"
check "installed data sources and licences" grep -q "CC BY 4.0" "$tmp/prefix/share/doc/ihtbatch/data/README.md"
check "installed submit.sh finds the installed program" grep -q "bin/ihtbatch" "$tmp/prefix/share/ihtbatch/slurm/submit.sh"
mkdir -p "$tmp/elsewhere"
for data in iris wine breast-cancer digits; do
  check "installed ihtbatch runs --data $data from another directory" \
    env -u IHTBATCH_DATA bash -c "cd '$tmp/elsewhere' && '$tmp/prefix/bin/ihtbatch' run --data $data --sparsity 3 --run 0 --max-steps 3 --monte 2"
done
echo "install: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
