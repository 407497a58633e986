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
           "$root"/include/ihtbatch/portable_math.hpp "$root"/src/backends/gpu_engine.cu 2>/dev/null)
if [ -z "$files" ]; then echo "FAIL: no kernel files under $root"; echo "0 passed, 1 failed"; exit 1; fi
names='exp|exp2|exp10|expm1|log|log2|log10|log1p|pow|powr|cos|sin|tan|sincos|sinpi|cospi|sincospi|acos|asin|atan|atan2'
names+='|cosh|sinh|tanh|acosh|asinh|atanh|erf|erfc|erfinv|erfcinv|normcdf|normcdfinv|cbrt|rcbrt|rsqrt|hypot|lgamma|tgamma'
# A call: the name (after std:: or ::, or as CUDA's __ intrinsic; with an f or
# l suffix) then "(", possibly on the next line; not part of a longer
# identifier, not a member (.log(). Comments and strings are dropped first.
found=$(for f in $files; do
  sed -E 's://.*$::; s:"([^"\\]|\\.)*":"":g' "$f" | tr '\n' '\r' | sed -E 's/\(\r/(/g; s/\r[[:space:]]*\(/(/g' | tr '\r' '\n' |
    grep -nE "(^|[^A-Za-z0-9_.])(std::|::|__)?(${names})[fl]?[[:space:]]*\(" | sed "s|^|$f:|"
done)
if [ -n "$found" ]; then
  echo "FAIL: libm calls in kernel code (use the project's own functions):"
  echo "$found"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "no libm transcendental calls in $(echo "$files" | wc -w) kernel files"
echo "1 passed, 0 failed"
