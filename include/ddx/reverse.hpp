// The gradient by reverse accumulation (symbolic backpropagation): one sweep over the
// expression's distinct nodes gives every first partial, and the entries share their
// subexpressions (the adjoints), so that lowering them (ddx::lower, ddx::emit_c) gives a
// backward pass. ddx::gradient uses it for large expressions.
#pragma once

#include <ginac/ginac.h>
#include <cstddef>
#include <vector>

namespace ddx {

/// d f / d x for each x of `variables` (symbols; a repeated one gets the same entry),
/// unsimplified, by reverse accumulation over f's DAG of distinct nodes. Throws ddx::error
/// for a variable that is not a symbol or an f that is a list. The entries share
/// nodes: a network's hidden-unit adjoints are built once and read by every weight's entry.
/// Time and size are linear in the distinct nodes of f (pairs of its sums and products
/// counted), except that a product of k factors costs k^2 (each factor's partial is the
/// product of the others) and that, as for ddx::differentiator, a product adjoint times a
/// product partial is one flat GiNaC product (a chain of n one-argument calls makes
/// products of up to n factors). abs, the registry's rules and GiNaC's are those of
/// ddx::differentiator; a part with no local rule (a call of several arguments, f'(u) of
/// an undefined function f) is differentiated forward by ddx::differentiator.
/// `reverse_gradient(parse("x^2*y + sin(x)", s), {x, y})` is `{2*x*y + cos(x), x^2}`
/// (in some unsimplified form).
GiNaC::lst reverse_gradient(const GiNaC::ex& f, const std::vector<GiNaC::ex>& variables);

/// The distinct nodes of e (by identity; a sum's and a product's numbers not counted), the
/// size measure that ddx::gradient compares with its budget: 4 for `x*y + x` (the sum, x*y,
/// x, y).
std::size_t distinct_nodes(const GiNaC::ex& e);

}  // namespace ddx
