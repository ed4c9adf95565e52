// Numeric evaluation: doubles (IEEE), arbitrary precision, lowering.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <cmath>

using GiNaC::ex;

TEST_CASE("doubles through the lowered program") {
    ddx::symbol_table s;
    ex e = ddx::parse("x^2 + sin(y)", s);
    auto v = ddx::evaluate_double(e, {{"x", 2}, {"y", GiNaC::numeric(0.5)}});
    REQUIRE(v.size() == 1);
    CHECK(v[0] == 4 + std::sin(0.5));
}

TEST_CASE("t'(1) evaluates to the value autograd prints") {
    ddx::symbol_table s;
    ex x = s.get("x");
    ex d = ddx::diff(ddx::parse("(1 - exp(-x))/(1 + exp(-x))", s), x);
    CHECK(ddx::evaluate_double(d, {{"x", 1}})[0] == 0.39322386648296376);
}

TEST_CASE("IEEE results rather than errors") {
    ddx::symbol_table s;
    CHECK(std::isinf(ddx::evaluate_double(ddx::parse("1/x", s), {{"x", 0}})[0]));
    CHECK(std::isnan(ddx::evaluate_double(ddx::parse("sqrt(x)", s), {{"x", -1}})[0]));
}

TEST_CASE("unbound names are all named") {
    ddx::symbol_table s;
    try {
        ddx::evaluate_double(ddx::parse("x + y*z", s), {{"y", 1}});
        FAIL("expected an error");
    } catch (const ddx::error& e) {
        CHECK(std::string(e.what()) == "no values for x, z");
    }
}

TEST_CASE("lists flatten row-major") {
    ddx::symbol_table s;
    auto v = ddx::evaluate_double(ddx::parse("[[x, 2*x], [3*x, 4*x]]", s), {{"x", 1}});
    CHECK(v == std::vector<double>{1, 2, 3, 4});
}

TEST_CASE("lowering shares subexpressions and multiplies small powers") {
    ddx::symbol_table s;
    ex x = s.get("x");
    ddx::tape p = ddx::lower({ddx::parse("sin(x)^2 + sin(x)^3", s), ddx::parse("sin(x)^4", s)}, {x});
    int calls = 0, pows = 0;
    for (const auto& i : p.code) {
        calls += i.op == ddx::instruction::kind::call;
        pows += i.op == ddx::instruction::kind::pow;
    }
    CHECK(calls == 1);
    CHECK(pows == 0);
    std::vector<double> out(2), regs;
    double in = 0.7;
    ddx::execute(p, &in, out.data(), regs);
    CHECK(out[0] == doctest::Approx(std::pow(std::sin(0.7), 2) + std::pow(std::sin(0.7), 3)));
    CHECK(out[1] == doctest::Approx(std::pow(std::sin(0.7), 4)));
}

TEST_CASE("arbitrary precision") {
    ddx::symbol_table s;
    ex v = ddx::evaluate_precise(ddx::parse("exp(x)", s), {{"x", 1}}, 50);
    ddx::print_options o;
    o.float_digits = 50;
    CHECK(ddx::to_string(v, o) == "2.7182818284590452353602874713526624977572470937000");
    CHECK_THROWS_AS(ddx::evaluate_precise(GiNaC::Pi, {}, 0), ddx::error);
}

TEST_CASE("evalf of a double input works at the requested precision") {
    ddx::symbol_table s;
    ex v = ddx::evaluate_precise(ddx::parse("sqrt(x)", s), {{"x", GiNaC::numeric(2.0)}}, 40);
    ddx::print_options o;
    o.float_digits = 40;
    CHECK(ddx::to_string(v, o) == "1.414213562373095048801688724209698078570");
}

TEST_CASE("evalf refuses exponentials of huge arguments instead of computing for hours") {
    ddx::symbol_table s;
    ex big = ddx::parse("exp(10^10)", s);
    CHECK_THROWS_WITH_AS(ddx::evaluate_precise(big, {}, 5), doctest::Contains("beyond the limit of 1e6"), ddx::error);
    CHECK_THROWS_AS(ddx::evaluate_precise(ddx::parse("cosh(x)", s), {{"x", ddx::parse("-2*10^6", s)}}, 5), ddx::error);
    // up to the limit it answers: exp(10^6) = 3.0332e434294
    ex v = ddx::evaluate_precise(ddx::parse("exp(10^6)", s), {}, 5);
    ddx::print_options o;
    o.float_digits = 5;
    CHECK(ddx::to_string(v, o) == "3.0332e434294");
}
