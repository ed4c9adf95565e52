// Expressions alike up to a renaming of their symbols. The entries of a gradient, Jacobian or
// Hessian of a model with repeated parts (the units of a layer, the terms of a sum) come in
// classes that differ only in which symbols they name: ∂²L/∂w11² and ∂²L/∂w21² of a network
// are one expression with the weights of unit 1 or of unit 2. Simplifying costs up to a
// millisecond per entry; finding the renaming costs a walk of the two trees. So the entries
// of one gradient, Jacobian or Hessian are simplified once per class (renaming_memo).
#pragma once

#include <ddx/detail/node_map.hpp>

#include <ginac/ginac.h>
#include <cstddef>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace ddx {

/// A hash of e that every renaming of its symbols keeps: all symbols hash alike, and sums and
/// products hash their operands in any order (GiNaC orders them by hash, which follows the
/// symbols' identities). Alike expressions hash alike; the converse is not promised.
std::size_t shape_hash(const GiNaC::ex& e);

/// A renaming of a's symbols, one to one onto symbols of b, under which a is b (node by node,
/// sums and products in any order of their operands); nothing where there is none, or where
/// finding one takes more than `max_steps` comparisons of nodes (backtracking over alike
/// operands can be exponential). Only symbols whose names have the same length are paired,
/// so that a renamed form prints as long as the form it came from.
std::optional<GiNaC::exmap> renaming_between(const GiNaC::ex& a, const GiNaC::ex& b, std::size_t max_steps = 20000);

struct shape_hasher;

/// simplify's results within one gradient, Jacobian or Hessian, by entry: an entry alike up
/// to a renaming to one simplified before is that one's result, renamed. The memo lives as
/// long as one such call, so a result depends on that call's entries only, in their order.
/// \code
/// renaming_memo memo;
/// for (...) out.append(memo.simplified(raw, [&] { return simplify_derivative(raw, f); }));
/// \endcode
class renaming_memo {
public:
    renaming_memo();
    ~renaming_memo();

    /// Where a result came from: the `entry`-th call of simplified (counted from 0), whose
    /// simplified form renamed by `renaming` it is.
    struct renamed_from {
        std::size_t entry;
        GiNaC::exmap renaming;
    };

    /// raw simplified, by `simplify` or as a renaming of an earlier entry (then `origin`, if
    /// given, says which entry and renaming; else it is left empty).
    template <class Simplify>
    GiNaC::ex simplified(const GiNaC::ex& raw, Simplify&& simplify, std::optional<renamed_from>* origin = nullptr) {
        const std::size_t key = key_of(raw);
        const std::size_t entry = entries_++;
        if (auto known = renamed_from_seen(key, raw, origin)) return *known;
        GiNaC::ex result = simplify();
        remember(key, raw, result, entry);
        return result;
    }

private:
    struct seen_entry {
        GiNaC::ex raw, simplified;
        std::size_t entry;
    };
    std::size_t key_of(const GiNaC::ex& raw);
    std::optional<GiNaC::ex> renamed_from_seen(std::size_t key, const GiNaC::ex& raw, std::optional<renamed_from>* origin);
    void remember(std::size_t key, const GiNaC::ex& raw, const GiNaC::ex& simplified, std::size_t entry);

    std::unique_ptr<shape_hasher> hasher_;  // the shapes of every node seen, by identity
    std::size_t search_steps_left_;         // for all searches of this memo
    std::size_t entries_ = 0;
    std::unordered_map<std::size_t, std::vector<seen_entry>> seen_;
};

/// Expressions with their symbols renamed by one renaming (from renaming_between or
/// renaming_memo), each distinct node rebuilt once, also across the expressions renamed (the
/// entries of a Hessian's row share most of their nodes).
class renamer {
public:
    explicit renamer(const GiNaC::exmap& names) : names_(names) {}
    GiNaC::ex operator()(const GiNaC::ex& e);

private:
    GiNaC::ex rebuilt(const GiNaC::ex& e);

    const GiNaC::exmap& names_;
    detail::node_map<GiNaC::ex> done_;
};

}  // namespace ddx
