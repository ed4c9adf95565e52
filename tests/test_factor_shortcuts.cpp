// factor's shortcuts before GiNaC::factor: binomials (x^n - 1, x^n + 1, a*x^n + b, x^n - y^n,
// ...), the cyclotomic factors of polynomials in one symbol and homogeneous polynomials in
// two, checked against their product and against GiNaC's own factor where that is fast.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include "algebra/factor_shortcuts.hpp"

#include <string>

using GiNaC::ex;

namespace {

// The factors of a product (a single factor for anything else), numbers left out.
std::vector<ex> non_constant_factors(const ex& f) {
    std::vector<ex> out;
    auto add = [&](const ex& x) {
        if (!GiNaC::is_a<GiNaC::numeric>(x)) out.push_back(x);
    };
    if (GiNaC::is_a<GiNaC::mul>(f)) {
        for (const ex& x : f) add(x);
    } else {
        add(f);
    }
    return out;
}

// ddx::factor of the expanded product of pieces i, 3i + 1 and 5i + `third` (mod their count):
// the product is the input, with as many factors as GiNaC's own factorization finds.
void check_product_of_pieces(const std::vector<const char*>& pieces, int i, int third, ddx::symbol_table& s) {
    const size_t n = pieces.size();
    const std::string text = "(" + std::string(pieces[i % n]) + ")*(" + pieces[(i * 3 + 1) % n] + ")*(" + pieces[(i * 5 + third) % n] + ")";
    CAPTURE(text);
    const ex p = ddx::parse(text, s).expand();
    const ex factored = ddx::factor(p);
    CHECK((factored.expand() - p).is_zero());
    CHECK(non_constant_factors(factored).size() == non_constant_factors(GiNaC::factor(p)).size());
}

// ddx::factor of `text` multiplied out: the product is the input, with `factors` factors.
void check_factored(const char* text, size_t factors, ddx::symbol_table& s) {
    CAPTURE(std::string(text));
    const ex p = ddx::parse(text, s).expand();
    const ex f = ddx::factor(p);
    CHECK((f.expand() - p).is_zero());
    CHECK(non_constant_factors(f).size() == factors);
}

int divisor_count(int n) {
    int count = 0;
    for (int d = 1; d <= n; ++d) count += n % d == 0;
    return count;
}

}  // namespace

TEST_CASE("binomials factor into cyclotomic polynomials: the product is the input, as many factors as GiNaC finds") {
    ddx::symbol_table s;
    int compared = 0;
    for (int n = 1; n <= 40; ++n) {
        for (const char* shape : {"x^N - 1", "x^N + 1", "3*x^N - 3", "x^N - y^N", "8*x^N + 27*y^N", "x^(N+2)*y - x^2*y"}) {
            std::string text = shape;
            for (size_t at; (at = text.find('N')) != std::string::npos;) text.replace(at, 1, std::to_string(n));
            CAPTURE(text);
            const ex p = ddx::parse(text, s).expand();
            const std::optional<ex> f = ddx::binomial_factors(p, [](const ex& q) { return GiNaC::factor(q); });
            REQUIRE(f);
            CHECK((f->expand() - p).is_zero());
            const std::vector<ex> factors = non_constant_factors(*f);
            if (text == "x^" + std::to_string(n) + " - 1") CHECK(factors.size() == static_cast<size_t>(divisor_count(n)));
            // GiNaC's own factorization finds the same factors where it is quick (it is
            // exponential in the modular factors of the larger ones)
            if (n <= 24 && text.find('y') == std::string::npos) {
                CHECK(factors.size() == non_constant_factors(GiNaC::factor(p)).size());
                ++compared;
            }
        }
    }
    CHECK(compared == 3 * 24);
}

TEST_CASE("binomials with coefficients that are powers split further, others are left to the general factorization") {
    ddx::symbol_table s;
    auto factored = [&](const char* text) { return ddx::to_string(ddx::factor(ddx::parse(text, s))); };
    CHECK(factored("4*x^2 - 9") == "(2*x + 3)*(2*x - 3)");
    CHECK(factored("8*x^3 + 27*y^3") == "(2*x + 3*y)*(4*x^2 - 6*x*y + 9*y^2)");
    CHECK(factored("x^6/4 - 1/9") == "(3*x^3 + 2)*(3*x^3 - 2)/36");
    CHECK(factored("x^5*y^2 - x^2*y^5") == "x^2*y^2*(x - y)*(x^2 + x*y + y^2)");
    // x^8 + 4*y^4 = (x^2)^4 + (2*y^2)^2...: a square, not a fourth power: Phi_4(x^4, 2*y^2),
    // which the general factorization splits (Sophie Germain's identity)
    CHECK(factored("x^8 + 4*y^4") == "(x^4 + 2*x^2*y + 2*y^2)*(x^4 - 2*x^2*y + 2*y^2)");
    CHECK(factored("x^100 + 1") == "(x^4 + 1)*(x^16 - x^12 + x^8 - x^4 + 1)*(x^80 - x^60 + x^40 - x^20 + 1)");
    CHECK(factored("x^2 + y^2") == "x^2 + y^2");
    CHECK(factored("2*x^100 - 3") == "2*x^100 - 3");
    // not binomials: GiNaC's factorization as before
    CHECK_FALSE(ddx::binomial_factors(ddx::parse("x^2 + 2*x + 1", s), [](const ex& q) { return q; }));
    CHECK_FALSE(ddx::binomial_factors(ddx::parse("sin(x)^2 - 1", s), [](const ex& q) { return q; }));
}

TEST_CASE("the binomials GiNaC's factorization took minutes on finish, and their product is the input") {
    // factor(x^100 - 1) took 112 s, x^60 - y^60 and x^120 - 1 over 20 s each
    ddx::symbol_table s;
    for (const char* text : {"x^100 - 1", "x^60 - y^60", "x^120 - 1", "x^195 + 1", "x^100 - 1024", "x^1000 - 1"}) {
        CAPTURE(std::string(text));
        const ex p = ddx::parse(text, s);
        const ex f = ddx::factor(p);
        CHECK((f.expand() - p).is_zero());
        CHECK(GiNaC::is_a<GiNaC::mul>(f));
    }
    // x^1000 - 1: one factor per divisor of 1000
    CHECK(non_constant_factors(ddx::factor(ddx::parse("x^1000 - 1", s))).size() == 16);
}

TEST_CASE("a binomial whose factors would pass the expansion limit is refused") {
    ddx::symbol_table s;
    CHECK_THROWS_WITH_AS(ddx::factor(ddx::parse("x^2000000 - 1", s)), doctest::Contains("limits::expanded_terms"), ddx::error);
}

TEST_CASE("cyclotomic factors of polynomials in one symbol: the product is the input, the factors GiNaC finds") {
    ddx::symbol_table s;
    const char* cyclotomics[] = {"x - 1", "x + 1", "x^2 + x + 1", "x^2 + 1", "x^4 + x^3 + x^2 + x + 1", "x^2 - x + 1",
                                 "x^4 + 1", "x^6 + x^3 + 1", "x^4 - x^2 + 1", "x^12 - 1", "x^30 + 1"};
    const char* others[] = {"x + 2", "2*x^2 + 3", "x^3 + x + 1", "3*x - 5", "x^2 - 2"};
    int found = 0;
    for (int i = 0; i < 60; ++i) {
        // a deterministic mix: one to three cyclotomic parts, zero to two others, a number
        std::string text = "(" + std::string(cyclotomics[i % 11]) + ")";
        if (i % 3 != 0) text += "*(" + std::string(cyclotomics[(i * 7 + 3) % 11]) + ")";
        if (i % 4 == 1) text += "*(" + std::string(cyclotomics[(i * 5 + 1) % 11]) + ")^2";
        if (i % 2 == 0) text += "*(" + std::string(others[i % 5]) + ")";
        if (i % 5 == 2) text += "*(" + std::string(others[(i + 2) % 5]) + ")*(-6)";
        CAPTURE(text);
        const ex p = ddx::parse(text, s).expand();
        const std::optional<ex> f = ddx::cyclotomic_part(p, [](const ex& q) { return GiNaC::factor(q); });
        if (!f) {  // only where the binomial route takes it: then p has two terms
            CHECK(p.nops() == 2);
            continue;
        }
        ++found;
        CHECK((f->expand() - p).is_zero());
        CHECK(non_constant_factors(*f).size() == non_constant_factors(GiNaC::factor(p)).size());
    }
    CHECK(found >= 50);
    // no cyclotomic factor, more than one symbol, or not a polynomial: nothing
    auto keep = [](const ex& q) { return q; };
    CHECK_FALSE(ddx::cyclotomic_part(ddx::parse("x^3 + x + 1", s), keep));
    CHECK_FALSE(ddx::cyclotomic_part(ddx::parse("x^2*y + x + 1", s), keep));
    CHECK_FALSE(ddx::cyclotomic_part(ddx::parse("x^2 + sqrt(x) + 1", s), keep));
}

TEST_CASE("a polynomial with many cyclotomic factors is factored at once, not by GiNaC's search") {
    // (x^120 - 1)*(x + 2) multiplied out: over 20 s in GiNaC's recombination of modular factors
    ddx::symbol_table s;
    check_factored("(x^120 - 1)*(x + 2)", static_cast<size_t>(divisor_count(120) + 1), s);
}

TEST_CASE("the cyclotomic part is looked for up to degree 5,000, and only with integer coefficients") {
    // its tests cost the square of the degree (0.3 s at 5,000): above, GiNaC alone
    ddx::symbol_table s;
    auto keep = [](const ex& q) { return q; };
    // x^n + x + 1 has the factor x^2 + x + 1 where n = 2 (mod 3)
    const std::optional<ex> found = ddx::cyclotomic_part(ddx::parse("x^500 + x + 1", s), keep);
    REQUIRE(found);
    CHECK((found->expand() - ddx::parse("x^500 + x + 1", s)).is_zero());
    CHECK_FALSE(ddx::cyclotomic_part(ddx::parse("x^5003 + x + 1", s), keep));
    // float or fractional coefficients: nothing, for binomials too
    CHECK_FALSE(ddx::cyclotomic_part(ddx::parse("x^3 + 2.5*x - 3.5", s), keep));
    CHECK_FALSE(ddx::binomial_factors(ddx::parse("x^4 - 0.5", s), keep));
    CHECK_FALSE(ddx::cyclotomic_part(ddx::parse("x^3 + x/2 - 3/2", s), keep));
}

TEST_CASE("homogeneous polynomials in two symbols factor as in one: the product is the input, the factors GiNaC finds") {
    ddx::symbol_table s;
    const char* pieces[] = {"x - y", "x + 2*y", "x^2 + x*y + y^2", "3*x^2 - 5*y^2", "x^3 + x*y^2 + y^3",
                            "2*x - 3*y", "x^2 + y^2", "y", "x"};
    auto by_ginac = [](const ex& q) { return GiNaC::factor(q); };
    int found = 0;
    for (int i = 0; i < 60; ++i) {
        std::string text = "(" + std::string(pieces[i % 9]) + ")*(" + pieces[(i * 4 + 1) % 9] + ")";
        if (i % 3 == 1) text += "*(" + std::string(pieces[(i * 7 + 2) % 9]) + ")^2";
        if (i % 4 == 2) text += "*(-6)";
        CAPTURE(text);
        const ex p = ddx::parse(text, s).expand();
        const std::optional<ex> f = ddx::homogeneous_factors(p, by_ginac);
        if (!f) {  // a monomial or a binomial: not a sum of three terms or more in two symbols
            CHECK(p.nops() <= 2);
            continue;
        }
        ++found;
        CHECK((f->expand() - p).is_zero());
        CHECK(non_constant_factors(*f).size() == non_constant_factors(GiNaC::factor(p)).size());
    }
    CHECK(found >= 40);
    // x is the name that comes first: the highest power of a has a positive coefficient
    CHECK(ddx::to_string(ddx::factor(ddx::parse("b^2 - 4*a*b + 4*a^2", s))) == "(2*a - b)^2");
    auto keep = [](const ex& q) { return q; };
    CHECK_FALSE(ddx::homogeneous_factors(ddx::parse("x^2 + x*y + 1", s), keep));          // not homogeneous
    CHECK_FALSE(ddx::homogeneous_factors(ddx::parse("x^2 + y*z + z^2", s), keep));        // three symbols
    CHECK_FALSE(ddx::homogeneous_factors(ddx::parse("x^2 + x*y/2 + y^2", s), keep));      // not integers
    CHECK_FALSE(ddx::homogeneous_factors(ddx::parse("x^2 + x + 1", s), keep));            // one symbol
}

TEST_CASE("a homogeneous polynomial GiNaC's factorization in two symbols took over 30 s on is factored at once") {
    // as one in one symbol, x^34 + 3^7*x^27 - 3^27*x^7 - 3^34 factors in 10 ms
    ddx::symbol_table s;
    // x^27 - (3y)^27 over the divisors 1, 3, 9, 27; x^7 + (3y)^7 over 2 and 14
    check_factored("(x^27 - 3^27*y^27)*(x^7 + 3^7*y^7)", 6, s);
}

TEST_CASE("scaled cyclotomic factors Phi_d(s*x, r) are divided out at the scales of the Newton polygon") {
    ddx::symbol_table s;
    auto by_ginac = [](const ex& q) { return GiNaC::factor(q); };
    // (x^120 - 2^120)*(x^10 + 3^10) multiplied out: GiNaC's search took 47 s; one factor per
    // divisor of 120 and the two of x^10 + 3^10 (d = 4, 20)
    const ex big = ddx::parse("(x^120 - 2^120)*(x^10 + 3^10)", s).expand();
    const std::optional<ex> f = ddx::cyclotomic_part(big, by_ginac);
    REQUIRE(f);
    CHECK((f->expand() - big).is_zero());
    CHECK(non_constant_factors(*f).size() == static_cast<size_t>(divisor_count(120) + 2));
    CHECK(ddx::to_string(ddx::factor(ddx::parse("(4*x^2 - 9)*(x^3 + 8)", s).expand())) == "(2*x + 3)*(2*x - 3)*(x + 2)*(x^2 - 2*x + 4)");
    // coefficients past the range of doubles: the candidates are still ruled out in doubles
    // (each an exact division of bignums, 2.6 s, before); eight scales, nothing divides
    const ex eight = ddx::parse("(x^125 - 2^125)*(x^125 - 3^125)*(x^125 - 4^125)*(x^125 - 5^125)*(x^125 - 6^125)*"
                                "(x^125 - 7^125)*(x^125 - 8^125)*(x^125 - 9^125) + 1", s).expand();
    CHECK_FALSE(ddx::cyclotomic_part(eight, by_ginac));
    const ex found = (eight - 1).expand();
    const std::optional<ex> all = ddx::cyclotomic_part(found, [](const ex& q) { return q; });
    REQUIRE(all);
    CHECK((all->expand() - found).is_zero());
    CHECK(non_constant_factors(*all).size() == 8 * 4);  // Phi_d(x, k) for d = 1, 5, 25, 125
    // products of scaled binomials and other small polynomials: the factors GiNaC finds
    const std::vector<const char*> pieces{"8*x^3 - 27", "x^4 + 16", "9*x^2 - 4", "x^6 - 64", "x^2 + x + 5", "2*x + 7", "27*x^3 + 1"};
    for (int i = 0; i < 21; ++i) check_product_of_pieces(pieces, i, 2, s);
}

TEST_CASE("a polynomial in several symbols splits off its content in one symbol before factoring") {
    ddx::symbol_table s;
    // GiNaC's factorization: 19-86 s (x^53 + 1 among the content's modular factors); split,
    // a binomial and a homogeneous polynomial. Factors: 2 of x^53 + 1, 3 of
    // (3x)^25 + y^25 (d = 2, 10, 50), 2 of (3x)^10 + (2y)^10 (d = 4, 20)
    check_factored("(x^53 + 1)*(3^25*x^25 + y^25)*(3^10*x^10 + 2^10*y^10)", 7, s);
    // the split itself: unit times content times primitive part, each factored as asked
    auto keep = [](const ex& q) { return q; };
    const ex q = ddx::parse("(x + 1)*(y^2 + 1)*(x*y + 3)", s).expand();
    const std::optional<ex> split = ddx::content_split(q, keep);
    REQUIRE(split);
    CHECK((split->expand() - q).is_zero());
    CHECK_FALSE(ddx::content_split(ddx::parse("x^3 + x + 1", s), keep));              // one symbol
    CHECK_FALSE(ddx::content_split(ddx::parse("x^2 + y^2 + x*y + 1", s), keep));      // no content
    CHECK_FALSE(ddx::content_split(ddx::parse("x*sin(y) + sin(y)", s), keep));        // not a polynomial
    // products of polynomials in two and three symbols: the factors GiNaC finds
    const std::vector<const char*> pieces{"x + 1", "y^2 + 1", "x*y + 3", "z - 2*x", "x^2*y + z", "y - 1", "x^3 - 2"};
    for (int i = 0; i < 21; ++i) check_product_of_pieces(pieces, i, 4, s);
}

TEST_CASE("GiNaC factors with the symbol of lowest degree as its main variable, whichever was made first") {
    // (x^40 + y)*(x^30 - y^2 + 1) multiplied out: 36.5 s with x as GiNaC's main variable
    // (its images in x alone have degree 70 and many modular factors), 0.09 s with y
    for (const char* first : {"x", "y"}) {
        ddx::symbol_table s;
        s.get(first);  // made first: GiNaC's order of symbols follows their creation
        const ex p = ddx::parse("(x^40 + y)*(x^30 - y^2 + 1)", s).expand();
        const ex f = ddx::factor_lowest_degree_first(p);
        CHECK((f.expand() - p).is_zero());
        CHECK(non_constant_factors(f).size() == 2);
        CHECK(ddx::to_string(ddx::factor(p)) == "(x^30 - y^2 + 1)*(x^40 + y)");
    }
    // one symbol, or not a polynomial: GiNaC's factor as it is
    ddx::symbol_table s;
    CHECK(ddx::to_string(ddx::factor_lowest_degree_first(ddx::parse("x^2 - 1", s))) == "(x + 1)*(x - 1)");
}
