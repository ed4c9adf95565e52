// The shared-factor pass over a lowered tape (shared_factors.cpp); ddx::lower runs it
// last. Internal: a private header so that the unit tests can run it apart from the lowering.
#pragma once

#include <ddx/tape.hpp>

namespace ddx {

/// `p` computing the same outputs, with its products sharing their common factors across
/// the whole tape:
///  1. a product whose factors include all those of a smaller product is that product times
///     the rest (d/da of (y - (a*x + b))^2 is d/db * x, one multiplication, as in a
///     hand-written backward pass);
///  2. then the pair of factors found in most products (at least two) becomes one
///     temporary, repeatedly (the greedy pair extraction of classic CSE).
/// A "product" here is a multiplication whose value is used other than as a factor of
/// another multiplication (an output, an operand of anything else); its factors are the
/// leaves of its tree of multiplications. Other instructions are copied in order, with
/// their operands renumbered. Past a size limit (5,000 products, or about 2 million pairs
/// to count) the products are rebuilt as they were.
tape share_factors(const tape& p);

}  // namespace ddx
