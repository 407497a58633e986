#!/usr/bin/env bash
# CUDA compiler launcher: runs the compile command given after the report
# path, shows its output as usual, and keeps ptxas's resource lines (registers,
# stack, spills per kernel and architecture) in the report for the
# gpu.resource_budget test and bench/README.md.
report=$1; shift
out=$("$@" 2>&1); rc=$?
[ -n "$out" ] && printf '%s\n' "$out" >&2
if [ $rc -eq 0 ]; then
  printf '%s\n' "$out" | grep -E "Compiling entry|bytes stack frame|ptxas info\s+: Used" > "$report.tmp" || true
  [ -s "$report.tmp" ] && mv "$report.tmp" "$report" || rm -f "$report.tmp"
fi
exit $rc
