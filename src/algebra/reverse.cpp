// Reverse accumulation over an expression DAG (ddx::reverse_gradient). The distinct nodes
// of f are put in an order where every node comes after its children (a post-order walk);
// then, from f down, each node's adjoint (d f / d node) is the sum of the contributions its
// parents left, built as one GiNaC::add, and the node leaves adjoint * (d node / d child)
// with each child that depends on a variable. A variable's entry is its adjoint. Nodes are
// keyed by identity, sums and products read through their stored pairs (op(i) would build
// every term and factor afresh), and arithmetic built with GiNaC's constructors.
#include <ddx/differentiator.hpp>
#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/printer.hpp>
#include <ddx/reverse.hpp>

#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/expairs.hpp"
#include "core/real_domain.hpp"
#include "core/undefined_functions.hpp"
#include "algebra/ordering.hpp"
#include "algebra/reverse_program.hpp"

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::numeric;

namespace {

class reverse_sweep {
public:
    // `as_program`: every compound adjoint becomes a fresh symbol with its definition (see
    // gradient_program) instead of being built into the entries.
    explicit reverse_sweep(const std::vector<ex>& variables, bool as_program = false, std::string names = {})
        : as_program_(as_program), names_(std::move(names)) {
        for (const ex& x : variables) {
            if (!is_symbol(x)) {
                throw error("a gradient is taken with respect to names, not " + describe(x));
            }
            auto [it, added] = slots_.emplace(x, slot_variables_.size());
            if (added) slot_variables_.push_back(x);
            slot_of_.push_back(it->second);
        }
    }

    GiNaC::lst gradient(const ex& f) {
        if (GiNaC::is_a<GiNaC::lst>(f)) throw error("a gradient by reverse accumulation is of one expression, not a list");
        order(f);
        std::vector<std::vector<ex>> entries(slot_variables_.size());
        contributions_.assign(nodes_.size(), {});
        contributions_.back().push_back(numeric(1));  // d f / d f
        for (size_t k = nodes_.size(); k-- > 0;) {
            if ((k & 1023) == 0) check_stop();
            node& n = nodes_[k];
            if (!n.depends || contributions_[k].empty()) continue;
            adjoint_ = one_sum(contributions_[k]);
            std::vector<ex>().swap(contributions_[k]);
            if (as_program_ && !is_class<GiNaC::numeric>(adjoint_) && !is_symbol(adjoint_)) {
                // named by its node's structure, not by its place in the sweep (which follows
                // GiNaC's hash order): lowering orders operands by name, and the C must not
                // depend on GiNaC's serial numbers
                GiNaC::symbol name(names_ + std::to_string(stable_hash_(n.e)));
                definitions_.emplace_back(name, adjoint_);
                adjoint_ = name;
            }
            scaled_.clear();
            propagate(k, entries);
        }
        GiNaC::lst out;
        std::vector<ex> by_slot;
        for (std::vector<ex>& c : entries) by_slot.push_back(c.empty() ? ex(0) : one_sum(c));
        for (size_t s : slot_of_) out.append(by_slot[s]);
        return out;
    }

    std::vector<std::pair<ex, ex>>& definitions() { return definitions_; }

private:
    // A distinct node, its children as places in nodes_ (recorded once: GiNaC's comparisons
    // may later repoint an operand to another object equal to it, so looking the operands
    // up again by identity could miss), and whether it depends on a variable.
    struct node {
        ex e;
        std::vector<size_t> children;
        bool depends = false;
    };

    static std::string describe(const ex& x) { return "'" + to_string(x) + "'"; }

    static bool is_symbol(const ex& e) { return is_class<GiNaC::symbol>(e); }

    // The entry of a symbol (SIZE_MAX if it is no variable), looked up with a copy of the
    // handle: GiNaC's comparison repoints a handle to the other object when they are equal,
    // which would change the identity of a node held by the walk.
    size_t slot(const ex& symbol) const {
        ex copy = symbol;
        auto it = slots_.find(copy);
        return it == slots_.end() ? SIZE_MAX : it->second;
    }

    static ex one_sum(std::vector<ex>& terms) {
        if (terms.size() == 1) return terms.front();
        return GiNaC::add(terms);
    }

    // The children a node passes its adjoint to: a sum's terms and a product's factors as
    // stored in their pairs (in the pairs' order), a power's base and exponent, a call's
    // arguments.
    static void children(const ex& e, std::vector<ex>& out) {
        out.clear();
        if (is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e)) {
            for (const GiNaC::expair& p : expairs::of(e)) out.push_back(p.rest);
            return;
        }
        for (size_t i = 0; i < e.nops(); ++i) out.push_back(e.op(i));
    }

    // nodes_ in post-order (children first, f last), without recursion: a chain of calls
    // may be deeper than the stack.
    void order(const ex& f) {
        struct frame {
            ex e;
            std::vector<ex> children;
            size_t next = 0;
        };
        detail::node_map<size_t> index;  // node -> its place in nodes_, once done
        std::vector<frame> stack;
        auto enter = [&](const ex& e) {
            if (index.count(e)) return;
            index.emplace(e, SIZE_MAX);  // on the stack: a DAG has no cycles, so not met again before done
            frame fr{e, {}, 0};
            children(e, fr.children);
            stack.push_back(std::move(fr));
        };
        enter(f);
        while (!stack.empty()) {
            frame& top = stack.back();
            if (top.next < top.children.size()) {
                ex c = top.children[top.next++];
                enter(c);
                continue;
            }
            node n{top.e, {}, false};
            n.depends = is_symbol(top.e) && slot(top.e) != SIZE_MAX;
            for (const ex& c : top.children) {
                size_t i = index.at(c);
                n.children.push_back(i);
                n.depends = n.depends || nodes_[i].depends;
            }
            index[top.e] = nodes_.size();
            nodes_.push_back(std::move(n));
            stack.pop_back();
        }
    }

    void contribute(size_t child, const ex& c) {
        if (nodes_[child].depends && !c.is_zero()) contributions_[child].push_back(c);
    }

    // adjoint * c for a number c, once per node and number (GiNaC distributes a number over
    // a sum: every term of a sum leaving the same -adjoint would build its own copy).
    ex scaled(const numeric& c) {
        if (c.is_equal(numeric(1))) return adjoint_;
        for (const auto& [k, v] : scaled_) {
            if (k.is_equal(c)) return v;
        }
        scaled_.emplace_back(c, times(adjoint_, c));
        return scaled_.back().second;
    }

    void propagate(size_t k, std::vector<std::vector<ex>>& entries) {
        const ex& e = nodes_[k].e;
        const std::vector<size_t>& child = nodes_[k].children;
        if (is_symbol(e)) {
            entries[slot(e)].push_back(adjoint_);
            return;
        }
        if (is_class<GiNaC::add>(e)) {
            const GiNaC::epvector& pairs = expairs::of(e);
            for (size_t i = 0; i < pairs.size(); ++i) {
                if (nodes_[child[i]].depends) contribute(child[i], scaled(GiNaC::ex_to<numeric>(pairs[i].coeff)));
            }
            return;
        }
        if (is_class<GiNaC::mul>(e)) {
            product_partials(e, child);
            return;
        }
        if (is_class<GiNaC::power>(e)) {
            const ex& base = nodes_[child[0]].e;
            const ex& exponent = nodes_[child[1]].e;
            if (nodes_[child[0]].depends) {
                ex lowered = real_pow(base, exponent - 1);
                if (is_class<GiNaC::numeric>(exponent)) {
                    const numeric& n = GiNaC::ex_to<numeric>(exponent);
                    contribute(child[0], lowered.is_equal(numeric(1)) ? scaled(n) : GiNaC::mul(adjoint_, lowered, n));
                } else {
                    contribute(child[0], GiNaC::mul(adjoint_, exponent, lowered));
                }
            }
            if (nodes_[child[1]].depends) contribute(child[1], GiNaC::mul(adjoint_, e, GiNaC::log(base)));
            return;
        }
        if (GiNaC::is_a<GiNaC::function>(e) && child.size() == 1 && !is_fderivative(e)) {
            contribute(child[0], times(adjoint_, calls_.call_derivative(e)));
            return;
        }
        // No local rule (a call of several arguments, f'(u) of an undefined f, a list, ...): this node's total
        // derivatives, forward, with the same differentiator ddx::diff uses.
        for (size_t s = 0; s < slot_variables_.size(); ++s) {
            if (!forward_[s]) forward_[s] = std::make_unique<differentiator>(slot_variables_[s]);
            ex d = (*forward_[s])(e);
            if (!d.is_zero()) entries[s].push_back(times(adjoint_, d));
        }
    }

    // d (c * prod b_j^p_j) / d b_i = c * p_i * b_i^(p_i - 1) * prod_{j != i} b_j^p_j: the
    // product of the other factors (never the product divided by b_i, which is 0/0 where
    // b_i is 0), times the adjoint, as one flat product.
    void product_partials(const ex& e, const std::vector<size_t>& child) {
        const GiNaC::epvector& pairs = expairs::of(e);
        const numeric& coefficient = expairs::number(e);
        for (size_t i = 0; i < pairs.size(); ++i) {
            if (!nodes_[child[i]].depends) continue;
            const ex& b = nodes_[child[i]].e;
            const numeric& p = GiNaC::ex_to<numeric>(pairs[i].coeff);
            numeric c = coefficient * p;
            if (pairs.size() == 1 && p.is_equal(numeric(1))) {
                contribute(child[i], scaled(c));
                continue;
            }
            GiNaC::exvector factors;
            factors.reserve(pairs.size() + 2);
            for (size_t j = 0; j < pairs.size(); ++j) {
                if (j == i) continue;
                const ex& q = pairs[j].coeff;
                const ex& other = nodes_[child[j]].e;
                factors.push_back(q.is_equal(numeric(1)) ? other : real_pow(other, q));
            }
            if (!p.is_equal(numeric(1))) factors.push_back(real_pow(b, p - 1));
            factors.push_back(adjoint_);
            factors.push_back(c);
            contribute(child[i], GiNaC::mul(factors));
        }
    }

    std::map<ex, size_t, GiNaC::ex_is_less> slots_;  // a variable -> its entry
    std::vector<ex> slot_variables_;
    std::vector<size_t> slot_of_;  // variables[i] -> its slot
    std::vector<node> nodes_;      // post-order: children before parents
    std::vector<std::vector<ex>> contributions_;
    ex adjoint_;  // of the node being propagated
    std::vector<std::pair<numeric, ex>> scaled_;
    differentiator calls_{GiNaC::ex(0)};  // only its call_derivative is used
    std::map<size_t, std::unique_ptr<differentiator>> forward_;
    bool as_program_;
    std::string names_;  // as_program: the names' prefix
    stable_hasher stable_hash_;
    std::vector<std::pair<ex, ex>> definitions_;  // as_program: adjoint names, in order
};

}  // namespace

GiNaC::lst reverse_gradient(const ex& f, const std::vector<ex>& variables) {
    return reverse_sweep(variables).gradient(f);
}

namespace {

// Keyed by structure: the interpreter may hand back an equal list, not the same object. A
// list is read through its own iterator: GiNaC's hash and comparison of a lst read its i-th
// element by op(i), which walks i steps (quadratic in a gradient of 8,700 entries: 0.2 s).
// (GiNaC's is_equal compares hashes first.) Lists within lists are read the same way.
struct list_hash {
    std::size_t operator()(const ex& e) const {
        if (!GiNaC::is_a<GiNaC::lst>(e)) return e.gethash();
        std::size_t h = 0;
        for (const ex& x : GiNaC::ex_to<GiNaC::lst>(e)) h = h * 1000003 ^ (*this)(x);
        return h;
    }
};
struct list_equal {
    bool operator()(const ex& a, const ex& b) const {
        const bool a_list = GiNaC::is_a<GiNaC::lst>(a);
        if (a_list != GiNaC::is_a<GiNaC::lst>(b)) return false;
        if (!a_list) return a.is_equal(b);
        const GiNaC::lst &p = GiNaC::ex_to<GiNaC::lst>(a), &q = GiNaC::ex_to<GiNaC::lst>(b);
        if (p.nops() != q.nops()) return false;
        for (auto i = p.begin(), j = q.begin(); i != p.end(); ++i, ++j) {
            if (!(*this)(*i, *j)) return false;
        }
        return true;
    }
};
// A few: a gradient is remembered to be lowered soon after (ccode, compile, fit), and a big
// one is big (the entries of a loss whose adjoints are sums: 400 MB for 5,000 variables).
constexpr std::size_t remembered_gradients = 8;
thread_local std::unordered_map<ex, gradient_origin, list_hash, list_equal> gradient_origins;

}  // namespace

void remember_gradient(const ex& result, const ex& function, const std::vector<ex>& variables) {
    // a result that nobody else holds any more (the table's key is its last reference) goes
    for (auto it = gradient_origins.begin(); it != gradient_origins.end();) {
        it = GiNaC::ex_to<GiNaC::basic>(it->first).get_refcount() <= 1 ? gradient_origins.erase(it) : std::next(it);
    }
    if (gradient_origins.size() >= remembered_gradients) gradient_origins.clear();
    gradient_origins.insert_or_assign(result, gradient_origin{function, variables});
}

std::optional<gradient_origin> origin_of_gradient(const ex& e) {
    if (!GiNaC::is_a<GiNaC::lst>(e)) return std::nullopt;
    auto known = gradient_origins.find(e);
    if (known == gradient_origins.end()) return std::nullopt;
    return known->second;
}

gradient_program reverse_gradient_program(const ex& f, const std::vector<ex>& variables, const std::string& names) {
    reverse_sweep sweep(variables, true, names);
    gradient_program program;
    program.entries = sweep.gradient(f);
    program.definitions = std::move(sweep.definitions());
    return program;
}

std::size_t distinct_nodes(const ex& e) {
    detail::node_set seen;
    std::size_t n = 0;
    visit_distinct(e, seen, [&](const ex&) { ++n; });
    return n;
}

}  // namespace ddx
