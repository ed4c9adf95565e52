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
// when a choice of operands fails.
class renaming_search {
public:
    renaming_search(shape_hasher& hasher, std::size_t max_steps) : steps_left_(max_steps), hasher_(hasher) {}

    // A match is the proof: a node of a renamed is GiNaC's evaluation of its renamed
    // operands, and b's node, already evaluated, has exactly those (renaming one to one
    // merges no two terms or factors). Hence only classes whose whole content is their
    // operands (and a function's serial) take part: not, say, a derivative of an unknown
    // function, whose parameters are no operands.
    bool matches(const ex& a, const ex& b) {
        if (steps_left_ == 0) return false;
        --steps_left_;
        if (class_of(a) != class_of(b) || a.nops() != b.nops()) return false;
        if (is_class<GiNaC::symbol>(a)) return bind(a, b);
        if (is_class<GiNaC::numeric>(a) || class_of(a) == &GiNaC::constant::get_class_info_static()) return a.is_equal(b);
        if (hash(a) != hash(b)) return false;
        if (is_commutative_sequence(a)) return operands_in_any_order(a, b);
        if (class_of(a) == &GiNaC::function::get_class_info_static()) {
            if (GiNaC::ex_to<GiNaC::function>(a).get_serial() != GiNaC::ex_to<GiNaC::function>(b).get_serial()) return false;
        } else if (!is_class<GiNaC::power>(a)) {
            return false;
        }
        for (std::size_t i = 0; i < a.nops(); ++i) {
            if (!matches(a.op(i), b.op(i))) return false;
        }
        return true;
    }

    bool gave_up() const { return steps_left_ == 0; }
    std::size_t steps_left() const { return steps_left_; }
    const GiNaC::exmap& renaming() const { return forward_; }

private:
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
    // equal coefficient; the rarest shapes first, so that a wrong binding fails early.
    bool operands_in_any_order(const ex& a, const ex& b) {
        if (!expairs::number(a).is_equal(expairs::number(b))) return false;
        const GiNaC::epvector &left = expairs::of(a), &right = expairs::of(b);
        const std::size_t n = left.size();
        if (right.size() != n) return false;
        std::vector<std::size_t> left_hash(n), right_hash(n);
        for (std::size_t i = 0; i < n; ++i) {
            left_hash[i] = hasher_.pair_hash(left[i]);
            right_hash[i] = hasher_.pair_hash(right[i]);
        }
        auto alike_on_right = [&](std::size_t i) { return std::count(right_hash.begin(), right_hash.end(), left_hash[i]); };
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return alike_on_right(i) < alike_on_right(j); });
        std::vector<bool> used(n, false);
        return pair_from(0, order, left, right, left_hash, right_hash, used);
    }

    bool pair_from(std::size_t k, const std::vector<std::size_t>& order, const GiNaC::epvector& left,
                   const GiNaC::epvector& right, const std::vector<std::size_t>& left_hash,
                   const std::vector<std::size_t>& right_hash, std::vector<bool>& used) {
        if (k == order.size()) return true;
        const std::size_t i = order[k];
        for (std::size_t j = 0; j < right.size(); ++j) {
            if (used[j] || right_hash[j] != left_hash[i] || !left[i].coeff.is_equal(right[j].coeff)) continue;
            const std::size_t mark = bound_.size();
            if (matches(left[i].rest, right[j].rest)) {
                used[j] = true;
                if (pair_from(k + 1, order, left, right, left_hash, right_hash, used)) return true;
                used[j] = false;
            }
            undo_to(mark);
            if (gave_up()) return false;
        }
        return false;
    }

    std::size_t hash(const ex& e) { return hasher_(e); }

    std::size_t steps_left_;
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

std::optional<ex> renaming_memo::renamed_from_seen(std::size_t key, const ex& raw) {
    auto bucket = seen_.find(key);
    if (bucket == seen_.end()) return std::nullopt;
    std::size_t tried = 0;
    for (const seen_entry& s : bucket->second) {
        if (++tried > max_tried_per_shape || search_steps_left_ == 0) break;
        std::size_t steps = std::min(max_search_steps, search_steps_left_);
        const std::size_t granted = steps;
        auto renaming = renaming_with(*hasher_, s.raw, raw, steps);
        search_steps_left_ -= granted - steps;
        if (renaming) return s.simplified.subs(*renaming, GiNaC::subs_options::no_pattern);
    }
    return std::nullopt;
}

void renaming_memo::remember(std::size_t key, const ex& raw, const ex& simplified) {
    seen_[key].push_back({raw, simplified});
}

}  // namespace ddx
