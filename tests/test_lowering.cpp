// The lowering of expressions to the tape (src/numeric/lowering.cpp): what makes a lowered
// program short, checked by counting its instructions; and the arrangement of long sums for
// the emitted loops (src/numeric/loops.cpp), checked on the plan and on the values. ddx::lower_expressions is the
// lowering alone; ddx::lower runs the shared-factor pass after it (test_shared_factors.cpp).
#include <doctest/doctest.h>

#include <ddx/calculus.hpp>
#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/parser.hpp>
#include <ddx/reverse.hpp>
#include <ddx/tape.hpp>
#include <ddx/symbols.hpp>

#include "algebra/reverse_program.hpp"
#include "numeric/c_tanh.hpp"
#include "numeric/lowering.hpp"
#include "numeric/loops.hpp"
#include "expression_generator.hpp"
#include "lib/coupled_loss.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
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

namespace {

// w0*h0 + ... + w(n-1)*h(n-1), h_k = tanh(x + k), built in a scrambled order; the inputs are
// the weights, then x.
struct weighted_sum {
    ddx::symbol_table s;
    std::vector<ex> inputs;
    ex sum = 0;
    explicit weighted_sum(int n, int first_sign = 1) {
        for (int k = 0; k < n; ++k) inputs.push_back(s.get("w" + std::to_string(k)));
        inputs.push_back(s.get("x"));
        for (int i = 0; i < n; ++i) {
            int k = (i * 7) % n;  // n prime to 7
            sum += (k == 0 ? first_sign : 1) * inputs[static_cast<size_t>(k)] * GiNaC::tanh(s.get("x") + k);
        }
    }
};

}  // namespace

TEST_CASE("lowering: a long weighted sum reads its weights in order, in four interleaved chains") {
    weighted_sum w(11);
    ddx::tape p = ddx::lower({w.sum}, w.inputs);
    ddx::loop_plan plan = ddx::plan_loops(p);
    REQUIRE(plan.sums.size() == 1);
    const std::vector<ddx::sum_part>& parts = plan.sums.begin()->second;
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].chains == 4);
    CHECK(ddx::chains_for(11) == 4);
    const ddx::product_run& run = parts[0].run;
    CHECK(run.length == 11);
    CHECK(run.p.k == ddx::loop_operand::kind::input);
    CHECK(run.p.base == 0);
    CHECK(run.p.stride == 1);
    REQUIRE(run.q.k == ddx::loop_operand::kind::array);
    CHECK(plan.arrays[static_cast<size_t>(run.q.array)].size() == 11);
    // The value, to the bit: A_j = w_j h_j + w_(j+4) h_(j+4) + ... for j = 0 .. 3, then
    // ((A_0 + A_1) + A_2) + A_3.
    std::vector<double> in(12);
    for (int k = 0; k < 11; ++k) in[static_cast<size_t>(k)] = 0.1 * (k + 1) * (k % 3 == 0 ? -1 : 1);
    in[11] = -4.7;
    double a[4];
    for (int k = 0; k < 11; ++k) {
        double m = in[static_cast<size_t>(k)] * std::tanh(in[11] + k);
        a[k % 4] = k < 4 ? m : a[k % 4] + m;
    }
    CHECK(execute(p, in)[0] == ((a[0] + a[1]) + a[2]) + a[3]);
}

TEST_CASE("lowering: short sums keep their order, runs need one sign and a walk of the inputs") {
    // Below min_loop_length weighted terms, order_sums leaves the tape as it is.
    weighted_sum short_sum(static_cast<int>(ddx::min_loop_length) - 1);
    ddx::tape p = ddx::lower({short_sum.sum}, short_sum.inputs);
    ddx::tape again = ddx::order_sums(p);
    REQUIRE(again.code.size() == p.code.size());
    for (size_t i = 0; i < p.code.size(); ++i) {
        CHECK(again.code[i].op == p.code[i].op);
        CHECK(again.code[i].a == p.code[i].a);
        CHECK(again.code[i].b == p.code[i].b);
    }
    CHECK(ddx::plan_loops(p).sums.empty());

    // -w0*h0 + w1*h1 + ...: the subtracted term goes last and the rest is still one run.
    weighted_sum mixed(11, -1);
    ddx::tape q = ddx::lower({mixed.sum}, mixed.inputs);
    ddx::loop_plan plan = ddx::plan_loops(q);
    REQUIRE(plan.sums.size() == 1);
    const std::vector<ddx::sum_part>& parts = plan.sums.begin()->second;
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].run.length == 10);
    CHECK(parts[0].run.p.base == 1);
    CHECK(parts[1].subtract);
    CHECK(parts[1].reg >= 0);

    // Weights listed in reverse: a walk down the inputs.
    weighted_sum reversed(9);
    std::vector<ex> backwards(reversed.inputs.rbegin() + 1, reversed.inputs.rend());
    backwards.push_back(reversed.inputs.back());
    ddx::tape r = ddx::lower({reversed.sum}, backwards);
    ddx::loop_plan down = ddx::plan_loops(r);
    REQUIRE(down.sums.size() == 1);
    const ddx::product_run& run = down.sums.begin()->second.at(0).run;
    CHECK(run.length == 9);
    CHECK(run.p.base == 0);
    CHECK(run.p.stride == 1);  // sorted by input index: h8 first
}

TEST_CASE("lowering: tanh's derivative has the same sign for every unit") {
    // 1 - tanh(u_j)^2 for 24 units: by the hash of its terms alone, some units' came out
    // as -(tanh(u_j)^2 - 1), and a layer's backward sums mixed additions with subtractions.
    ddx::symbol_table s;
    std::vector<ex> outputs, inputs = {s.get("x")};
    for (int j = 0; j < 24; ++j) {
        ex b = s.get("b" + std::to_string(j));
        inputs.push_back(b);
        ex u = s.get("x") * (j + 1) + b;
        outputs.push_back(GiNaC::tanh(u));
        outputs.push_back(GiNaC::pow(GiNaC::cosh(u), -2));
    }
    ddx::tape p = ddx::lower_expressions(outputs, inputs);
    CHECK(count(p, kind::neg) == 0);
    for (size_t j = 1; j < outputs.size(); j += 2) {
        const ddx::instruction& d = p.code[static_cast<size_t>(p.outputs[j])];
        CHECK(d.op == kind::sub);
        CHECK(p.code[static_cast<size_t>(d.a)].op == kind::constant);
    }
}

TEST_CASE("lowering: sums of a transposed matrix times a vector are computed side by side") {
    // S_k = sum_i w_i_k tanh(x + i) for k = 0..5, i = 0..9, the weights listed by i then k:
    // S_k walks the inputs from k with stride 6, all with the same tanh(x + i).
    ddx::symbol_table s;
    const int lanes = 6, length = 10;
    std::vector<ex> inputs, outputs;
    for (int i = 0; i < length; ++i)
        for (int k = 0; k < lanes; ++k) inputs.push_back(s.get("w" + std::to_string(i) + "_" + std::to_string(k)));
    inputs.push_back(s.get("x"));
    for (int k = lanes - 1; k >= 0; --k) {  // (the outputs in another order than the lanes)
        ex sum = 0;
        for (int i = 0; i < length; ++i) {
            int j = (i * 3) % length;  // scrambled
            sum += inputs[static_cast<size_t>(j * lanes + k)] * GiNaC::tanh(s.get("x") + j);
        }
        outputs.push_back(sum);
    }
    ddx::tape p = ddx::lower(outputs, inputs);
    ddx::loop_plan plan = ddx::plan_loops(p);
    REQUIRE(plan.lanes.size() == 1);
    const ddx::lane_group& g = plan.lanes[0];
    CHECK(g.sums.size() == static_cast<size_t>(lanes));
    CHECK(g.base == 0);
    CHECK(g.stride == lanes);
    CHECK(g.length == static_cast<size_t>(length));
    CHECK(g.q.k == ddx::loop_operand::kind::array);
    CHECK(g.sums[0] == p.outputs[lanes - 1]);  // lane k is S_k
    // Each lane one chain in the order of i: the same doubles in the interpreter.
    std::vector<double> in(inputs.size());
    for (size_t i = 0; i < in.size(); ++i) in[i] = 0.37 * std::sin(1.0 + static_cast<double>(i));
    std::vector<double> out = execute(p, in);
    for (int k = 0; k < lanes; ++k) {
        double acc = 0;
        for (int i = 0; i < length; ++i) {
            double m = in[static_cast<size_t>(i * lanes + k)] * std::tanh(in.back() + i);
            acc = i == 0 ? m : acc + m;
        }
        CHECK(out[static_cast<size_t>(lanes - 1 - k)] == acc);
    }
    // Fewer than min_lanes such sums: each its own loop of four chains.
    ddx::tape few = ddx::lower({outputs[0], outputs[1], outputs[2]}, inputs);
    ddx::loop_plan three = ddx::plan_loops(few);
    CHECK(three.lanes.empty());
    REQUIRE(three.sums.size() == 3);
    for (const auto& [root, parts] : three.sums) CHECK(parts.at(0).chains == 4);
}

TEST_CASE("lowering: runs of outputs, scalar times a walk or an array") {
    // d/dw_k of u * sum_k w_k h_k is u * h_k: a run of outputs with one scalar operand.
    weighted_sum w(10);
    ddx::symbol_table& s = w.s;
    ex u = GiNaC::sin(s.get("x"));
    std::vector<ex> outputs;
    for (int k = 0; k < 10; ++k) outputs.push_back(u * GiNaC::tanh(s.get("x") + k));
    outputs.push_back(s.get("x"));  // (else the twenty are one run over an array)
    for (int k = 0; k < 10; ++k) outputs.push_back(u * w.inputs[static_cast<size_t>(k)]);
    ddx::tape p = ddx::lower(outputs, w.inputs);
    ddx::loop_plan plan = ddx::plan_loops(p);
    REQUIRE(plan.outputs.size() == 2);
    const ddx::product_run& first = plan.outputs.at(0);
    CHECK(first.length == 10);
    CHECK((first.p.k == ddx::loop_operand::kind::scalar || first.q.k == ddx::loop_operand::kind::scalar));
    const ddx::product_run& second = plan.outputs.at(11);
    CHECK(second.length == 10);
    bool walk = second.p.k == ddx::loop_operand::kind::input || second.q.k == ddx::loop_operand::kind::input;
    CHECK(walk);
    for (size_t r = 0; r < p.code.size(); ++r) {
        if (!plan.in_loop[r]) continue;
        CHECK(p.code[r].op == kind::mul);  // computed by the loops only
    }
}

using ddx_test::coupled_loss;

TEST_CASE("lowering: a gradient whose entries cost n^2 lowers as its reverse sweep, linear in n") {
    for (int n : {100, 200}) {  // (below about 80 variables the entries are not long enough to try)
        ddx::symbol_table s;
        std::vector<ex> v;
        const ex loss = coupled_loss(s, n, v);
        const GiNaC::lst g = ddx::gradient(loss, v);
        const ddx::tape swept = ddx::lower({loss, g}, v);
        const ddx::tape entries = ddx::lower(ddx::flatten(GiNaC::lst{loss, g}), v);  // flattened: not known as a gradient
        const ddx::tape value = ddx::lower({loss}, v);
        MESSAGE(n << " variables: " << swept.code.size() << " instructions by the sweep, " << entries.code.size()
                  << " by the entries, " << value.code.size() << " for the value alone");
        CHECK(swept.outputs.size() == static_cast<size_t>(n + 1));
        CHECK(swept.code.size() < 3 * value.code.size());  // the cheap gradient principle
        CHECK(entries.code.size() > static_cast<size_t>(n * n / 2));
        // the same values as the entries lowered one by one
        std::vector<double> point;
        for (int i = 0; i < n; ++i) point.push_back(0.1 * ((i * 7) % 13) - 0.6);
        const std::vector<double> want = execute(entries, point), got = execute(swept, point);
        REQUIRE(want.size() == got.size());
        double worst = 0;
        for (size_t k = 0; k < want.size(); ++k) worst = std::max(worst, std::fabs(got[k] - want[k]) / std::max(1.0, std::fabs(want[k])));
        CHECK(worst < 1e-12);
    }
}

TEST_CASE("lowering: a gradient's sweep gives the same tape in every symbol table") {
    auto emitted = [](int unrelated) {
        ddx::symbol_table s;
        for (int j = 0; j < unrelated; ++j) s.get("unrelated" + std::to_string(j));
        std::vector<ex> v;
        const ex loss = coupled_loss(s, 30, v);
        return ddx::emit_c({loss, ddx::gradient(loss, v)}, v, "f");
    };
    const std::string first = emitted(0);
    for (int k = 1; k <= 6; ++k) CHECK(emitted(k) == first);
}

TEST_CASE("lowering: from 8 tanh calls on, a tape computes tanh by ddx's arithmetic, run and emitted alike") {
    for (int calls : {4, 7, 8, 16}) {
        ddx::symbol_table s;
        std::vector<ex> inputs;
        ex sum = 0;
        for (int i = 0; i < calls; ++i) {
            inputs.push_back(s.get("u" + std::to_string(i)));
            sum += GiNaC::tanh(inputs.back());
        }
        const ddx::tape p = ddx::lower({sum}, inputs);
        CHECK(p.arithmetic_tanh == (calls >= 8));
        // what the tape runs for tanh: the arithmetic one, or the C library's
        std::vector<double> in(static_cast<size_t>(calls), 0.0);
        in[0] = 0.53005864131652146;  // where the two differ (the arithmetic one is within 1.4 ulp)
        double want = calls >= 8 ? ddx::emitted_tanh(in[0]) : std::tanh(in[0]);
        REQUIRE(ddx::emitted_tanh(in[0]) != std::tanh(in[0]));
        CHECK(execute(p, in)[0] == want);
    }
}

TEST_CASE("lowering: a gradient program's tape gives the values of its entries' tape, for generated expressions") {
    // the named adjoints, lowered where first read, against the gradient written out: every
    // kind of node the sweep meets (abs, powers, calls, sums merged into sums)
    ddx_test::expression_generator generator(20261208, 4);
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> box(0.2, 1.8);
    int compared = 0;
    for (int i = 0; i < 150; ++i) {
        ddx::symbol_table s;
        const ex x = s.get("x"), y = s.get("y");
        const std::string text = generator.next();
        const ex e = ddx::parse(text, s);
        ddx::tape by_program, by_entries;
        try {
            const ddx::gradient_program program = ddx::reverse_gradient_program(e, {x, y}, "#0.");
            by_program = ddx::lower_expressions(ddx::flatten(program.entries), {x, y}, program.definitions);
            by_entries = ddx::lower_expressions(ddx::flatten(ddx::reverse_gradient(e, {x, y})), {x, y});
        } catch (const ddx::error&) {
            continue;  // a part with no double value: both would say so
        }
        for (int trial = 0; trial < 3; ++trial) {
            const std::vector<double> point = {box(rng), box(rng)};
            const std::vector<double> want = execute(by_entries, point), got = execute(by_program, point);
            for (size_t k = 0; k < 2; ++k) {
                if (!std::isfinite(want[k]) || std::fabs(want[k]) > 1e6) continue;
                INFO(text << "  d/d" << (k ? "y" : "x") << " at " << point[0] << ", " << point[1]);
                CHECK(std::fabs(got[k] - want[k]) <= 1e-9 * std::max(1.0, std::fabs(want[k])));
                ++compared;
            }
        }
    }
    CHECK(compared > 500);
}
