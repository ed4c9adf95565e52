// Simplified derivatives: n-th order, mixed partials, gradient, Jacobian, Hessian. Built on
// ddx::differentiator (the raw, memoized derivative) and ddx::simplify.
#pragma once

#include <ddx/differentiator.hpp>

#include <ginac/ginac.h>
#include <utility>
#include <vector>

namespace ddx {

/// How many times each variable is differentiated: `diff(e, x, 2, y)` is {{x, 2}, {y, 1}}.
using derivative_spec = std::vector<std::pair<GiNaC::ex, int>>;

/// The n-th derivative, simplified after every step, stopping early at 0.
/// `diff(parse("x^3", s), x, 2)` is `6*x`.
GiNaC::ex diff(const GiNaC::ex& e, const GiNaC::ex& x, int order = 1);

/// Throws ddx::error unless `order` is a whole number from 0 to limits::derivative_order, the
/// one check of that limit (diff calls it; the interpreter calls it on its argument first):
/// `check_derivative_order(1001)` throws "derivative order 1001 is above the limit of 1000".
void check_derivative_order(const GiNaC::numeric& order);

/// A mixed partial derivative, simplified, taken in the order of `spec`.
/// `diff(parse("x^2*y^3", s), {{x, 2}, {y, 1}})` is `6*y^2`.
GiNaC::ex diff(const GiNaC::ex& e, const derivative_spec& spec);

/// First partials as a list, simplified: `gradient((y - (a*x + b))^2, {a, b})` is
/// `[2*x*(a*x + b - y), 2*(a*x + b - y)]`. For a large e (its distinct nodes, as
/// ddx::distinct_nodes counts them, times the variables above 10,000: a network of a hundred
/// parameters), the unsimplified entries of ddx::reverse_gradient instead, which share their
/// subexpressions (linear time and size; ddx::emit_c makes a backward pass of them).
GiNaC::lst gradient(const GiNaC::ex& e, const std::vector<GiNaC::ex>& variables);

/// Rows are outputs, columns variables: a list of lists, simplified; a row whose output is
/// large (as for gradient) is that output's ddx::reverse_gradient, unsimplified.
/// `jacobian({parse("x*y", s), parse("x + y^2", s)}, {x, y})` is `[[y, x], [1, 2*y]]`.
GiNaC::lst jacobian(const GiNaC::lst& outputs, const std::vector<GiNaC::ex>& variables);

/// Second partials as a symmetric list of lists, sharing the gradient's work.
/// `hessian(parse("x^3 + x*y^2", s), {x, y})` is `[[6*x, 2*y], [2*y, 2*x]]`. Throws
/// ddx::error for more than limits::hessian_entries entries (200 variables), before any work.
GiNaC::lst hessian(const GiNaC::ex& e, const std::vector<GiNaC::ex>& variables);

/// The gradient and the Hessian (its rows the partials of the gradient's entries).
struct first_and_second_partials {
    GiNaC::lst gradient;
    GiNaC::lst hessian;
};

/// Both at the cost of one gradient: the Hessian differentiates the simplified gradient, so
/// asking for the two separately would compute the gradient twice. The size limit of
/// hessian applies.
/// `gradient_and_hessian(parse("x^3 + x*y^2", s), {x, y})` is
/// `{[3*x^2 + y^2, 2*x*y], [[6*x, 2*y], [2*y, 2*x]]}`.
first_and_second_partials gradient_and_hessian(const GiNaC::ex& e, const std::vector<GiNaC::ex>& variables);

}  // namespace ddx
