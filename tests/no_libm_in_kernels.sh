#!/usr/bin/env bash
# The kernels compute the same bits on the CPU and the GPU only if neither
# side's libm is called: glibc's and CUDA's transcendental functions differ in
# the last bit. This check fails when code compiled into the kernels (the
# kernels/ headers, the RNG and its math, the GPU launcher) calls one; the
# project's own are exp_nonpositive, log_positive (fast_math.hpp),
# portable_log and portable_cos (portable_math.hpp). sqrt, fma and fabs are
# correctly rounded (exact) on both sides and allowed.
set -u
root=${1:-$(dirname "$0")/..}
files=$(ls "$root"/kernels/*.hpp "$root"/kernels/*.cuh "$root"/include/ihtbatch/philox.hpp \
           "$root"/include/ihtbatch/portable_math.hpp "$root"/src/backends/gpu_engine.cu)
names='exp|exp2|expm1|log|log2|log10|log1p|pow|cos|sin|tan|sincos|acos|asin|atan|atan2|cosh|sinh|tanh|erf|erfc|cbrt|hypot|lgamma|tgamma'
# A call: the name (optionally std:: or ::, optionally with an f suffix) then
# "(", not part of a longer identifier and not a member (.log( or ->log().
found=$(grep -nE "(^|[^A-Za-z0-9_.>])(std::|::)?(${names})f?[[:space:]]*\(" $files | grep -vE '^\S+:[0-9]+:\s*(//|/\*|\*)')
if [ -n "$found" ]; then
  echo "FAIL: libm calls in kernel code (use the project's own functions):"
  echo "$found"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "no libm transcendental calls in $(echo "$files" | wc -w) kernel files"
echo "1 passed, 0 failed"
