#!/usr/bin/env bash
# The GPU kernels' resources as ptxas reported them in this build (the
# report cmake/ptxas_report.sh keeps): a table, and a failure when a hot
# kernel (the IRIS fixed shape, both precisions) passes its budget. They are
# built for 12 (float64) and 16 (float32) warps per SM, 168 and 128 registers,
# and spill a little by design (sm_90, nvcc 13.0: 288 and 208 B of spill
# stores, 400 and 336 B of stack, of which 128 B are the 32 ints of the
# support's random permutation): the budget is 384 B of spill stores and
# 512 B of stack each, so an array that falls out of registers fails it
# (before θ, ∇f and the step became one register per lane, the float64
# kernel kept 1,360–1,392 B of stack), and so does a lost launch bound
# (more registers than 168 and 128). Both IRIS kernels must be there for
# every architecture. The occupancy trial's kernels (hopper preset: 8 warps
# per SM, the kernels as they were before the cap) are listed as
# iris-trial, without a budget.
# Skipped (77) in a build without CUDA.
set -u
report=$1 cuda=${2:-OFF}
if [ ! -s "$report" ]; then
  case "$cuda" in ON|1|TRUE|true) echo "FAIL: a CUDA build without $report"; echo "0 passed, 1 failed"; exit 1 ;; esac
  echo "no ptxas report (a build without CUDA): skipped"; exit 77
fi
awk '
  /Compiling entry function/ {
    name = ""
    if ($0 ~ /persistent_kernel|capped_kernel|occupancy_trial_kernel/) {
      prec = ($0 ~ /_kernelId/) ? "float64" : "float32"
      shape = ($0 ~ /FixedShape/) ? "iris-fixed" : (($0 ~ /WideShape/) ? "wide" : "dynamic")
      if ($0 ~ /occupancy_trial_kernel/) shape = "iris-trial"  # no budget: an experiment
      match($0, /sm_[0-9]+/); name = substr($0, RSTART, RLENGTH) " " prec " " shape
    }
  }
  /bytes stack frame/ && name != "" { stack = $1; stores = $5; loads = $9 }
  /ptxas info +: Used/ && name != "" {
    regs = $5
    printf "%-26s %4s registers %5s B stack %4s B spill stores %4s B spill loads\n", name, regs, stack, stores, loads
    # The launch bounds hold the registers to 12 (float64) and 16 (float32) warps per SM.
    cap = (name ~ /float64/) ? 168 : 128
    if (name ~ /iris-fixed/ && regs + 0 > cap) { printf "  over budget: %s registers, at most %s\n", regs, cap; bad = 1 }
    if (name ~ /iris-fixed/ && stores + 0 > 384) { printf "  over budget: %s B of spill stores, budget 384\n", stores; bad = 1 }
    if (name ~ /iris-fixed/ && stack + 0 > 512) { printf "  over budget: %s B of stack, budget 512\n", stack; bad = 1 }
    split(name, part, " "); arch[part[1]] = 1; if (name ~ /iris-fixed/) fixed[part[1] " " part[2]] = 1
    kernels++
    name = ""
  }
  END {
    if (kernels == 0) { print "no kernel in the report"; print "0 passed, 1 failed"; exit 1 }
    for (a in arch) for (p = 0; p < 2; p++) {
      prec = p ? "float32" : "float64"
      if (!((a " " prec) in fixed)) { printf "missing: the %s IRIS kernel for %s\n", prec, a; bad = 1 }
    }
    if (bad) { print "0 passed, 1 failed"; exit 1 }
    print "1 passed, 0 failed"
  }' "$report"
