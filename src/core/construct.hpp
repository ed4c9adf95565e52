// Building and rewriting GiNaC expressions without GiNaC's costly paths: its operator* and
// map walk whole trees (exponential on expressions with shared parts), and deep results
// make its own construction quadratic.
#pragma once

#include <ddx/detail/node_map.hpp>

#include <ginac/ginac.h>
#include <cstddef>

namespace ddx {

/// a*b and a/b without GiNaC's operator* and operator/, which ask every factor whether it
/// commutes by walking its whole tree.
inline GiNaC::ex times(const GiNaC::ex& a, const GiNaC::ex& b) { return GiNaC::mul(a, b); }
inline GiNaC::ex divided(const GiNaC::ex& a, const GiNaC::ex& b) {
    return GiNaC::mul(a, GiNaC::pow(b, -1));
}

/// The sum with every term multiplied by `factor`, term by term (expand would read every
/// term as a tree).
inline GiNaC::ex scaled_sum(const GiNaC::ex& sum, const GiNaC::numeric& factor) {
    GiNaC::exvector terms;
    for (const GiNaC::ex& t : sum) terms.push_back(times(t, factor));
    return GiNaC::add(terms);
}

/// Whether `e` is exp(...).
inline bool is_exp(const GiNaC::ex& e) { return GiNaC::is_the_function<GiNaC::exp_SERIAL>(e); }

/// Whether `e`, read as a tree (shared parts counted each time), has more than `limit` nodes.
/// Costs at most `limit` steps.
bool tree_size_exceeds(const GiNaC::ex& e, std::size_t limit);

/// `e.subs(m)` (exact, no patterns); an error, before any work, when the result would nest
/// deeper than limits::expression_depth.
GiNaC::ex checked_subs(const GiNaC::ex& e, const GiNaC::exmap& m);

/// `e` with `rewrite` applied bottom-up: to every node, once its operands are rewritten.
/// Each distinct subexpression is visited once, and a node is rebuilt only where an operand
/// changed (GiNaC's map rebuilds and re-evaluates every node of the tree, which made it most
/// of simplify's time). `rewrite` must return its argument where it has nothing to do.
template <class Rewrite>
GiNaC::ex rewrite_bottom_up(const GiNaC::ex& e, Rewrite rewrite) {
    struct walker : GiNaC::map_function {
        Rewrite& rewrite;
        detail::node_map<GiNaC::ex> memo;
        explicit walker(Rewrite& r) : rewrite(r) {}
        GiNaC::ex operator()(const GiNaC::ex& x) override {
            auto it = memo.find(x);
            if (it != memo.end()) return it->second;
            bool changed = false;
            for (const GiNaC::ex& c : x) changed = !(*this)(c).is_equal(c) || changed;
            GiNaC::ex out = rewrite(changed ? x.map(*this) : x);  // map finds the operands in memo
            memo.emplace(x, out);
            return out;
        }
    } w(rewrite);
    return w(e);
}

}  // namespace ddx
