// Memo tables keyed by the identity of an expression node. An implementation detail of the
// public headers (ddx::differentiator keeps its memo in one); not part of the API.
#pragma once

#include <ginac/ginac.h>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ddx::detail {

/// Hash and equality of a node's identity (its address), for memo tables over expression
/// DAGs. Not GiNaC's hash and is_equal: GiNaC hashes f(a) as rotl(c_f) ^ hash(a), so f(f(a))
/// hashes like a, and in a chain of nested calls (sin(sin(sin(...)))) half the nodes fall in
/// one bucket where every probe compares chains: printing 4,096 nested sin took 31 s.
/// Equal subexpressions held as separate objects are then visited once each, which costs
/// time in proportion to their size, never more. The key (an ex) keeps its node alive, so
/// an address is never reused while it is in the table.
struct node_identity {
    std::size_t operator()(const GiNaC::ex& e) const noexcept {
        return std::hash<const void*>()(&GiNaC::ex_to<GiNaC::basic>(e));
    }
    bool operator()(const GiNaC::ex& a, const GiNaC::ex& b) const noexcept {
        return GiNaC::are_ex_trivially_equal(a, b);
    }
};

template <class Value>
using node_map = std::unordered_map<GiNaC::ex, Value, node_identity, node_identity>;

using node_set = std::unordered_set<GiNaC::ex, node_identity, node_identity>;

}  // namespace ddx::detail
