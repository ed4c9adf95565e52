// The dense polynomials of high-order derivatives: integers between CLN and GMP, and the
// step's arithmetic in place, checked against CLN's own rationals.
#include <doctest/doctest.h>

#include "algebra/dense_polynomial.hpp"

#include <cln/integer_io.h>

#include <climits>
#include <sstream>
#include <string>

using namespace ddx::high_order;

namespace {

cln::cl_I integer(const char* digits) { return cln::cl_I(digits); }

// (CLN's integers are made from non-negative C integers: its header shifts a negative one
// left, which UBSan rightly reports)
cln::cl_I n(long value) { return value >= 0 ? cln::cl_I(value) : -cln::cl_I(-value); }

std::string decimal(const cln::cl_I& n) {
    std::ostringstream out;
    cln::fprintdecimal(out, n);
    return out.str();
}

// A big integer of `bits` bits with a varied digit pattern, negative for odd seeds.
cln::cl_I big(int bits, int seed) {
    cln::cl_I value = 1;
    for (int i = 0; i < bits; ++i) value = 2 * value + ((i * 7 + seed) % 3 == 0 ? 1 : 0);
    return seed % 2 ? -value : value;
}

}  // namespace

TEST_CASE("integers go from CLN to GMP and back unchanged, at the edges of a machine word too") {
    for (const char* digits : {"0", "1", "-1", "9223372036854775807", "-9223372036854775807", "-9223372036854775808",
                               "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                               "-340282366920938463463374607431768211457"}) {
        const mpz_class g = to_gmp(integer(digits));
        CHECK(g.get_str() == digits);
        CHECK(decimal(to_cln(g)) == digits);
    }
    for (int bits : {62, 63, 64, 65, 127, 128, 129, 1000, 5000}) {
        for (int seed : {1, 2}) CHECK(to_cln(to_gmp(big(bits, seed))) == big(bits, seed));
    }
    CHECK(to_cln(mpz_class(LONG_MIN)) == -cln::cl_I(LONG_MAX) - 1);
}

TEST_CASE("a polynomial with a fraction has no integer coefficients") {
    CHECK_FALSE(to_integers(dense{n(1), cln::cl_RA(n(1)) / 3}));
    const auto integers = to_integers(dense{n(3), n(-5), big(300, 1)});
    REQUIRE(integers);
    CHECK(to_rationals(*integers) == dense{n(3), n(-5), big(300, 1)});
}

TEST_CASE("the step's products add in place what CLN's rationals compute") {
    // into += factor*a*b with big a, small b and factor, into already holding terms
    const dense a{big(900, 1), n(0), big(700, 2), n(-7), big(1200, 3)}, b{n(5), n(0), n(-3)}, into{big(800, 2), n(11)};
    const cln::cl_RA factor = n(-6);
    dense expected = into;
    expected.resize(a.size() + b.size() - 1, n(0));
    for (size_t i = 0; i < a.size(); ++i) {
        for (size_t j = 0; j < b.size(); ++j) expected[i + j] = expected[i + j] + factor * a[i] * b[j];
    }
    integer_dense sum = *to_integers(into);
    add_product(sum, *to_integers(a), *to_integers(b), to_gmp(n(-6)));
    CHECK(to_rationals(sum) == expected);
}

TEST_CASE("the step's derivative in x and in u = exp(g*x), into storage that held a longer one") {
    const dense p{big(500, 1), n(4), big(600, 2), n(-9)};
    integer_dense into = *to_integers(dense{big(2000, 1), n(1), n(2), n(3), n(4), n(5), n(6)});
    derivative(into, *to_integers(p), false, to_gmp(n(0)), to_gmp(n(3)));
    CHECK(to_rationals(into) == dense{n(3 * 4), 3 * 2 * big(600, 2), n(3 * 3 * -9)});
    // in u: u^k scaled by g*k, times the factor
    derivative(into, *to_integers(p), true, to_gmp(n(2)), to_gmp(n(5)));
    CHECK(to_rationals(into) == dense{n(0), n(10 * 4), 20 * big(600, 2), n(30 * -9)});
    // a constant's derivative is 0
    derivative(into, integer_dense{7}, false, to_gmp(n(0)), to_gmp(n(1)));
    CHECK(is_zero(into));
}

TEST_CASE("division by a monic polynomial in place: the quotient where it divides, else p unchanged") {
    const dense q{big(400, 1), n(3), n(0), big(300, 2)}, monic{n(1), n(0), n(1)};  // 1 + x^2
    const dense product = q * monic;
    integer_dense p = *to_integers(product);
    REQUIRE(divide_exactly(p, *to_integers(monic)));
    CHECK(to_rationals(p) == q);
    // the product plus 1 is not a multiple of 1 + x^2: p stays as it was
    dense plus_one = product;
    plus_one[0] = plus_one[0] + 1;
    p = *to_integers(plus_one);
    CHECK_FALSE(divide_exactly(p, *to_integers(monic)));
    CHECK(to_rationals(p) == plus_one);
    // and the rationals' division agrees
    CHECK(divided_exactly(product, monic) == std::optional<dense>(q));
    CHECK_FALSE(divided_exactly(plus_one, monic));
}

TEST_CASE("division by a primitive polynomial in place: a leading coefficient that does not divide means no quotient") {
    // 9*x^2 - 12*x + 5 (1 + (3*x - 2)^2) and 4 - x^2: not monic, primitive
    for (const dense& d : {dense{n(5), n(-12), n(9)}, dense{n(4), n(0), n(-1)}}) {
        const dense q{big(300, 1), n(7), big(200, 2), n(-2)};
        const dense product = q * d;
        integer_dense p = *to_integers(product);
        REQUIRE(divide_exactly(p, *to_integers(d)));
        CHECK(to_rationals(p) == q);
        // the product's top coefficient plus 1: 9 no longer divides it (for 9*x^2 - ...), or
        // the remainder is not 0 (for 4 - x^2): p stays as it was either way
        for (size_t at : {product.size() - 1, size_t(0)}) {
            dense changed = product;
            changed[at] = changed[at] + 1;
            p = *to_integers(changed);
            CHECK_FALSE(divide_exactly(p, *to_integers(d)));
            CHECK(to_rationals(p) == changed);
        }
    }
}
