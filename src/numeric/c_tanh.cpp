// The emitted tanh (declared in c_tanh.hpp). Straight-line: every element computes all of it.
// gcc if-converts a loop only where no floating-point operation is conditional (without
// AVX-512's masked instructions it gives up: "control flow in loop"), and it makes them
// conditional itself: after `a = a > 22 ? 22 : a` PRE computes everything else on the other
// path only (on this one it is constant), and a value that one arm of a ?: uses is sunk into
// that arm; (double)(condition) as a 0/1 factor fared no better. Hence:
//  - a = min(|x|, 22) as an integer minimum of the bits (non-negative doubles order as their
//    bits; a MIN, not a branch). tanh rounds to 1 from 19.1. The minimum turns a nan into 22:
//    its exponent bits are OR-ed into the result at the end. The sign comes back by copysign
//    (so -0 stays -0).
//  - t = expm1(2a) = 2^k (1 + p) - 1, computed as 2^k p + (2^k - 1): k = floor(2a / ln 2),
//    by the 1.5 * 2^52 shifter (adding it leaves k in the low bits of the mantissa; 0.5
//    subtracted first makes the rounding a floor), 2^k from those bits through a union (the
//    only way to read a double's bits in C99 with nothing but <math.h>), r = 2a - k ln 2 in
//    [0, ln 2) with ln 2 in two parts (k ln2_hi exact), p = expm1(r) = r + r^2 q(r). With r
//    never negative, 2^k p and 2^k - 1 have one sign and their sum does not cancel; k
//    rounded to the nearest (r in [-ln2/2, ln2/2], one degree less) cancelled for k = 1 and
//    measured 2.3 ulp.
//  - q: the Chebyshev fit of degree 10 to (expm1(r) - r)/r^2 on [-0.001, ln 2 + 0.001]
//    (relative error of p 2e-18, a hundredth of an ulp), by Estrin's scheme: its chains are a
//    third of Horner's (a loop of 8 is latency-bound: 20 against 25 ns).
//  - tanh a = t/(t + 2) below a = 0.75 and 1 - 2/(t + 2) from there (the first rounds less
//    near 0, the second near 1; 0.55 or 1 as the border measured 1.44). For k = 0
//    (a < ln2/2), where t/(t + 2) measured 2.4 ulp (two roundings of a value near a),
//    tanh a = a + 4 (2 q1 - q) a^3/(t + 2), q = 1/2 + r q1 (exact algebra for r = 2a; the
//    small correction's rounding hardly counts): 0.5 ulp. One division serves the three:
//    the result is b + n/(t + 2), b and n chosen before it by masks of bits (a, 0, 1 and the
//    correction, t, -2), each the same rounding as its formula.
// Measured against x87 tanhl (tests/test_codegen.cpp, a million points; 400 million more
// outside the tests): at most 1.39 ulp, near |x| = 0.347 (k = 1 just above ln2/2) and 0.53
// (t/(t + 2)); glibc's tanh measured 2.2 ulp the same way.
#include "numeric/c_tanh.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace ddx {

std::string c_tanh_function(const std::string& function_name) {
    return "/* tanh by arithmetic alone, so that loops of it become vector instructions:\n"
           "   within 1.4 ulp. t = expm1(2|x|) = 2^k (1 + p) - 1, k = floor(2|x|/ln 2),\n"
           "   p = expm1(2|x| - k ln 2) by a polynomial; tanh|x| = t/(t + 2) below 0.75,\n"
           "   1 - 2/(t + 2) from there, |x| + 4 (2 q1 - q) |x|^3/(t + 2) for k = 0.\n"
           "   Masks of bits choose between them and restore a nan. */\n"
           "static inline double " + function_name + "(double x)\n"
           "{\n"
           "    union { double d; long long i; unsigned long long u; } a, s, e, w, t, n, b, v;\n"
           "    a.d = fabs(x);\n"
           "    const unsigned long long is_nan = -(unsigned long long)(a.i > 0x7ff0000000000000LL);\n"
           "    a.i = a.i < 0x4036000000000000LL ? a.i : 0x4036000000000000LL; /* min(|x|, 22) */\n"
           "    const double y = a.d + a.d;\n"
           "    s.d = y * 0x1.71547652b82fep+0 - 0.5;\n"
           "    s.d = s.d + 0x1.8p+52;\n"
           "    const double k = s.d - 0x1.8p+52;\n"
           "    const double r = (y - k * 0x1.62e42feep-1) - k * 0x1.a39ef35793c76p-33;\n"
           "    const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;\n"
           "    const double p01 = 0x1.5555555555541p-3 + 0x1.55555555568c2p-5 * r;\n"
           "    const double p23 = 0x1.11111110a1ea8p-7 + 0x1.6c16c19473562p-10 * r;\n"
           "    const double p45 = 0x1.a019f91f5c9f8p-13 + 0x1.a01b1e4eb85ddp-16 * r;\n"
           "    const double p67 = 0x1.71c66bdccebd9p-19 + 0x1.292a68aa30871p-22 * r;\n"
           "    const double p89 = 0x1.990b192c373d7p-26 + 0x1.81a1164939118p-29 * r;\n"
           "    const double q1 = (p01 + p23 * r2) + (p45 + p67 * r2) * r4 + p89 * r8;\n"
           "    const double q = 0.5 + q1 * r;\n"
           "    const double p = r + r2 * q;\n"
           "    e.u = (s.u << 52) + 0x3ff0000000000000ULL;\n"
           "    t.d = e.d * p + (e.d - 1.0);\n"
           "    w.d = 4.0 * (q1 + q1 - q) * (a.d * a.d * a.d);\n"
           "    const unsigned long long small = -(unsigned long long)(k == 0.0);\n"
           "    const unsigned long long big = -(unsigned long long)(a.d >= 0.75);\n"
           "    n.u = (w.u & small) | (t.u & ~(small | big)) | (0xc000000000000000ULL & big); /* w, t or -2 */\n"
           "    b.u = (a.u & small) | (0x3ff0000000000000ULL & big); /* |x|, 0 or 1 */\n"
           "    v.d = copysign(b.d + n.d / (t.d + 2.0), x);\n"
           "    v.u = v.u | (is_nan & 0x7ff8000000000000ULL);\n"
           "    return v.d;\n"
           "}\n";
}

namespace {

// A double's bits and back (memcpy: the C's union is not allowed in C++).
std::uint64_t bits(double d) {
    std::uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    return u;
}

double from_bits(std::uint64_t u) {
    double d;
    std::memcpy(&d, &u, sizeof d);
    return d;
}

}  // namespace

// Each line the one of c_tanh_function above, in its order (the unit test compares the bits
// of both at a million points).
double emitted_tanh(double x) {
    std::uint64_t a = bits(std::fabs(x));
    const std::uint64_t is_nan = -static_cast<std::uint64_t>(static_cast<std::int64_t>(a) > 0x7ff0000000000000LL);
    a = static_cast<std::int64_t>(a) < 0x4036000000000000LL ? a : 0x4036000000000000ULL;  // min(|x|, 22)
    const double ad = from_bits(a);
    const double y = ad + ad;
    double s = y * 0x1.71547652b82fep+0 - 0.5;
    s = s + 0x1.8p+52;
    const double k = s - 0x1.8p+52;
    const double r = (y - k * 0x1.62e42feep-1) - k * 0x1.a39ef35793c76p-33;
    const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const double p01 = 0x1.5555555555541p-3 + 0x1.55555555568c2p-5 * r;
    const double p23 = 0x1.11111110a1ea8p-7 + 0x1.6c16c19473562p-10 * r;
    const double p45 = 0x1.a019f91f5c9f8p-13 + 0x1.a01b1e4eb85ddp-16 * r;
    const double p67 = 0x1.71c66bdccebd9p-19 + 0x1.292a68aa30871p-22 * r;
    const double p89 = 0x1.990b192c373d7p-26 + 0x1.81a1164939118p-29 * r;
    const double q1 = (p01 + p23 * r2) + (p45 + p67 * r2) * r4 + p89 * r8;
    const double q = 0.5 + q1 * r;
    const double p = r + r2 * q;
    const double e = from_bits((bits(s) << 52) + 0x3ff0000000000000ULL);
    const double t = e * p + (e - 1.0);
    const double w = 4.0 * (q1 + q1 - q) * (ad * ad * ad);
    const std::uint64_t small = -static_cast<std::uint64_t>(k == 0.0);
    const std::uint64_t big = -static_cast<std::uint64_t>(ad >= 0.75);
    const double n = from_bits((bits(w) & small) | (bits(t) & ~(small | big)) | (0xc000000000000000ULL & big));  // w, t or -2
    const double b = from_bits((a & small) | (0x3ff0000000000000ULL & big));  // |x|, 0 or 1
    const double v = std::copysign(b + n / (t + 2.0), x);
    return from_bits(bits(v) | (is_nan & 0x7ff8000000000000ULL));
}

}  // namespace ddx
