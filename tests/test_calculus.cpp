// Derivatives: rules, n-th order, mixed partials, gradient/Jacobian/Hessian, the cache.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

using GiNaC::ex;

namespace {

struct fixture {
    ddx::symbol_table s;
    ex x = s.get("x"), y = s.get("y");
    ex p(const char* text) { return ddx::parse(text, s); }
    bool same(const ex& a, const char* b) { return GiNaC::normal(a - p(b)).is_zero(); }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "elementary rules") {
    CHECK(same(ddx::diff(p("x^3"), x), "3*x^2"));
    CHECK(same(ddx::diff(p("sin(x)*exp(x)"), x), "cos(x)*exp(x) + sin(x)*exp(x)"));
    CHECK(same(ddx::diff(p("log(x)"), x), "1/x"));
    CHECK(same(ddx::diff(p("x^x"), x), "x^x*(log(x) + 1)"));
    CHECK(same(ddx::diff(p("2^x"), x), "2^x*log(2)"));
    CHECK(same(ddx::diff(p("atan(y/x)"), x), "-y/(x^2 + y^2)"));
    CHECK(same(ddx::diff(p("sqrt(x)"), x), "1/(2*sqrt(x))"));
    CHECK(same(ddx::diff(p("tanh(x)"), x), "1 - tanh(x)^2"));
    CHECK(same(ddx::diff(p("asin(x)"), x), "1/sqrt(1 - x^2)"));
}

TEST_CASE_FIXTURE(fixture, "abs differentiates with abs itself") {
    ex d = ddx::diff(p("abs(sin(x))"), x);
    std::string text = ddx::to_string(d);
    CHECK(text.find("abs") != std::string::npos);
    for (const char* banned : {"sign", "csgn", "conjugate"}) CHECK(text.find(banned) == std::string::npos);
    CHECK(same(d, "cos(x)*sin(x)/abs(sin(x))"));
    CHECK(same(ddx::diff(p("abs(x)^2"), x), "2*x"));
}

TEST_CASE_FIXTURE(fixture, "n-th derivatives stop at zero; order 0 is the identity") {
    CHECK(ddx::diff(p("x^3"), x, 4).is_zero());
    CHECK(ddx::diff(p("x^3"), x, 100).is_zero());
    CHECK(same(ddx::diff(p("x^3"), x, 2), "6*x"));
    CHECK(same(ddx::diff(p("sin(x)"), x, 0), "sin(x)"));
    CHECK_THROWS_AS(ddx::diff(p("x"), x, -1), ddx::error);
}

TEST_CASE_FIXTURE(fixture, "mixed partials") {
    ddx::derivative_spec spec{{x, 2}, {y, 1}};
    CHECK(same(ddx::diff(p("x^3*y^2"), spec), "12*x*y"));
}

TEST_CASE_FIXTURE(fixture, "the seed's loss: gradient and Hessian") {
    ex a = s.get("a"), b = s.get("b");
    ex loss = p("(y - (a*x + b))^2");
    GiNaC::lst g = ddx::gradient(loss, {a, b});
    REQUIRE(g.nops() == 2);
    CHECK(same(g.op(0), "-2*x*(y - a*x - b)"));
    CHECK(same(g.op(1), "-2*(y - a*x - b)"));
    CHECK(ddx::to_string(g.op(0)) == "2*x*(a*x + b - y)");  // as short as -2*x*(y - a*x - b)
    GiNaC::lst h = ddx::hessian(loss, {a, b});
    CHECK(same(h.op(0).op(0), "2*x^2"));
    CHECK(same(h.op(0).op(1), "2*x"));
    CHECK(same(h.op(1).op(0), "2*x"));
    CHECK(same(h.op(1).op(1), "2"));
}

TEST_CASE_FIXTURE(fixture, "Jacobian rows are outputs") {
    GiNaC::lst j = ddx::jacobian(GiNaC::lst{p("x*y"), p("x + y^2")}, {x, y});
    CHECK(same(j.op(0).op(0), "y"));
    CHECK(same(j.op(0).op(1), "x"));
    CHECK(same(j.op(1).op(0), "1"));
    CHECK(same(j.op(1).op(1), "2*y"));
}

TEST_CASE_FIXTURE(fixture, "each distinct subexpression is differentiated once") {
    // e(k+1) = sin(e(k))*cos(e(k)): the tree doubles per level, the DAG grows by 3 nodes.
    ex e = x;
    // (GiNaC::mul, not operator*, which walks the whole tree to check commutativity)
    for (int k = 0; k < 20; ++k) e = GiNaC::mul(GiNaC::sin(e), GiNaC::cos(e));
    ddx::differentiator d(x);
    ex de = d(e);
    CHECK_FALSE(de.is_zero());
    // distinct subexpressions: x, and per level sin(e), cos(e), their product
    CHECK(d.evaluations() == 1 + 3 * 20);
}

TEST_CASE_FIXTURE(fixture, "depth 1000: the derivative and its C stay linear in the depth") {
    ex e = x;
    // held, as ddx's parser holds functions of big arguments: GiNaC's evaluation of sin(u)
    // reads u as a tree
    for (int k = 0; k < 1000; ++k) e = GiNaC::mul(GiNaC::sin(e).hold(), GiNaC::cos(e).hold());
    ddx::differentiator d(x);
    ex de = d(e);
    CHECK(d.evaluations() == 1 + 3 * 1000);
    // ddx::diff (simplified) keeps the DAG as it is rather than reading it as a tree
    ex simplified = ddx::diff(e, x);
    std::string c = ddx::emit_c({simplified}, {x}, "f");
    size_t lines = std::count(c.begin(), c.end(), '\n');
    MESSAGE("C lines for depth 1000: " << lines);
    CHECK(lines < 10 * 1000);
}
