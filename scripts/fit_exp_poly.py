#!/usr/bin/python3
"""Coefficients of q in kernels/fast_math.hpp's double exp: e^r = 1 + r + r²·q(r)
on |r| ≤ ln2/2, q of degree 9 fitted to (e^r − 1 − r)/r² by mpmath's Chebyshev
fit. Prints the coefficients (lowest degree first) and the fit's error bound.
Needs mpmath (Debian: python3-mpmath)."""
import mpmath as mp

mp.mp.dps = 50
half_ln2 = mp.log(2) / 2 * mp.mpf("1.0001")  # a hair wider than the reduced range


def q(r):
    if abs(r) < mp.mpf("1e-20"):
        return mp.mpf(1) / 2 + r / 6
    return (mp.exp(r) - 1 - r) / r**2


poly, err = mp.chebyfit(q, [-half_ln2, half_ln2], 10, error=True)
print("q coefficients, degree 0 first:")
for c in reversed(poly):
    print("  " + mp.nstr(c, 20))
print("max |error| of q:", mp.nstr(err, 3), "-> relative error of e^r <=", mp.nstr(err * half_ln2**2, 3))
