// Undefined functions (as SymPy's Function('f')): f(x) for a name that is no function,
// its derivatives printed as ddx input (f'(u), diff(f(x, y), x, 2, y)), no invented rules,
// and no numeric value.
#include <doctest/doctest.h>

#include "lib/session_run.hpp"

#include <ddx/ddx.hpp>

#include <sstream>
#include <vector>

namespace {

using ddx_test::error_of;
using ddx_test::run;

}  // namespace

TEST_CASE("undefined functions: calls and derivatives") {
    CHECK(run("f(x)") == "f(x)\n");
    CHECK(run("diff(f(x), x)") == "f'(x)\n");
    CHECK(run("diff(f(g(x)), x)") == "f'(g(x))*g'(x)\n");
    CHECK(run("diff(f(x)*g(x), x)") == "f'(x)*g(x) + f(x)*g'(x)\n");
    CHECK(run("diff(f(x^2), x, 2)") == "4*x^2*f''(x^2) + 2*f'(x^2)\n");
    CHECK(run("diff(f'(x), x)") == "f''(x)\n");
    CHECK(run("f''(x^2)") == "f''(x^2)\n");
    CHECK(run("diff(f(x, y), x, y)") == "diff(f(x, y), x, y)\n");
    CHECK(run("diff(f(x, y), y, x)") == "diff(f(x, y), x, y)\n");
    CHECK(run("diff(f(x, y), x, 2, y)") == "diff(f(x, y), x, 2, y)\n");
    CHECK(run("diff(f(x, y), x, y) - diff(f(x, y), y, x)") == "0\n");
    CHECK(run("diff(f(x^2, y), x)") == "2*x*subs(diff(f(t1, t2), t1), t1 = x^2, t2 = y)\n");
    // the same name with another arity is another function
    CHECK(run("f(x) + f(x, y) - f(x)") == "f(x, y)\n");
}

TEST_CASE("undefined functions: grad, jacobian, hessian, series, latex") {
    CHECK(run("grad(f(x, y), [x, y])") == "[diff(f(x, y), x), diff(f(x, y), y)]\n");
    CHECK(run("jacobian([f(x, y), g(x)], [x, y])") == "[[diff(f(x, y), x), diff(f(x, y), y)], [g'(x), 0]]\n");
    CHECK(run("hessian(f(x, y), [x, y])") ==
          "[[diff(f(x, y), x, 2), diff(f(x, y), x, y)], [diff(f(x, y), x, y), diff(f(x, y), y, 2)]]\n");
    CHECK(run("series(f(x), x, 0, 2)") == "f(0) + x*f'(0) + x^2*f''(0)/2\n");
    CHECK(run("latex(diff(f(x), x))") == "f'(x)\n");
    CHECK(run("latex(diff(f(x, y), x, 2, y))") == "\\frac{\\partial^{3} f}{\\partial x^{2} \\partial y}\\left(x, y\\right)\n");
}

TEST_CASE("undefined functions: printed results parse back to equal expressions") {
    const std::vector<std::string> inputs{
        "f(x)", "diff(f(x), x)", "diff(f(g(x)), x)", "diff(f(x)*g(x), x)", "diff(f(x^2), x, 2)",
        "diff(f(x, y), x, y)", "diff(f(x, y), x, 2, y)", "diff(f(x^2, y), x)", "diff(f(x, x), x)",
        "diff(f(x*y, sin(x)), x, y)", "series(f(x), x, 0, 3)", "hessian(f(x, y), [x, y])",
        "diff(f(x, g(y)), y, 2)", "diff(h(x, y, z), z, x, 3)",
    };
    for (const std::string& input : inputs) {
        CAPTURE(input);
        ddx::session s;
        run(s, "r1 = " + input);
        std::string printed = s.format(s.bindings().at("r1"));
        CAPTURE(printed);
        run(s, "r2 = " + printed);
        CHECK(run(s, "expand(r1 - r2)") == (input.rfind("hessian", 0) == 0 ? "[[0, 0], [0, 0]]\n" : "0\n"));
        // (r1 + 0: a series prints in ascending powers, the same sum read back in ddx's order)
        CHECK(run(s, "r2") == run(s, "r1 + 0"));
    }
}

TEST_CASE("undefined functions: no invented rules") {
    CHECK(run("simplify(f(-x) + f(x))") == "f(-x) + f(x)\n");
    CHECK(run("simplify(f(x)^2 + g(x)^2)") == "f(x)^2 + g(x)^2\n");
}

TEST_CASE("undefined functions: a later definition applies to new uses only") {
    ddx::session s;
    run(s, "y = f(x) + 1");
    run(s, "f(x) = x^2");
    CHECK(run(s, "y") == "f(x) + 1\n");
    CHECK(run(s, "f(x) + 1") == "x^2 + 1\n");
}

TEST_CASE("undefined functions have no value") {
    CHECK(error_of("eval(f(x), x = 1)").rfind("error: 1:1: f is an undefined function: it has no value", 0) == 0);
    CHECK(error_of("y = 2\neval(x + diff(g(x), x), x = 1)").rfind("error: 2:1: g is an undefined function", 0) == 0);
    CHECK(error_of("evalf(sinn(2))").rfind("error: 1:1: sinn is an undefined function", 0) == 0);
    CHECK(error_of("ccode(f(x), [x], \"c\")").rfind("error: 1:1: f is an undefined function", 0) == 0);
    CHECK(error_of("plot(f(x), x = 0..1)").rfind("error: 1:1: f is an undefined function", 0) == 0);
    CHECK(error_of("minimize((a - f(1))^2, [a], [0])").rfind("error: 1:1: f is an undefined function", 0) == 0);
    CHECK(error_of("a = 3\na(x)").rfind("error: 2:1: 'a' is a value, not a function", 0) == 0);
}

TEST_CASE("undefined functions: the notice, once per name") {
    ddx::session s;
    std::vector<std::string> notices;
    s.set_notice_sink([&](const std::string& line) { notices.push_back(line); });
    CHECK(run(s, "sinn(x) + sinn(y)\nsinn(2)") == "sinn(x) + sinn(y)\nsinn(2)\n");
    REQUIRE(notices.size() == 1);
    CHECK(notices[0] == "sinn is not a built-in; treated as an undefined function");
}

TEST_CASE("undefined functions through ddx::parse") {
    ddx::symbol_table symbols;
    GiNaC::ex e = ddx::parse("f(x) + f'(x)", symbols);
    CHECK(ddx::to_string(e) == "f'(x) + f(x)");
}
