// The interpreter: bindings, user functions, built-ins, errors that keep the state.
#include <doctest/doctest.h>

#include "lib/session_run.hpp"

#include <ddx/ddx.hpp>

#include <sstream>

namespace {

using ddx_test::error_of;
using ddx_test::run;

}  // namespace

TEST_CASE("the questions ddx exists for") {
    CHECK(run("grad((y - (a*x + b))^2, [a, b])") == "[2*x*(a*x + b - y), 2*(a*x + b - y)]\n");
    CHECK(run("f(x, y) = x*x + x*y\nsubs(grad(f(x, y), [x, y]), x = 2, y = 3)") == "[7, 2]\n");
    CHECK(run("f(x, y) = x*x + x*y\neval(grad(f(x, y), [x, y]), x = 2, y = 3)") == "[7.0, 2.0]\n");
    CHECK(run("t(x) = (1 - exp(-x))/(1 + exp(-x)); eval(t'(1))") == "0.39322386648296376\n");
    CHECK(run("t(x) = (1 - exp(-x))/(1 + exp(-x)); t'(x)") == "1/(2*cosh(x/2)^2)\n");  // sech^2(x/2)/2
}

TEST_CASE("assignments and definitions print nothing; expressions one line each") {
    CHECK(run("a = 2; f(x) = x^a; f(3); f'(x); f''(x)") == "9\n2*x\n2\n");
    CHECK(run("v = [x, y]; grad(x*y, v)") == "[y, x]\n");
    CHECK(run("# only a comment\n\n;;") == "");
}

TEST_CASE("parameters shadow bound names; bodies use the bindings of definition time") {
    CHECK(run("x = 5; f(x) = x^2; f(3)") == "9\n");
    CHECK(run("a = 2; f(x) = a*x; a = 10; f(1)") == "2\n");
}

TEST_CASE("diff forms") {
    CHECK(run("diff(x^3*y^2, x, 2, y)") == "12*x*y\n");
    CHECK(run("diff(x^3, x, 2)") == "6*x\n");
    CHECK(run("diff(x^3, x, 0)") == "x^3\n");
    CHECK(run("diff(sin(x), x, 4)") == "sin(x)\n");
    CHECK(run("diff(x^2, x, 1000)") == "0\n");
}

TEST_CASE("eval and evalf") {
    CHECK(run("eval(x^2, x = 3)") == "9.0\n");
    CHECK(run("eval(2, x = 3)") == "2.0\n");
    CHECK(run("eval([x, 2*x], x = 1.5)") == "[1.5, 3.0]\n");
    CHECK(run("eval(1/x, x = 0)") == "inf\n");
    CHECK(run("evalf(pi, digits = 30)") == "3.14159265358979323846264338328\n");
    CHECK(run("evalf(sqrt(x), x = 2, digits = 20)") == "1.4142135623730950488\n");
}

TEST_CASE("algebra built-ins") {
    CHECK(run("expand((x + 1)^2)") == "x^2 + 2*x + 1\n");
    CHECK(run("normal(1/x + 1/y)") == "(x + y)/(x*y)\n");
    CHECK(run("subs(x^2 + y, x = 3)") == "y + 9\n");
    CHECK(run("series(exp(x), x, 0, 3)") == "1 + x + x^2/2 + x^3/6\n");  // a series reads in ascending powers
    CHECK(run("series(sin(x)/x, x, 0, 6)") == "1 - x^2/6 + x^4/120 - x^6/5040\n");
    CHECK(run("series(sin(x), x, pi, 3)") == "-(x - pi) + (x - pi)^3/6\n");
    CHECK(run("series(cos(x), x, 1, 2)") == "cos(1) - sin(1)*(x - 1) - cos(1)*(x - 1)^2/2\n");
    CHECK(run("series(sin(x) - x, x, 0, 2)") == "0\n");
    CHECK(run("s = series(exp(x), x, 0, 2); s + 1") == "x^2/2 + x + 2\n");  // as an expression: a sum
    CHECK(run("series([[sin(x), 1], [exp(x), x]], x, 0, 2)") == "[[x, 1], [x^2/2 + x + 1, x]]\n");  // entry by entry
    CHECK(error_of("series(sqrt(x), x, 0, 2)").find("no Taylor series of sqrt(x) at x = 0") != std::string::npos);
    CHECK(run("latex(x^2/2)") == "\\frac{x^{2}}{2}\n");
    CHECK(run("simplify(exp(x)*exp(-x))") == "1\n");
}

TEST_CASE("symbols are real") {
    CHECK(run("abs(x)^2") == "x^2\n");
    CHECK(run("conjugate(x)") == "x\n");
    CHECK(run("conjugate(x*sin(y))") == "x*sin(y)\n");
}

TEST_CASE("errors carry positions and keep the session's state") {
    ddx::session s;
    run(s, "a = 2");
    CHECK(error_of(s, "a + (1") .rfind("error: 1:7: ", 0) == 0);
    CHECK(error_of(s, "1/0").rfind("error: 1:2: division by zero", 0) == 0);
    CHECK(error_of(s, "sin(x, y)").rfind("error: 1:1: sin takes 1 argument, got 2", 0) == 0);
    CHECK(error_of(s, "eval(foo(x), x = 1)").rfind("error: 1:1: foo is an undefined function: it has no value", 0) == 0);
    CHECK(error_of(s, "f(x) = f(x) + 1").find("recursive definition") != std::string::npos);
    CHECK(error_of(s, "eval(x + y*z)").find("no values for x, y, z") != std::string::npos);
    CHECK(error_of(s, "a = 3; b = 1/0") .rfind("error: 1:13:", 0) == 0);
    CHECK(run(s, "a") == "3\n");  // statements before the error took effect
    CHECK(error_of(s, "plot(x, x = 1..0)").find("the range is empty") != std::string::npos);
    CHECK(error_of(s, "diff(x, 2)").find("argument 2") != std::string::npos);
    CHECK(error_of(s, "pi = 3").find("built in") != std::string::npos);
    CHECK(run(s, "a + 1") == "4\n");
}

TEST_CASE("an error's message shows the line and a caret") {
    CHECK(error_of("x = 1\ny = 2 +* 3") == "error: 2:8: unexpected '*' (expected a number, a name or '(')\n  y = 2 +* 3\n         ^");
}

TEST_CASE("a huge expansion is an error naming the limit") {
    CHECK(error_of("expand((x + y)^100000000)").find("more than the limit of 1000000") != std::string::npos);
    CHECK(run("diff((x + y)^100000000, x)") == "100000000*(x + y)^99999999\n");
}

TEST_CASE("exact powers beyond a million digits and subnormal doubles are errors with a position") {
    // CLN would compute 3^(10^9) for hours, deaf to Ctrl-C and the time limit
    CHECK(error_of("x = 3^(10^9)").find("error: 1:6: the exact power would have about 3e+08 digits, more than the limit of 1000000") == 0);
    CHECK(error_of("y = 2 + 9^9^9").find("error: 1:10: the exact power") == 0);
    CHECK(run("x = 2^(2^20); 1") == "1\n");  // 315,653 digits: allowed
    CHECK(run("(-1)^(10^20)") == "1\n");
    CHECK(error_of("1e-320").find("error: 1:1: number '1e-320' is too small for a double") == 0);
}

TEST_CASE("argument counts: the message says which bound was crossed") {
    CHECK(error_of("diff()").find("error: 1:1: diff takes at least 1 argument, got 0") == 0);
    std::string many = "diff(x^3";
    for (int i = 0; i < 1001; ++i) many += ", x";
    CHECK(error_of(many + ")").find("error: 1:1: diff takes at most 1000 arguments, got 1002") == 0);
}

TEST_CASE("a substitution written as positional arguments is told to use equations, at the first extra one") {
    CHECK(error_of("e = x^2; subs(e, x, 1)").find("error: 1:18: subs takes 1 argument and then substitutions such as x = 1, got 3 arguments") == 0);
    CHECK(error_of("eval(sin(x), x, 1)").find("error: 1:14: eval takes 1 argument and then substitutions") == 0);
    CHECK(error_of("sum(x, y)").find("error: 1:1: sum takes 1 argument, got 2") == 0);  // no substitutions: as before
}

TEST_CASE("composition and substitution stop at the depth limit, naming it") {
    // f13 nests 2^13 + 1 levels; f14 would nest 2^14 + 1, past the limit of 10000
    std::string script = "f0(x) = sin(x)\n";
    for (int i = 1; i <= 14; ++i) {
        script += "f" + std::to_string(i) + "(x) = f" + std::to_string(i - 1) + "(f" + std::to_string(i - 1) + "(x))\n";
    }
    ddx::session s;
    CHECK(error_of(s, script).find("error: 15:10: the result would nest deeper than 10000 levels (the limit)") == 0);
    std::string deepest = run(s, "f13(y)");
    CHECK(deepest.size() == 5 * 8192 + 2);
    CHECK(deepest.compare(0, 12, "sin(sin(sin(") == 0);
    // the bound counts where the variable sits: f13 of a shallow argument stays allowed
    // (double parentheses: a failure must not print 40 KB of text)
    CHECK((run(s, "g(x) = x + f13(y)\ng(f13(y)) - 2*f13(y)") == "0\n"));
    CHECK(error_of(s, "subs(f13(x), x = f13(x))").find("error: 1:1: the result would nest deeper") == 0);
    CHECK((run(s, "subs(x^2, x = f13(y)) - subs(f12(x), x = f12(y))^2") == "0\n"));
}

TEST_CASE("vars, sum and transpose are built in; '@' works on bound lists") {
    CHECK(error_of("sum = 1").find("cannot assign to 'sum': it is built in") != std::string::npos);
    CHECK(error_of("transpose(x) = x").find("cannot redefine 'transpose'") != std::string::npos);
    CHECK(error_of("vars + 1").find("'vars' is a function") != std::string::npos);
    ddx::session s;
    run(s, "W = vars(\"W\", 2, 2); v = [1, 1]; f(u) = [[u, 1], [0, u]]");
    CHECK(run(s, "W @ v - [W_0_0 + W_0_1, W_1_0 + W_1_1]") == "[0, 0]\n");
    CHECK(run(s, "f(2) @ v") == "[3, 2]\n");
    // a function's parameters are scalars while its body is built
    CHECK(error_of(s, "g(a, b) = a @ b").rfind("error: 1:13: '@' multiplies lists and matrices, not a scalar", 0) == 0);
    CHECK(error_of(s, "x = 1\nW @ [1, 2, 3]").rfind("error: 2:3: '@': shapes 2x2 and 3 do not match", 0) == 0);
    CHECK(run(s, "sum(W) - W_0_0 - W_0_1 - W_1_0 - W_1_1") == "0\n");  // the session kept its state
}
