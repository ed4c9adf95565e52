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

/// From this many tanh calls in a tape, tanh is ddx's arithmetic one (tape::arithmetic_tanh),
/// which loops of tanh calls vectorize; codegen_c.cpp loops over as few of them as an array
/// holds (min_loop_length).
constexpr std::size_t min_tanh_loop = min_loop_length;

/// How many interleaved chains order_sums splits a run of `length` products into: a power
/// of two up to 4 with at least two products each (min_loop_length is 8: always 4).
std::size_t chains_for(std::size_t length);

/// `p` with its long sums (a chain of additions and subtractions, each partial sum read only
/// by the next) rearranged for loops: the terms reordered, the products with an input among
/// their two operands (a weight times something) by that input's index, ahead of the other
/// terms, added terms before subtracted ones; then each run that plan_loops will find
/// (min_loop_length or more added products, see there) split in C = chains_for(length)
/// interleaved chains, product i into chain i mod C: A0 = s + r0 + rC + r2C + ...,
/// A1 = r1 + r(C+1) + ..., ..., added at the end in turn: s + ... + r(n-1) becomes
/// ((A0 + A1) + A2) + ... A layer's weighted sum w_0 h_0 + w_1 h_1 + ... then reads its
/// weights in the order of the inputs, as a loop can, and that loop has C independent
/// additions per step instead of one chain of dependent ones (the chains' latency, not the
/// arithmetic, limited the emitted gradients; C consecutive products are also what a
/// compiler's vectorizer turns into vector instructions). Sums that plan_loops will compute
/// side by side (lane_group: min_lanes or more sums, each one run walking the inputs with
/// the same stride from consecutive bases, the same other operand) stay one chain each: the
/// lanes are the independent additions. Only sums with at least min_loop_length such
/// products change. ddx::lower ends with it, so that the interpreter
/// and the emitted loops add in the same order.
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
    /// The run's chains as order_sums makes them: 1, or C >= 2 (products 0, C, 2C, ... added
    /// to the sum, products j, j + C, ... to a sum of their own for j = 1 .. C-1, those
    /// added to the first in turn after the run).
    std::size_t chains = 1;
};

/// Sums computed side by side, one lane each: sums that are nothing but one run of `length`
/// products in[base + k + stride * i] * q(i) (i = 0 .. length-1, added in one chain in order
/// of i), the same q for all, for lanes k = 0, 1, ..., G-1 (G >= min_lanes): a product of a
/// matrix's transpose and a vector, as the hidden units' adjoints of a network are (the
/// weights out of unit k are in[base + k + stride * i]). Computed lane by lane, each sum walks
/// its inputs with a stride; side by side, the loop over the lanes reads consecutive inputs
/// and has G independent additions per step, which a compiler turns into vector instructions.
struct lane_group {
    std::vector<int> sums;  ///< the sums' registers, lane k first
    long base = 0, stride = 0;
    std::size_t length = 0;
    loop_operand q;  ///< the operand the lanes share (a scalar, an input walk or an array)
};

/// Fewer sums than this are not computed side by side.
constexpr std::size_t min_lanes = 4;

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
    /// Sums of `sums` computed side by side (each is there as one part, a run in one
    /// chain), written where the first of them stood.
    std::vector<lane_group> lanes;
    /// Outputs first, first + 1, ... set from a run: first -> the run.
    std::map<std::size_t, product_run> outputs;
    /// Registers computed inside a loop, with no statement of their own.
    std::vector<bool> in_loop;
};

/// The loops of `p` (a tape from ddx::lower): runs of at least min_loop_length consecutive
/// products in a sum, or in consecutive outputs, whose i-th product is p(i) * q(i) with one
/// operand the same register for every i or the inputs in[base + stride * i], and the other
/// either of those or any registers (then kept in an array); in a sum, also such a run that
/// order_sums split in chains. The loops compute the same operations in the same order
/// as the tape: the same doubles.
loop_plan plan_loops(const tape& p);

}  // namespace ddx
