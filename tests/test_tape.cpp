// The instruction tape (src/numeric/tape.cpp), run on hand-built programs: each kind of
// instruction computes the double arithmetic C would, register i holds instruction i's
// result, outputs may name any register (several the same one), and the scratch registers
// are reused across runs.
#include <doctest/doctest.h>

#include <ddx/functions.hpp>
#include <ddx/tape.hpp>

#include <cmath>
#include <cstring>
#include <vector>

namespace {

using kind = ddx::instruction::kind;

ddx::instruction op(kind k, int a = -1, int b = -1) { return {k, a, b, 0.0, nullptr}; }
ddx::instruction constant(double v) { return {kind::constant, -1, -1, v, nullptr}; }
ddx::instruction input(int i) { return {kind::input, i, -1, 0.0, nullptr}; }
ddx::instruction call(const char* name, int a) { return {kind::call, a, -1, 0.0, ddx::find_math_function(name)}; }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("tape: each instruction kind computes C's double arithmetic") {
    ddx::tape p;
    p.inputs = 2;
    p.code = {
        input(0),              // r0 = x
        input(1),              // r1 = y
        constant(0.1),         // r2
        op(kind::add, 0, 2),   // r3 = x + 0.1
        op(kind::sub, 0, 1),   // r4 = x - y
        op(kind::mul, 0, 1),   // r5 = x * y
        op(kind::div, 0, 1),   // r6 = x / y
        op(kind::neg, 0),      // r7 = -x
        call("sin", 0),        // r8 = sin(x)
        op(kind::pow, 0, 1),   // r9 = pow(x, y)
    };
    p.outputs = {3, 4, 5, 6, 7, 8, 9, 2};
    double in[2] = {0.7, 3.3};
    double out[8];
    std::vector<double> registers;
    ddx::execute(p, in, out, registers);
    const double x = in[0], y = in[1];
    CHECK(same_bits(out[0], x + 0.1));
    CHECK(same_bits(out[1], x - y));
    CHECK(same_bits(out[2], x * y));
    CHECK(same_bits(out[3], x / y));
    CHECK(same_bits(out[4], -x));
    CHECK(same_bits(out[5], std::sin(x)));
    CHECK(same_bits(out[6], std::pow(x, y)));
    CHECK(same_bits(out[7], 0.1));
    CHECK(registers.size() == p.code.size());  // register i is instruction i's result
    CHECK(same_bits(registers[5], x * y));
}

TEST_CASE("tape: outputs name registers, in any order, several the same one") {
    ddx::tape p;
    p.inputs = 1;
    p.code = {input(0), op(kind::mul, 0, 0), op(kind::mul, 1, 0)};  // x, x^2, x^3
    p.outputs = {2, 1, 2, 0};
    double in = 3;
    double out[4];
    std::vector<double> registers;
    ddx::execute(p, &in, out, registers);
    CHECK(out[0] == 27);
    CHECK(out[1] == 9);
    CHECK(out[2] == 27);
    CHECK(out[3] == 3);
}

TEST_CASE("tape: IEEE results, not errors") {
    ddx::tape p;
    p.inputs = 1;
    p.code = {input(0), constant(1), op(kind::div, 1, 0), call("sqrt", 0), call("log", 0)};
    p.outputs = {2, 3, 4};
    double in = 0;
    double out[3];
    std::vector<double> registers;
    ddx::execute(p, &in, out, registers);
    CHECK(std::isinf(out[0]));
    CHECK(out[1] == 0);
    CHECK(std::isinf(out[2]));
    in = -1;
    ddx::execute(p, &in, out, registers);
    CHECK(out[0] == -1);
    CHECK(std::isnan(out[1]));
    CHECK(std::isnan(out[2]));
}

TEST_CASE("tape: scratch registers are reused and resized across runs and programs") {
    ddx::tape small;
    small.inputs = 1;
    small.code = {input(0), op(kind::neg, 0)};
    small.outputs = {1};
    ddx::tape big;
    big.inputs = 2;
    big.code = {input(0), input(1), op(kind::add, 0, 1), op(kind::mul, 2, 2), constant(2), op(kind::sub, 3, 4)};
    big.outputs = {5};
    std::vector<double> registers;
    double out = 0;
    double in[2] = {1, 2};
    for (int round = 0; round < 3; ++round) {
        ddx::execute(big, in, &out, registers);
        CHECK(out == 7);  // (1 + 2)^2 - 2
        CHECK(registers.size() == big.code.size());
        ddx::execute(small, in, &out, registers);
        CHECK(out == -1);
        CHECK(registers.size() == small.code.size());
    }
}

TEST_CASE("tape: a program without inputs or outputs runs") {
    ddx::tape constants;
    constants.code = {constant(1.5), constant(-0.0)};
    constants.outputs = {0, 1};
    double out[2];
    std::vector<double> registers;
    ddx::execute(constants, nullptr, out, registers);
    CHECK(out[0] == 1.5);
    CHECK(std::signbit(out[1]));
    ddx::tape empty;
    ddx::execute(empty, nullptr, nullptr, registers);
    CHECK(registers.empty());
}
