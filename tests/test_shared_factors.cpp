// The shared-factor pass (src/numeric/shared_factors.cpp), the last step of ddx::lower:
//  1. a product whose factors include all those of a smaller product is that product times
//     the rest (a gradient's d/da = d/db * x, as in a hand-written backward pass);
//  2. a pair of factors found in two or more products is multiplied once;
// and the program still computes the same outputs. Checked on hand-built tapes and on the
// gradient of a least-squares loss, by counting multiplications.
#include <doctest/doctest.h>

#include <ddx/calculus.hpp>
#include <ddx/parser.hpp>
#include <ddx/tape.hpp>
#include <ddx/symbols.hpp>

#include "numeric/lowering.hpp"
#include "numeric/shared_factors.hpp"

#include <vector>

namespace {

using GiNaC::ex;
using kind = ddx::instruction::kind;

int multiplications(const ddx::tape& p) {
    int n = 0;
    for (const ddx::instruction& i : p.code) n += i.op == kind::mul;
    return n;
}

std::vector<double> execute(const ddx::tape& p, std::vector<double> in) {
    std::vector<double> out(p.outputs.size()), registers;
    ddx::execute(p, in.data(), out.data(), registers);
    return out;
}

// A tape over `inputs` inputs, built an instruction at a time.
struct tape {
    ddx::tape p;
    explicit tape(int inputs) {
        p.inputs = inputs;
        for (int i = 0; i < inputs; ++i) p.code.push_back({kind::input, i, -1, 0.0, nullptr});
    }
    int mul(int a, int b) {
        p.code.push_back({kind::mul, a, b, 0.0, nullptr});
        return static_cast<int>(p.code.size()) - 1;
    }
    int add(int a, int b) {
        p.code.push_back({kind::add, a, b, 0.0, nullptr});
        return static_cast<int>(p.code.size()) - 1;
    }
};

}  // namespace

TEST_CASE("shared factors: a product containing a smaller one multiplies that one") {
    // a*b and (a*x)*b: the second is (a*b)*x.
    tape t(3);  // a, b, x
    int ab = t.mul(0, 1);
    int abx = t.mul(t.mul(0, 2), 1);
    t.p.outputs = {ab, abx};
    ddx::tape shared = ddx::share_factors(t.p);
    CHECK(multiplications(t.p) == 3);
    CHECK(multiplications(shared) == 2);
    const ddx::instruction& last = shared.code[shared.outputs[1]];
    CHECK(last.op == kind::mul);
    CHECK((last.a == shared.outputs[0] || last.b == shared.outputs[0]));
    CHECK(execute(shared, {2, 3, 5}) == std::vector<double>{6, 30});
}

TEST_CASE("shared factors: a pair found in two products is multiplied once") {
    // (a*x)*b and (b*y)*a share a*b; neither contains the other.
    tape t(4);  // a, b, x, y
    int first = t.mul(t.mul(0, 2), 1);
    int second = t.mul(t.mul(1, 3), 0);
    t.p.outputs = {first, second};
    ddx::tape shared = ddx::share_factors(t.p);
    CHECK(multiplications(t.p) == 4);
    CHECK(multiplications(shared) == 3);  // a*b, then * x and * y
    CHECK(execute(shared, {2, 3, 5, 7}) == std::vector<double>{30, 42});
}

TEST_CASE("shared factors: other instructions are copied, their operands renumbered") {
    // ((a*b)*x) + y: the product is rebuilt from its factors a, b, x; the sum reads it.
    tape t(4);
    int product = t.mul(t.mul(0, 1), 2);
    t.p.outputs = {t.add(product, 3)};
    ddx::tape shared = ddx::share_factors(t.p);
    CHECK(multiplications(shared) == 2);
    CHECK(execute(shared, {2, 3, 5, 7}) == std::vector<double>{37});
}

TEST_CASE("shared factors: a product of more than 64 factors keeps its deeper factors whole") {
    // x0 * x1 * ... * x69 * (z*z), with z*z past the 64 factors a product is flattened to:
    // it is computed as a product of its own before the big one.
    const int n = 70;
    tape t(n + 1);
    int acc = 0;
    for (int i = 1; i < n; ++i) acc = t.mul(acc, i);
    int square = t.mul(n, n);
    t.p.outputs = {t.mul(acc, square)};
    ddx::tape shared = ddx::share_factors(t.p);
    for (const ddx::instruction& i : shared.code) {
        if (i.op == kind::mul) CHECK((i.a >= 0 && i.b >= 0));
    }
    std::vector<double> in(n + 1, 1.0);
    in[3] = 2;
    in[n] = 3;
    CHECK(execute(shared, in) == std::vector<double>{18});
}

TEST_CASE("shared factors: the gradient of a least-squares loss costs what a hand-written one does") {
    ddx::symbol_table s;
    ex a = s.get("a"), b = s.get("b"), x = s.get("x"), y = s.get("y");
    // [2*x*(a*x + b - y), 2*(a*x + b - y)]
    GiNaC::lst gradient = ddx::gradient(ddx::parse("(y - (a*x + b))^2", s), {a, b});
    std::vector<ex> inputs{a, b, x, y};
    ddx::tape lowered = ddx::lower_expressions(ddx::flatten(gradient), inputs);
    ddx::tape p = ddx::lower(ddx::flatten(gradient), inputs);
    // Lowered alone: a*x, 2*x, (2*x)*r and 2*r, for r = a*x + b - y.
    CHECK(multiplications(lowered) == 4);
    // With shared factors: a*x, d/db = 2*r, d/da = x * d/db.
    CHECK(multiplications(p) == 3);
    const ddx::instruction& d_da = p.code[p.outputs[0]];
    int d_db = p.outputs[1];
    CHECK(d_da.op == kind::mul);
    CHECK((d_da.a == d_db || d_da.b == d_db));
    int other = d_da.a == d_db ? d_da.b : d_da.a;
    CHECK(p.code[other].op == kind::input);
    CHECK(p.code[other].a == 2);  // x
    // Same values: a = 0.5, b = 0.25, x = 2, y = 3: r = -1.75.
    CHECK(execute(p, {0.5, 0.25, 2, 3}) == std::vector<double>{-7, -3.5});
    CHECK(execute(p, {0.5, 0.25, 2, 3}) == execute(lowered, {0.5, 0.25, 2, 3}));
}
