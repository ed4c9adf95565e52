// Every fixed limit of ddx, in one place. Each guards the stack or keeps GiNaC and CLN from
// computing for hours (none of them look at a clock); each is checked in exactly one
// function, named beside it, whose error names the limit. Raising one means changing it here
// and rebuilding. Time and memory are set at run time instead (ddx --timeout, --memory).
#pragma once

#include <cstddef>

namespace ddx::limits {

/// Brackets, calls and operators nested in the input (lang/parser.cpp: parser::enter).
constexpr int input_nesting = 1000;

/// Levels of an expression built at run time by a call or `subs` (core/construct.cpp:
/// checked_subs). Past a few thousand levels GiNaC's own work grows with the square of the
/// depth: building f(u) asks u for its return type, which recurses down u's chain.
constexpr std::size_t expression_depth = 10000;

/// Terms an expansion may make (`expand`, `normal`, `factor`; algebra/simplify.cpp:
/// check_expansion_size); simplify does not try an expansion past it.
constexpr double expanded_terms = 1e6;

/// Order of a derivative (algebra/calculus.cpp: check_derivative_order).
constexpr int derivative_order = 1000;

/// Operands of the sums and products that the orders of an n-th derivative left past the
/// stepwise budget may build, differentiated plainly (algebra/calculus.cpp:
/// plain_orders): their sums can grow to millions of terms, about 2.5 microseconds each
/// (cosh(x*atan(x^2*sin(x)))/(1 + x^2) to order 40 ran past two minutes in 2 GB). x^x to
/// order 100 builds 0.9 million.
constexpr double derivative_operands = 4e6;

/// Entries of a symbolic Hessian, n^2 for n variables (algebra/calculus.cpp:
/// check_hessian_size): each is a simplified second derivative, so a model of thousands of
/// parameters (minimize's method "newton") would build millions of them.
constexpr std::size_t hessian_entries = 40000;

/// Significant digits of `evalf` (numeric/evaluate.cpp: check_evalf_digits).
constexpr int evalf_digits = 10000;

/// Decimal digits of an exact power such as 3^(10^9) (lang/build.cpp: check_exact_power):
/// CLN computes it without looking at the clock or the memory budget.
constexpr double exact_power_digits = 1e6;

/// Size of the argument of exp, sinh, cosh under `evalf` (numeric/evaluate.cpp):
/// CLN's precision grows with it (exp(10^6) takes 0.7 s, exp(10^8) many minutes).
constexpr double evalf_exp_argument = 1e6;

/// Tree nodes of an argument beyond which a function call is built unevaluated, and
/// beyond which n-th derivatives by polynomials are not tried: GiNaC's evaluation of sin(u),
/// exp(u), ... inspects u as a tree, exponential in the nesting of shared parts
/// (core/construct.cpp: tree_size_exceeds).
constexpr std::size_t evaluated_argument_nodes = 2000;

/// Variables one call of `vars("w", n, m)` may make, n*m (interp/builtins.cpp:
/// check_vars_count): each is a named symbol kept by the session; vars("w", 10^9) is refused
/// before any is made.
constexpr long vars_symbols = 1000000;

}  // namespace ddx::limits
