#include "core/construct.hpp"

#include <ddx/error.hpp>
#include <ddx/limits.hpp>

#include <algorithm>
#include <string>

namespace ddx {

using GiNaC::ex;

bool tree_size_exceeds(const ex& e, size_t limit) {
    size_t n = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (++n > limit) return true;
    }
    return false;
}

namespace {

// How deeply `e` nests once each key of `m` is replaced by its value; memoized over the DAG.
size_t depth_after(const ex& e, const GiNaC::exmap& m, detail::node_map<size_t>& memo) {
    auto it = memo.find(e);
    if (it != memo.end()) return it->second;
    size_t d = 1;
    auto replaced = m.find(e);
    if (replaced != m.end()) {
        detail::node_map<size_t> plain;
        d = depth_after(replaced->second, {}, plain);
    } else {
        for (const ex& c : e) d = std::max(d, depth_after(c, m, memo) + 1);
    }
    memo.emplace(e, d);
    return d;
}

}  // namespace

ex checked_subs(const ex& e, const GiNaC::exmap& m) {
    detail::node_map<size_t> memo;
    if (depth_after(e, m, memo) > limits::expression_depth) {
        throw error("the result would nest deeper than " + std::to_string(limits::expression_depth) + " levels (the limit)");
    }
    return e.subs(m, GiNaC::subs_options::no_pattern);
}

}  // namespace ddx
