// Simplify's work budget. Every expensive step (GiNaC's normal, factor, expand,
// collect_common_factors, and printing a candidate) is charged an estimate of its work
// before it runs, in units of about one term or one printed character; a step that does not
// fit in what is left is not tried, and once the budget is spent no more candidates are
// formed or printed: the shortest form found so far is the answer. The units are counted
// from the expressions, never from a clock, so the result is the same on every run and
// machine; the estimates are upper bounds where the step's cost can explode (the normal form
// of nested fractions in many symbols), so that no step runs far past its charge.
//
// Estimates can be wrong by far (GiNaC's gcd over many symbols takes up to forty times what
// the sizes suggest), so the ddx program also caps what GiNaC's steps really do: through its
// allocator (core/allocation_meter.hpp), the candidates of one simplify make at most
// allocations_per_unit allocations per unit of the budget, the zero test as many again, and
// the entries of a gradient, Jacobian or Hessian share one such allowance. A step past its
// cap is dropped like a step that failed.
#pragma once

#include <ginac/ginac.h>

#include "core/allocation_meter.hpp"

#include <algorithm>
#include <cstddef>


namespace ddx {

class work_budget {
public:
    /// A budget of `units`.
    explicit work_budget(double units) : left_(units) {}

    /// Charges `units` if they fit in what is left (and says so); otherwise charges nothing,
    /// marks the budget exhausted and returns false.
    bool try_spend(double units) {
        if (units <= left_) {
            left_ -= units;
            return true;
        }
        exhausted_ = true;
        return false;
    }

    /// Charges `units` already spent (a step that turned out dearer than its estimate); what
    /// is left may go below zero, and then nothing more fits.
    void charge(double units) { left_ -= units; }

    /// Whether a step has been refused for want of units.
    bool exhausted() const { return exhausted_; }
    double left() const { return left_; }

private:
    double left_;
    bool exhausted_ = false;
};

/// GiNaC's allocations per unit of the budget: at about 8 million allocations a second on
/// this machine, 15 per unit is about 2 microseconds a unit, what the estimates assume (the
/// base budget, simplify_size.hpp, about 40 ms). At 125 per unit a step could run eight times
/// past its estimate: an 8th derivative's simplifications took 4 to 11 microseconds a unit,
/// and the four of a second derivative's (two orders, the direct form, the stepwise one)
/// 0.35 s; no simplification benchmark task, zero-table pair or test printed differently.
constexpr double allocations_per_unit = 15;

/// The allocations `units` of the budget allow.
inline std::size_t allowance_for(double units) {
    return static_cast<std::size_t>(allocations_per_unit * std::max(0.0, units));
}

/// How many simplifies of f the entries of its gradient, Jacobian or Hessian may cost
/// together. (At one, a Hessian entry's share of a small f's allowance was tens of
/// thousands of allocations: 12 of the stress suite's 48 Hessians printed up to 10% longer.)
constexpr double simplifies_shared_by_entries = 8;

/// The entries of a gradient, Jacobian or Hessian of f: one allowance for all of them (that
/// of simplifies_shared_by_entries simplifies of f) in equal shares, so that n^2 entries
/// cost what a few simplifies may. The shares are fixed: what one entry leaves does not go
/// to the next, whose cap would then follow the exact counts before it (which vary a little
/// with GiNaC's hash order).
/// \code
/// shared_allowance shares(simplify_units(f), n);
/// for (...) out.append(shares.entry([&] { return simplify_derivative(raw, f); }));
/// \endcode
class shared_allowance {
public:
    shared_allowance(double units, std::size_t entries)
        : share_(allowance_for(simplifies_shared_by_entries * units) / std::max<std::size_t>(entries, 1)) {}

    template <class Simplify>
    GiNaC::ex entry(Simplify&& simplify) {
        allocation_meter share(share_);
        return simplify();
    }

private:
    std::size_t share_;
};

/// ddx::simplify(e) within `budget` (ddx::simplify(e) is this with a budget of
/// simplify_units(e)); lists element by element, each within what is left.
GiNaC::ex simplify_within(const GiNaC::ex& e, work_budget& budget);

/// A derivative `raw` of `f` simplified within f's budget, simplify_units(f): a raw
/// derivative can print exponentially longer than f (its tree repeats f's shared parts),
/// and the budget follows what the user wrote, not that.
GiNaC::ex simplify_derivative(const GiNaC::ex& raw, const GiNaC::ex& f);

}  // namespace ddx
