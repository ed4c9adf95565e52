#include "algebra/renaming.hpp"

#include "core/class_test.hpp"
#include "core/expairs.hpp"

#include <ddx/detail/node_map.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>

namespace ddx {

using GiNaC::ex;

namespace {

// splitmix64's finalizer: every input bit moves every output bit, so that sums of mixed
// operand hashes (order-free) and chains of calls (f(f(f(a)))) do not collide by structure.
std::uint64_t mixed(std::uint64_t h) {
    h += 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

const void* class_of(const ex& e) { return &GiNaC::ex_to<GiNaC::basic>(e).get_class_info(); }

bool is_commutative_sequence(const ex& e) { return is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e); }

}  // namespace

// shape_hash over the DAG: each distinct node once.
struct shape_hasher {
    detail::node_map<std::size_t> memo;

    std::size_t pair_hash(const GiNaC::expair& p) { return mixed((*this)(p.rest) ^ mixed(p.coeff.gethash())); }

    std::size_t operator()(const ex& e) {
        auto known = memo.find(e);
        if (known != memo.end()) return known->second;
        std::size_t h = uncached(e);
        memo.emplace(e, h);
        return h;
    }

    std::size_t uncached(const ex& e) {
        if (is_class<GiNaC::symbol>(e)) return 0x5eed;
        std::uint64_t h = mixed(reinterpret_cast<std::uintptr_t>(class_of(e)) ^ e.nops());
        if (e.nops() == 0) return mixed(h ^ e.gethash());  // numbers, constants: by value
        if (GiNaC::is_a<GiNaC::function>(e)) h = mixed(h ^ GiNaC::ex_to<GiNaC::function>(e).get_serial());
        if (is_commutative_sequence(e)) {  // its stored pairs, no operand built
            std::uint64_t sum = 0;
            for (const GiNaC::expair& p : expairs::of(e)) sum += pair_hash(p);
            return mixed(h ^ sum ^ mixed(expairs::number(e).gethash()));
        }
        for (const ex& operand : e) h = mixed(h ^ (*this)(operand));
        return h;
    }
};

namespace {

// The search for a renaming: symbols of a bound to symbols of b one to one, undone in order
// when a choice of operands fails. The search backtracks over every choice: each step is
// solved with the rest of the match still pending (a chain of goals), so that a binding an
// early operand chose (w12 to w12 inside a sum alike in every unit) can be taken back when a
// later one needs another (w12 to w11). Matching each operand on its own and keeping the first
// success missed the renamings of a network's Hessian entries that swap two inputs.
class renaming_search {
public:
    renaming_search(shape_hasher& hasher, std::size_t max_steps) : steps_left_(max_steps), hasher_(hasher) {}

    bool matches(const ex& a, const ex& b) {
        const goal whole{&a, &b, nullptr, 0, nullptr};
        return solve(&whole);
    }

    bool gave_up() const { return steps_left_ == 0; }
    std::size_t steps_left() const { return steps_left_; }
    const GiNaC::exmap& renaming() const { return forward_; }

private:
    struct pairing;

    // What is left to match: a node of a against a node of b, or (`sequence` set) the
    // operands of a sum or product from `next_operand` on; then `rest`.
    struct goal {
        const ex* a;
        const ex* b;
        pairing* sequence;
        std::size_t next_operand;
        const goal* rest;
    };

    // The stored pairs of a sum or product and of its counterpart, the order in which a's are
    // paired (the rarest shapes first, so that a wrong binding fails early), b's taken so far.
    struct pairing {
        const GiNaC::epvector& left;
        const GiNaC::epvector& right;
        std::vector<std::size_t> left_hash, right_hash, order;
        std::vector<bool> used;
    };

    // Every goal solved waits on the stack for the rest of the match: the depth grows with
    // the nodes matched, so a search this deep gives up (the entry is simplified instead).
    static constexpr std::size_t max_depth = 4000;

    bool solve(const goal* g) {
        if (g == nullptr) return true;
        if (steps_left_ == 0) return false;
        --steps_left_;
        if (depth_ >= max_depth) {
            steps_left_ = 0;
            return false;
        }
        ++depth_;
        const bool solved = g->sequence ? pair_from(*g->sequence, g->next_operand, g->rest) : match_node(*g->a, *g->b, g->rest);
        --depth_;
        return solved;
    }

    // A match is the proof: a node of a renamed is GiNaC's evaluation of its renamed
    // operands, and b's node, already evaluated, has exactly those (renaming one to one
    // merges no two terms or factors). Hence only classes whose whole content is their
    // operands (and a function's serial) take part: not, say, a derivative of an unknown
    // function, whose parameters are no operands.
    bool match_node(const ex& a, const ex& b, const goal* rest) {
        if (class_of(a) != class_of(b) || a.nops() != b.nops()) return false;
        if (is_class<GiNaC::symbol>(a)) {
            const std::size_t mark = bound_.size();
            if (bind(a, b) && solve(rest)) return true;
            undo_to(mark);
            return false;
        }
        if (is_class<GiNaC::numeric>(a) || class_of(a) == &GiNaC::constant::get_class_info_static()) {
            return a.is_equal(b) && solve(rest);
        }
        if (hash(a) != hash(b)) return false;
        if (is_commutative_sequence(a)) return operands_in_any_order(a, b, rest);
        if (class_of(a) == &GiNaC::function::get_class_info_static()) {
            if (GiNaC::ex_to<GiNaC::function>(a).get_serial() != GiNaC::ex_to<GiNaC::function>(b).get_serial()) return false;
        } else if (!is_class<GiNaC::power>(a)) {
            return false;
        }
        return operands_from(a, b, rest);
    }

    // The operands of a function or power in order (ex::op returns copies: they are kept).
    bool operands_from(const ex& a, const ex& b, const goal* rest) {
        const std::size_t n = a.nops();
        std::vector<ex> operands;
        operands.reserve(2 * n);
        for (std::size_t i = 0; i < n; ++i) operands.push_back(a.op(i)), operands.push_back(b.op(i));
        std::vector<goal> chain(n);
        for (std::size_t k = n; k-- > 0;) {
            chain[k] = goal{&operands[2 * k], &operands[2 * k + 1], nullptr, 0, k + 1 < n ? &chain[k + 1] : rest};
        }
        return solve(n ? &chain[0] : rest);
    }

    bool bind(const ex& a, const ex& b) {
        auto known = forward_.find(a);
        if (known != forward_.end()) return known->second.is_equal(b);
        if (backward_.count(b)) return false;
        const auto& from = GiNaC::ex_to<GiNaC::symbol>(a);
        const auto& to = GiNaC::ex_to<GiNaC::symbol>(b);
        if (from.get_name().size() != to.get_name().size() || from.get_domain() != to.get_domain()) return false;
        forward_.emplace(a, b);
        backward_.emplace(b, a);
        bound_.push_back(a);
        return true;
    }

    void undo_to(std::size_t mark) {
        while (bound_.size() > mark) {
            auto f = forward_.find(bound_.back());
            backward_.erase(f->second);
            forward_.erase(f);
            bound_.pop_back();
        }
    }

    // The stored pairs of a sum or product paired with b's, each pair alike in shape and of
    // equal coefficient.
    bool operands_in_any_order(const ex& a, const ex& b, const goal* rest) {
        if (!expairs::number(a).is_equal(expairs::number(b))) return false;
        pairing p{expairs::of(a), expairs::of(b), {}, {}, {}, {}};
        const std::size_t n = p.left.size();
        if (p.right.size() != n) return false;
        p.left_hash.resize(n);
        p.right_hash.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            p.left_hash[i] = hasher_.pair_hash(p.left[i]);
            p.right_hash[i] = hasher_.pair_hash(p.right[i]);
        }
        auto alike_on_right = [&](std::size_t i) { return std::count(p.right_hash.begin(), p.right_hash.end(), p.left_hash[i]); };
        p.order.resize(n);
        std::iota(p.order.begin(), p.order.end(), 0);
        std::stable_sort(p.order.begin(), p.order.end(), [&](std::size_t i, std::size_t j) { return alike_on_right(i) < alike_on_right(j); });
        p.used.assign(n, false);
        return pair_from(p, 0, rest);
    }

    bool pair_from(pairing& p, std::size_t k, const goal* rest) {
        if (k == p.order.size()) return solve(rest);
        const std::size_t i = p.order[k];
        for (std::size_t j = 0; j < p.right.size(); ++j) {
            if (p.used[j] || p.right_hash[j] != p.left_hash[i] || !p.left[i].coeff.is_equal(p.right[j].coeff)) continue;
            p.used[j] = true;
            const goal others{nullptr, nullptr, &p, k + 1, rest};
            const goal this_pair{&p.left[i].rest, &p.right[j].rest, nullptr, 0, &others};
            if (solve(&this_pair)) return true;
            p.used[j] = false;
            if (gave_up()) return false;
        }
        return false;
    }

    std::size_t hash(const ex& e) { return hasher_(e); }

    std::size_t steps_left_;
    std::size_t depth_ = 0;
    shape_hasher& hasher_;
    GiNaC::exmap forward_;
    std::map<ex, ex, GiNaC::ex_is_less> backward_;
    std::vector<ex> bound_;
};

// The search within `steps_left`, which is lowered by the steps it took.
std::optional<GiNaC::exmap> renaming_with(shape_hasher& hasher, const ex& a, const ex& b, std::size_t& steps_left) {
    renaming_search search(hasher, steps_left);
    const bool found = search.matches(a, b) && !search.gave_up();
    steps_left = search.steps_left();
    if (!found) return std::nullopt;
    return search.renaming();
}

// A search gives up after this many comparisons of nodes (a few dozen find a network's), and
// all searches of one memo after this many in all (a tenth of a second or so): entries of
// one shape that are no renamings of each other cost searches and save nothing.
constexpr std::size_t max_search_steps = 20000;
constexpr std::size_t max_memo_search_steps = 200000;

// At most this many earlier entries of one shape are tried for a renaming: alike shapes that
// are not renamings of each other (x*y against x^2 hash differently, but x*y + z and x*z + y
// with a third symbol's roles swapped do not) cost a search each.
constexpr std::size_t max_tried_per_shape = 4;

}  // namespace

std::size_t shape_hash(const ex& e) { return shape_hasher()(e); }

std::optional<GiNaC::exmap> renaming_between(const ex& a, const ex& b, std::size_t max_steps) {
    shape_hasher hasher;
    return renaming_with(hasher, a, b, max_steps);
}

renaming_memo::renaming_memo() : hasher_(std::make_unique<shape_hasher>()), search_steps_left_(max_memo_search_steps) {}
renaming_memo::~renaming_memo() = default;

std::size_t renaming_memo::key_of(const ex& raw) { return (*hasher_)(raw); }

std::optional<ex> renaming_memo::renamed_from_seen(std::size_t key, const ex& raw, std::optional<renamed_from>* origin) {
    if (origin) origin->reset();
    auto bucket = seen_.find(key);
    if (bucket == seen_.end()) return std::nullopt;
    std::size_t tried = 0;
    for (const seen_entry& s : bucket->second) {
        if (++tried > max_tried_per_shape || search_steps_left_ == 0) break;
        std::size_t steps = std::min(max_search_steps, search_steps_left_);
        const std::size_t granted = steps;
        auto renaming = renaming_with(*hasher_, s.raw, raw, steps);
        search_steps_left_ -= granted - steps;
        if (!renaming) continue;
        ex result = renamer(*renaming)(s.simplified);
        if (origin) *origin = renamed_from{s.entry, std::move(*renaming)};
        return result;
    }
    return std::nullopt;
}

void renaming_memo::remember(std::size_t key, const ex& raw, const ex& simplified, std::size_t entry) {
    seen_[key].push_back({raw, simplified, entry});
}

ex renamer::operator()(const ex& e) {
    if (is_class<GiNaC::symbol>(e)) {
        auto it = names_.find(e);
        return it == names_.end() ? e : it->second;
    }
    if (e.nops() == 0) return e;
    auto known = done_.find(e);
    if (known != done_.end()) return known->second;
    ex out = rebuilt(e);
    done_.emplace(e, out);
    return out;
}

// Each node by its constructor, which evaluates it as GiNaC's subs would (subs walks the whole
// tree and looks every node up in the map: a tenth of a Hessian's time when most entries are
// renamed ones).
ex renamer::rebuilt(const ex& e) {
    bool changed = false;
    if (is_commutative_sequence(e)) {
        GiNaC::epvector pairs;
        pairs.reserve(expairs::of(e).size());
        for (const GiNaC::expair& p : expairs::of(e)) {
            ex rest = (*this)(p.rest);
            changed = changed || !GiNaC::are_ex_trivially_equal(rest, p.rest);
            pairs.emplace_back(rest, p.coeff);
        }
        if (!changed) return e;
        if (is_class<GiNaC::add>(e)) return GiNaC::add(std::move(pairs), expairs::number(e));
        return GiNaC::mul(std::move(pairs), expairs::number(e));
    }
    GiNaC::exvector operands;
    operands.reserve(e.nops());
    for (const ex& c : e) {
        operands.push_back((*this)(c));
        changed = changed || !GiNaC::are_ex_trivially_equal(operands.back(), c);
    }
    if (!changed) return e;
    if (is_class<GiNaC::power>(e)) return GiNaC::pow(operands[0], operands[1]);
    if (class_of(e) == &GiNaC::function::get_class_info_static()) {
        return GiNaC::function(GiNaC::ex_to<GiNaC::function>(e).get_serial(), operands);
    }
    return e.subs(names_, GiNaC::subs_options::no_pattern);
}


}  // namespace ddx
