// The lowering of expressions to the tape (src/numeric/lowering.cpp): what makes a lowered
// program short, checked by counting its instructions. ddx::lower_expressions is the
// lowering alone; ddx::lower runs the shared-factor pass after it (test_shared_factors.cpp).
#include <doctest/doctest.h>

#include <ddx/error.hpp>
#include <ddx/parser.hpp>
#include <ddx/tape.hpp>
#include <ddx/symbols.hpp>

#include "numeric/lowering.hpp"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

using GiNaC::ex;
using kind = ddx::instruction::kind;

int count(const ddx::tape& p, kind k) {
    int n = 0;
    for (const ddx::instruction& i : p.code) n += i.op == k;
    return n;
}

int calls(const ddx::tape& p, const std::string& name) {
    int n = 0;
    for (const ddx::instruction& i : p.code) n += i.op == kind::call && i.function->name == name;
    return n;
}

// The outputs of `p` at `in`.
std::vector<double> execute(const ddx::tape& p, std::vector<double> in) {
    std::vector<double> out(p.outputs.size()), registers;
    ddx::execute(p, in.data(), out.data(), registers);
    return out;
}

struct fixture {
    ddx::symbol_table s;
    ex a = s.get("a"), b = s.get("b"), x = s.get("x"), y = s.get("y");
    std::vector<ex> inputs{a, b, x, y};
    ex parse(const char* text) { return ddx::parse(text, s); }
    ddx::tape lowered(const char* text) { return ddx::lower_expressions(ddx::flatten(parse(text)), inputs); }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "lowering: integer powers up to 8 are multiplications, by binary powering") {
    ddx::tape p = lowered("x^8");
    CHECK(count(p, kind::pow) == 0);
    CHECK(count(p, kind::mul) == 3);  // x^2, x^4, x^8
    CHECK(p.code.size() == 4);
    CHECK(execute(p, {0, 0, 1.5, 0})[0] == std::pow(1.5, 8));
    ddx::tape seven = lowered("x^7");
    CHECK(count(seven, kind::pow) == 0);
    CHECK(count(seven, kind::mul) == 4);  // x^2, x^3, x^6, x^7
    ddx::tape nine = lowered("x^9");
    CHECK(count(nine, kind::pow) == 1);
    CHECK(count(nine, kind::mul) == 0);
    CHECK(count(lowered("x^y"), kind::pow) == 1);
}

TEST_CASE_FIXTURE(fixture, "lowering: powers of a common base share their squares") {
    ddx::tape p = lowered("[x^2, x^4, x^8]");
    CHECK(count(p, kind::mul) == 3);
    CHECK(p.outputs.size() == 3);
}

TEST_CASE_FIXTURE(fixture, "lowering: half-integer powers are one sqrt times an integer power") {
    ddx::tape p = lowered("x^(5/2)");
    CHECK(count(p, kind::pow) == 0);
    CHECK(calls(p, "sqrt") == 1);
    CHECK(count(p, kind::mul) == 2);  // x^2, x^2 * sqrt(x)
    CHECK(execute(p, {0, 0, 2, 0})[0] == doctest::Approx(std::pow(2.0, 2.5)));
    CHECK(count(lowered("x^(1/2)"), kind::mul) == 0);
}

TEST_CASE_FIXTURE(fixture, "lowering: negative powers go to one division") {
    ddx::tape p = lowered("1/(a*b)");
    CHECK(count(p, kind::div) == 1);
    CHECK(count(p, kind::pow) == 0);
    CHECK(count(p, kind::mul) == 1);  // the denominator a*b
    CHECK(execute(p, {2, 4, 0, 0})[0] == 0.125);
}

TEST_CASE_FIXTURE(fixture, "lowering: a repeated subexpression is computed once") {
    ddx::tape p = lowered("[sin(a + b)^2, cos(sin(a + b)), a + b]");
    CHECK(count(p, kind::add) == 1);
    CHECK(calls(p, "sin") == 1);
    CHECK(calls(p, "cos") == 1);
    CHECK(count(p, kind::mul) == 1);
    CHECK(count(p, kind::input) == 2);  // x and y are not read
    // Equal expressions built apart (two parses, two trees) share registers too.
    ddx::tape twice = ddx::lower_expressions({parse("sin(a + b)"), parse("sin(a + b)")}, inputs);
    CHECK(calls(twice, "sin") == 1);
    CHECK(twice.outputs[0] == twice.outputs[1]);
}

TEST_CASE_FIXTURE(fixture, "lowering: a sign folds into a subtraction, a negation only where nothing takes it") {
    // -a*b alone: the product, negated once at the output.
    ddx::tape alone = lowered("-a*b");
    CHECK(count(alone, kind::mul) == 1);
    CHECK(count(alone, kind::neg) == 1);
    CHECK(alone.code[alone.outputs[0]].op == kind::neg);
    // x - a*b: the sign becomes a subtraction; no negation.
    ddx::tape difference = lowered("x - a*b");
    CHECK(count(difference, kind::sub) == 1);
    CHECK(count(difference, kind::neg) == 0);
    CHECK(count(difference, kind::add) == 0);
    // (-a)*(-b) is a*b: the signs cancel in the product.
    ddx::tape product = ddx::lower_expressions({GiNaC::mul(-a, -b)}, inputs);
    CHECK(count(product, kind::neg) == 0);
    CHECK(execute(product, {2, 3, 0, 0})[0] == 6);
    // Both outputs together: one product, its negation only for the output -a*b.
    ddx::tape both = lowered("[-a*b, x - a*b]");
    CHECK(count(both, kind::mul) == 1);
    CHECK(count(both, kind::neg) == 1);
    CHECK(count(both, kind::sub) == 1);
    std::vector<double> out = execute(both, {2, 3, 10, 0});
    CHECK(out[0] == -6);
    CHECK(out[1] == 4);
}

TEST_CASE_FIXTURE(fixture, "lowering: a - b, b - a and 2*a - 2*b share one subtraction") {
    ddx::tape p = lowered("[a - b, b - a, 2*a - 2*b, -a - b]");
    CHECK(count(p, kind::sub) == 1);
    CHECK(count(p, kind::add) == 1);  // a + b, for -a - b
    CHECK(count(p, kind::mul) == 1);  // 2 * (a - b)
    std::vector<double> out = execute(p, {5, 2, 0, 0});
    CHECK(out == std::vector<double>{3, -3, 6, -7});
}

TEST_CASE_FIXTURE(fixture, "lowering: exp(k*x) for small integers k is a power of one exp call") {
    ddx::tape p = lowered("[exp(3*x), exp(x), exp(-2*x), exp(-x)]");
    CHECK(calls(p, "exp") == 2);  // exp(x), exp(-x)
    CHECK(count(p, kind::pow) == 0);
    std::vector<double> out = execute(p, {0, 0, 0.3, 0});
    CHECK(out[0] == doctest::Approx(std::exp(0.9)));
    CHECK(out[2] == doctest::Approx(std::exp(-0.6)));
    CHECK(calls(lowered("exp(9*x)"), "exp") == 1);  // |k| > 8: exp(9*x) itself
    CHECK(count(lowered("exp(9*x)"), kind::mul) == 1);
}

TEST_CASE_FIXTURE(fixture, "lowering: 1/cosh(u)^2 is 1 - tanh(u)^2 where tanh(u) is computed") {
    ddx::tape p = lowered("[tanh(a*x + b), 1/cosh(a*x + b)^2]");
    CHECK(calls(p, "tanh") == 1);
    CHECK(calls(p, "cosh") == 0);
    CHECK(count(p, kind::div) == 0);
    std::vector<double> out = execute(p, {0.5, 0.25, 2, 0});
    CHECK(out[1] == doctest::Approx(1 / std::pow(std::cosh(1.25), 2)));
    // Without tanh(u) in the program, cosh stays.
    ddx::tape alone = lowered("1/cosh(a*x + b)^2");
    CHECK(calls(alone, "cosh") == 1);
    CHECK(calls(alone, "tanh") == 0);
}

TEST_CASE_FIXTURE(fixture, "lowering: operations on constants are done while lowering") {
    ddx::tape p = lowered("sqrt(2)*x");
    CHECK(count(p, kind::call) == 0);
    CHECK(count(p, kind::mul) == 1);
    CHECK(execute(p, {0, 0, 3, 0})[0] == std::sqrt(2.0) * 3);
    ddx::tape pi = lowered("pi*x");
    CHECK(execute(pi, {0, 0, 1, 0})[0] == 3.141592653589793);
}

TEST_CASE_FIXTURE(fixture, "lowering: unbound names and values with no double meaning are errors") {
    try {
        ddx::lower({parse("x + y*z + w")}, {x, y});
        FAIL("expected an error");
    } catch (const ddx::error& e) {
        CHECK(std::string(e.what()) == "no values for w, z");
    }
    try {
        ddx::lower({parse("x*z")}, {x});
        FAIL("expected an error");
    } catch (const ddx::error& e) {
        CHECK(std::string(e.what()) == "no value for z");
    }
    CHECK_THROWS_WITH_AS(ddx::lower_expressions({parse("x*z")}, {x}), "'z' has no value", ddx::error);
    CHECK_THROWS_WITH_AS(ddx::lower({parse("x + sqrt(-1)")}, {x}), "a complex number has no double value",
                         ddx::error);
}

TEST_CASE_FIXTURE(fixture, "lowering: ddx::lower flattens lists row-major, outputs in order") {
    ddx::tape p = ddx::lower({parse("[[1, x], [y, 2]]"), parse("a")}, inputs);
    CHECK(p.inputs == 4);
    CHECK(execute(p, {7, 0, 3, 5}) == std::vector<double>{1, 3, 5, 2, 7});
}
