// Simplify's rational forms: an expression read as a rational function (of its symbols, of
// its non-rational parts held as temporary symbols, of exp(x)), in GiNaC's normal form, with
// numerator and denominator factored, or over a common denominator.
#pragma once

#include "algebra/simplify_budget.hpp"

#include <ginac/ginac.h>

#include <cstddef>
#include <utility>
#include <vector>

namespace ddx {

/// An expression with exp(k*base) replaced by u^(k/g), one symbol u per base (g: the gcd of
/// the k seen with that base; u = exp(-g*base) with `flip`), so that normal() and factor()
/// see a rational function; `back` substitutes the exponentials again.
struct exp_as_power {
    GiNaC::ex rational;
    GiNaC::exmap back;
};

/// `e` with its exponentials as powers of one symbol per base (a base whose exponents would
/// make a polynomial of degree over 1000 stays as it is).
exp_as_power exponentials_as_powers(const GiNaC::ex& e, bool flip);

/// (number of exponentials with a positive coefficient) - (those with a negative one).
int exponent_sign_balance(const GiNaC::ex& e);

/// How many exponentials e has, read as a tree.
std::size_t count_exponentials(const GiNaC::ex& e);

/// Whether `e` has a power that is not a positive integer power (a denominator or a root).
/// `ignore_calls`: powers of function calls (1/cosh(u)^2) do not count.
bool has_denominator_or_root(const GiNaC::ex& e, bool ignore_calls = false);

/// GiNaC's normal form of e with numerator and denominator expanded: GiNaC's normal() may
/// leave either partly factored, x*(10*y^2 + y)^2 or y*(10*x*y^2 + x*y)*(10*y + 1), as its
/// hash order, different in every process, led its gcds. (Left as GiNaC gave it where the
/// expansion would pass `max_terms`.)
GiNaC::ex expanded_normal(const GiNaC::ex& e, double max_terms = 1e4);

/// expanded_normal of e, with the roots of each base u as powers of one symbol
/// r = u^(1/L) (L the lcm of the roots' denominators) and r^L read back as u: GiNaC's
/// normal() alone makes u^(3/2) and u^(1/2) two unrelated symbols, so that
/// `u^(1/2) - u/u^(1/2)` or `x^2/(x^2 + 1)^(3/2) + 1/(x^2 + 1)^(3/2) - 1/sqrt(x^2 + 1)` are
/// not 0 there. Here both are. The second normal() (after r^L is read back) is charged to
/// `budget` where one is given.
GiNaC::ex normal_with_roots(const GiNaC::ex& e, work_budget* budget = nullptr);

/// GiNaC::factor of the polynomial p with each factor (or base of a power) expanded.
GiNaC::ex factored_polynomial(const GiNaC::ex& p);

/// Appends e's rational normal form and, where GiNaC::factor can be trusted to finish, the
/// form with numerator and denominator factored (the non-rational parts, sin(x), sqrt(...),
/// held as temporary symbols). Appends nothing where the route cannot win.
void rational_candidates(const GiNaC::ex& e, std::vector<GiNaC::ex>& out, work_budget& budget);

/// a/p^2 + b/p -> (a + b*p)/p^2, the denominators' factors kept as they are (normal() would
/// multiply out (1 + (x^3*y + 1)^2)^2), as SymPy's together(). The numerator and the
/// denominator; a denominator of 1 where no term has one.
std::pair<GiNaC::ex, GiNaC::ex> over_common_denominator(const GiNaC::ex& e);

}  // namespace ddx
