// The memoized derivative. GiNaC's own `diff` does not cache, so on expressions with shared
// subexpressions its time doubles per nesting level; ddx's differentiator visits each
// distinct subexpression once per variable.
#pragma once

#include <ddx/detail/node_map.hpp>

#include <ginac/ginac.h>
#include <map>
#include <utility>

namespace ddx {

/// A memoized first derivative with respect to one symbol. Keep one alive to share work
/// across many expressions (the rows of a Jacobian, the entries of a Hessian).
/// \code
/// ddx::symbol_table s;
/// ddx::differentiator d_dx(s.get("x"));
/// GiNaC::ex d1 = d_dx(ddx::parse("x^2*sin(x)", s));  // x^2*cos(x) + 2*x*sin(x)
/// GiNaC::ex d2 = d_dx(d1);  // reuses the derivatives of x^2, x and sin(x) from d1
/// std::cout << ddx::to_string(d2);  // 4*x*cos(x) - x^2*sin(x) + 2*sin(x)
/// \endcode
class differentiator {
public:
    /// `variable` must be a symbol (an ex holding it: copying a realsymbol into a
    /// GiNaC::symbol would make a different unknown): `differentiator d_dx(s.get("x"))`.
    explicit differentiator(const GiNaC::ex& variable) : variable_(variable) {}

    /// d e / d variable, unsimplified. Lists are differentiated element-wise:
    /// `d_dx(parse("[x^2, x*y]", s))` is `[2*x, y]`.
    GiNaC::ex operator()(const GiNaC::ex& e);

    /// How many distinct subexpressions were differentiated (each exactly once): 3 for a new
    /// `d_dx` after `d_dx(parse("x^3", s))` (x^3, x and 3).
    size_t evaluations() const { return memo_.size(); }

    /// The operands of the sums and products built so far (a product rule's terms count each
    /// factor): a measure of the work done, which grows with the size of the terms where
    /// evaluations() counts each node once.
    size_t operands_built() const { return operands_built_; }

    /// d f(u) / d u for a one-argument call `call` = f(u): the rule operator() applies to
    /// calls (u/abs(u) for abs, else the registry's or GiNaC's f'), built at u, reusing the
    /// calls met so far (ddx::reverse_gradient's local partial):
    /// `d.call_derivative(parse("tanh(x*y)", s))` is `1 - tanh(x*y)^2`.
    GiNaC::ex call_derivative(const GiNaC::ex& call);

private:
    GiNaC::ex derivative(const GiNaC::ex& e);
    GiNaC::ex compute(const GiNaC::ex& e);
    void register_functions(const GiNaC::ex& e);
    GiNaC::ex outer_derivative(const GiNaC::ex& call);
    GiNaC::ex substitute(const GiNaC::ex& e, const GiNaC::ex& t, const GiNaC::ex& u, detail::node_map<GiNaC::ex>& done);

    GiNaC::ex variable_;
    detail::node_map<GiNaC::ex> memo_;
    // Every one-argument application f(u) met so far, by f's serial and u's node, so that
    // f'(u) reuses existing nodes such as cos(u) next to sin(u) instead of building (and
    // GiNaC evaluating) new ones.
    std::map<std::pair<unsigned, const GiNaC::basic*>, GiNaC::ex> functions_;
    detail::node_set visited_;
    size_t operands_built_ = 0;
};

}  // namespace ddx
