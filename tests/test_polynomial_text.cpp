// The polynomial fast path of ddx::parse: the same expression as the general parser, or
// nothing (and no symbol made) for anything else.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include "lang/build.hpp"
#include "lang/polynomial_text.hpp"

#include <optional>
#include <random>
#include <sstream>
#include <string>

using GiNaC::ex;

namespace {

// The general parser alone: syntax tree, then GiNaC.
ex general(const std::string& text, ddx::symbol_table& s) {
    return ddx::build_expression(ddx::parse_program(text).at(0).body, s);
}

void check_same_as_general(const std::string& text) {
    ddx::symbol_table s;
    std::optional<ex> fast = ddx::parse_polynomial_text(text, s);
    REQUIRE_MESSAGE(fast, std::string(text));
    const ex expected = general(text, s);
    CHECK_MESSAGE(fast->is_equal(expected), std::string(text) << ": " << *fast << " vs " << expected);
}

}  // namespace

TEST_CASE("sums of monomials read as the general parser reads them") {
    for (const char* text : {"1", "-5", "0", "x", "-x", "x - x", "0*x + y", "x*x", "x^2*x^3", "2*3*x", "x/2 - x/2",
                             "3*x^2*y - 7/2*z + 1", "  x ^ 2  *  y\t-\t4 ", "x^0 + 1", "2*x/3/5*y", "a_1*b2^10 + B",
                             "12345678901234567890123456789*x^7 - 98765432109876543210987654321",
                             "x + y + x + 2*y - 3*x", "007*x^010", "(3*x^2 - y)/4", "-(x + 1)/6", "(x)", " - ( 2*x*y ) ", "(x + 1)", "-8*(x - y)/3"}) {
        check_same_as_general(text);
    }
    // numbers of any length: put together from machine words, or (past 1000 digits) by CLN's reader
    check_same_as_general(std::string(999, '7') + "*x - " + std::string(1200, '9'));
}

TEST_CASE("anything else is left to the general parser, before any symbol is made") {
    for (const char* text : {"", "-", "+x", "x + y + (", "x^-2", "x^(2)", "x^2^3", "2x", "1.5*x", "x + 1e3",
                             "x**2", "pi*x", "E + x", "sin(x)", "f'(x)", "f (x)", "x y", "x/y", "x/0", "x - -y",
                             "x*-2", "x # comment", "x\n+ 1", "x +", "x^", "x^1234567890", "[x]", "x = 1", "x'",
                             "x^2.5", "x^2e", "2*3*(x)", "2 * x * (y)", "(x + 1", "(x) + 1", "(x)/y", "(x)/0", "-(x)*2", "((x))", "(x)/2/3", "x)"}) {
        ddx::symbol_table s;
        CHECK_MESSAGE(!ddx::parse_polynomial_text(text, s), std::string(text));
        CHECK_MESSAGE(!s.contains("x"), std::string(text));
    }
    // and the general parser still reads or rejects them as before
    ddx::symbol_table s;
    CHECK(ddx::parse("x^-2 + pi*x", s).is_equal(GiNaC::pow(s.get("x"), -2) + GiNaC::Pi * s.get("x")));
    CHECK_THROWS_AS(ddx::parse("x + y + (", s), ddx::error);
    CHECK_THROWS_AS(ddx::parse("2x", s), ddx::error);
}

TEST_CASE("expanded random polynomials, printed by ddx and by GiNaC, read back equal") {
    std::mt19937 random(20261126);
    ddx::symbol_table s;
    const ex x = s.get("x"), y = s.get("y"), z = s.get("z");
    for (int k = 0; k < 40; ++k) {
        ex p = 0;
        for (int t = 0; t < 6; ++t) {
            const long c = static_cast<long>(random() % 2001) - 1000;
            p += GiNaC::numeric(c, static_cast<long>(1 + random() % 7)) * GiNaC::pow(x, random() % 5) *
                 GiNaC::pow(y, random() % 4) * GiNaC::pow(z, random() % 3);
        }
        p = GiNaC::expand(GiNaC::pow(p, 1 + random() % 3));
        std::ostringstream ginac_text;
        ginac_text << p;
        for (const std::string& text : {ddx::to_string(p), ginac_text.str()}) {
            std::optional<ex> fast = ddx::parse_polynomial_text(text, s);
            REQUIRE_MESSAGE(fast, std::string(text));
            CHECK_MESSAGE(fast->is_equal(p), text);
            CHECK(fast->is_equal(general(text, s)));
        }
    }
}

TEST_CASE("a stop is seen while a long polynomial is read") {
    std::string text = "1";
    for (int k = 1; k < 20000; ++k) text += " + " + std::to_string(k) + "*x^" + std::to_string(k);
    ddx::symbol_table s;
    {
        ddx::stoppable_region region;
        ddx::request_stop(ddx::stop_reason::interrupt);
        CHECK_THROWS_WITH_AS(ddx::parse_polynomial_text(text, s), "interrupted", ddx::error);
    }
    CHECK(ddx::pending_stop() == ddx::stop_reason::none);
    REQUIRE(ddx::parse_polynomial_text(text, s));  // and read in full without one
    CHECK(ddx::parse_polynomial_text(text, s)->nops() == 20000);
}
