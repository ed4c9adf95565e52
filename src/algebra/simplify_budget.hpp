// Simplify's work budget. Every expensive step (GiNaC's normal, factor, expand,
// collect_common_factors, and printing a candidate) is charged an estimate of its work
// before it runs, in units of about one term or one printed character; a step that does not
// fit in what is left is not tried, and once the budget is spent no more candidates are
// formed or printed: the shortest form found so far is the answer. The units are counted
// from the expressions, never from a clock, so the result is the same on every run and
// machine; the estimates are upper bounds where the step's cost can explode (the normal form
// of nested fractions in many symbols), so that no step runs far past its charge.
#pragma once

#include <ginac/ginac.h>


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

/// ddx::simplify(e) within `budget` (ddx::simplify(e) is this with a budget of
/// simplify_units(e)); lists element by element, each within what is left.
GiNaC::ex simplify_within(const GiNaC::ex& e, work_budget& budget);

/// A derivative `raw` of `f` simplified within f's budget, simplify_units(f): a raw
/// derivative can print exponentially longer than f (its tree repeats f's shared parts),
/// and the budget follows what the user wrote, not that.
GiNaC::ex simplify_derivative(const GiNaC::ex& raw, const GiNaC::ex& f);

}  // namespace ddx
