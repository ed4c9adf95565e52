// Derivatives. GiNaC's own `diff` does not cache, so on expressions with shared
// subexpressions its time doubles per nesting level; ddx's differentiator visits each
// distinct subexpression once per variable.
#pragma once

#include <ddx/node_map.hpp>

#include <ginac/ginac.h>
#include <map>
#include <utility>
#include <vector>

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

private:
    GiNaC::ex derivative(const GiNaC::ex& e);
    GiNaC::ex compute(const GiNaC::ex& e);
    void register_functions(const GiNaC::ex& e);
    GiNaC::ex outer_derivative(const GiNaC::ex& call);
    GiNaC::ex substitute(const GiNaC::ex& e, const GiNaC::ex& t, const GiNaC::ex& u, node_map<GiNaC::ex>& done);

    GiNaC::ex variable_;
    node_map<GiNaC::ex> memo_;
    // Every one-argument application f(u) met so far, by f's serial and u's node, so that
    // f'(u) reuses existing nodes such as cos(u) next to sin(u) instead of building (and
    // GiNaC evaluating) new ones.
    std::map<std::pair<unsigned, const GiNaC::basic*>, GiNaC::ex> functions_;
    node_set visited_;
};

/// How many times each variable is differentiated: `diff(e, x, 2, y)` is {{x, 2}, {y, 1}}.
using derivative_spec = std::vector<std::pair<GiNaC::ex, int>>;

/// The n-th derivative, simplified after every step, stopping early at 0.
/// `diff(parse("x^3", s), x, 2)` is `6*x`.
GiNaC::ex diff(const GiNaC::ex& e, const GiNaC::ex& x, int order = 1);

/// A mixed partial derivative, simplified, taken in the order of `spec`.
/// `diff(parse("x^2*y^3", s), {{x, 2}, {y, 1}})` is `6*y^2`.
GiNaC::ex diff(const GiNaC::ex& e, const derivative_spec& spec);

/// First partials as a list, simplified: `gradient((y - (a*x + b))^2, {a, b})` is
/// `[2*x*(a*x + b - y), 2*(a*x + b - y)]`.
GiNaC::lst gradient(const GiNaC::ex& e, const std::vector<GiNaC::ex>& variables);

/// Rows are outputs, columns variables: a list of lists, simplified.
/// `jacobian({parse("x*y", s), parse("x + y^2", s)}, {x, y})` is `[[y, x], [1, 2*y]]`.
GiNaC::lst jacobian(const GiNaC::lst& outputs, const std::vector<GiNaC::ex>& variables);

/// Second partials as a symmetric list of lists, sharing the gradient's work.
/// `hessian(parse("x^3 + x*y^2", s), {x, y})` is `[[6*x, 2*y], [2*y, 2*x]]`.
GiNaC::lst hessian(const GiNaC::ex& e, const std::vector<GiNaC::ex>& variables);

/// The gradient and the Hessian (its rows the partials of the gradient's entries).
struct first_and_second_partials {
    GiNaC::lst gradient;
    GiNaC::lst hessian;
};

/// Both at the cost of one gradient: the Hessian differentiates the simplified gradient, so
/// asking for the two separately would compute the gradient twice.
/// `gradient_and_hessian(parse("x^3 + x*y^2", s), {x, y})` is
/// `{[3*x^2 + y^2, 2*x*y], [[6*x, 2*y], [2*y, 2*x]]}`.
first_and_second_partials gradient_and_hessian(const GiNaC::ex& e, const std::vector<GiNaC::ex>& variables);

}  // namespace ddx
