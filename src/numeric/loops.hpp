// Loops in the emitted C (loops.cpp): which parts of a tape codegen_c.cpp writes as loops
// instead of one statement per instruction, and the order of sums that makes them
// loops. Internal: a private header so that the unit tests can look at the plan.
#pragma once

#include <ddx/tape.hpp>

#include <cstddef>
#include <map>
#include <vector>

namespace ddx {

/// Runs shorter than this stay straight-line statements: a loop's set-up and the copies
/// into its array cost more than a few statements.
constexpr std::size_t min_loop_length = 8;

/// `p` with its long sums (a chain of additions and subtractions, each partial sum read only
/// by the next) rearranged for loops: the terms reordered, the products with an input among
/// their two operands (a weight times something) by that input's index, ahead of the other
/// terms, added terms before subtracted ones; then each run that plan_loops will find
/// (min_loop_length or more added products, see there) split in two interleaved chains,
/// A = s + r0 + r2 + ... and B = r1 + r3 + ..., added at the end: s + ... + r(n-1) becomes
/// A + B. A layer's weighted sum w_0 h_0 + w_1 h_1 + ... then reads its weights in the order
/// of the inputs, as a loop can, and that loop has two independent additions per step
/// instead of one chain of dependent ones (the chain's latency, not the arithmetic, limited
/// the emitted gradients). Only sums with at least min_loop_length such products change.
/// ddx::lower ends with it, so that the interpreter and the emitted loops add in the same
/// order.
tape order_sums(const tape& p);

/// One operand of a loop's i-th product.
struct loop_operand {
    enum class kind { scalar, input, array };
    kind k = kind::scalar;
    int reg = -1;                  ///< scalar: the register, the same for every i
    long base = 0, stride = 0;     ///< input: in[base + stride * i]
    int array = -1;                ///< array: loop_plan::arrays[array][i]
};

/// `length` products p(i) * q(i), i = 0, 1, ...
struct product_run {
    loop_operand p, q;
    std::size_t length = 0;
};

/// One step of a sum written as a loop: a register added (or subtracted), or a run of
/// products each added (or subtracted) in turn.
struct sum_part {
    bool subtract = false;
    int reg = -1;  ///< the register, or -1 for a run
    product_run run;
    /// The run is a pair of chains as order_sums makes them (products 0, 2, 4, ... added to
    /// the sum, 1, 3, ... to a second sum, added to the first after the run).
    bool paired = false;
};

/// The loops of a tape. A loop computes each product of its run where the run reads it; a
/// product that nothing but loops reads, and the partial sums of a sum written as a loop,
/// are marked `in_loop` and get no statement.
struct loop_plan {
    /// The registers each array holds, in order; an array is filled once, after the last
    /// of its registers is computed, and read by every loop over those registers.
    std::vector<std::vector<int>> arrays;
    /// A sum's register -> its parts in the order the tape adds them (the first one added
    /// to nothing: never subtracted).
    std::map<int, std::vector<sum_part>> sums;
    /// Outputs first, first + 1, ... set from a run: first -> the run.
    std::map<std::size_t, product_run> outputs;
    /// Registers computed inside a loop, with no statement of their own.
    std::vector<bool> in_loop;
};

/// The loops of `p` (a tape from ddx::lower): runs of at least min_loop_length consecutive
/// products in a sum, or in consecutive outputs, whose i-th product is p(i) * q(i) with one
/// operand the same register for every i or the inputs in[base + stride * i], and the other
/// either of those or any registers (then kept in an array); in a sum, also such a run that
/// order_sums split in two chains. The loops compute the same operations in the same order
/// as the tape: the same doubles.
loop_plan plan_loops(const tape& p);

}  // namespace ddx
