// The shared-factor pass (share_factors, declared in shared_factors.hpp): products across a
// lowered tape share their common factors, so that a gradient costs what a hand-written
// backward pass costs. It works on the tape, after the lowering, because only there are the
// products of all outputs seen together as multisets of registers: the expressions GiNaC
// builds for d/dw and d/db of one loss share no node for their common factor.
#include "numeric/shared_factors.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace ddx {

namespace {

// Products across the whole tape share their common factors. Every product is
// flattened into its multiset of factors (through shared sub-products too); then
//  1. a product containing all the factors of a smaller one is rewritten as that product
//     times the rest (a gradient's d/dw = d/db * x, as in a hand-written backward pass);
//  2. the pair of factors occurring in most products becomes one temporary, repeatedly
//     (the greedy pair extraction of classic CSE).
class product_sharing {
public:
    explicit product_sharing(const tape& p) : p_(p), root_(p.code.size(), false) {
        std::vector<bool> used_elsewhere(p.code.size(), false);
        for (const instruction& i : p.code) {
            if (i.op == instruction::kind::input || i.op == instruction::kind::constant) continue;
            for (int operand : {i.a, i.b}) {
                if (operand >= 0 && i.op != instruction::kind::mul) used_elsewhere[operand] = true;
            }
        }
        for (int o : p.outputs) used_elsewhere[o] = true;
        for (size_t i = 0; i < p.code.size(); ++i) root_[i] = is_mul(static_cast<int>(i)) && used_elsewhere[i];
    }

    tape shared() {
        size_t work = 0;
        for (size_t i = 0; i < p_.code.size(); ++i) {
            if (root_[i]) collect_chain(static_cast<int>(i), work);
        }
        if (work <= max_work) {
            reuse_smaller_products();
            extract_pairs();
        }
        return rebuild();
    }

private:
    static constexpr size_t max_leaves = 64;       // per product; deeper factors stay whole
    static constexpr size_t max_work = 2000000;    // pairs counted over all products
    static constexpr size_t max_comparisons = 20000000;  // reuse_smaller_products' subset tests

    bool is_mul(int r) const { return p_.code[r].op == instruction::kind::mul; }

    // The factors of product r. A multiplication kept whole past max_leaves becomes a
    // product of its own, so that rebuild computes it before the products using it (it
    // precedes them: operands come first).
    void collect_chain(int r, size_t& work) {
        std::vector<int> leaves;
        collect_leaves(r, leaves);
        std::sort(leaves.begin(), leaves.end());
        work += leaves.size() * leaves.size();
        chains_[r] = leaves;
        for (int l : leaves) {
            if (is_mul(l) && !root_[l]) {
                root_[l] = true;
                collect_chain(l, work);
            }
        }
    }

    void collect_leaves(int r, std::vector<int>& leaves) const {
        for (int operand : {p_.code[r].a, p_.code[r].b}) {
            if (is_mul(operand) && leaves.size() < max_leaves) {
                collect_leaves(operand, leaves);
            } else {
                leaves.push_back(operand);
            }
        }
    }

    static bool contains(const std::vector<int>& big, const std::vector<int>& small) {
        return std::includes(big.begin(), big.end(), small.begin(), small.end());
    }

    // For each product, smallest first, the largest earlier product whose factors are all
    // among its own (the earliest of those), found through an index: each earlier product is
    // filed under its factor that the fewest products have (one it must contain to be a
    // subset), so only those filed under its own factors are compared (comparing all pairs
    // took seconds for the thousands of products of a reverse-mode gradient).
    void reuse_smaller_products() {
        std::vector<int> by_size;
        for (const auto& [root, leaves] : chains_) by_size.push_back(root);
        std::stable_sort(by_size.begin(), by_size.end(),
                         [&](int a, int b) { return chains_[a].size() < chains_[b].size(); });
        std::map<int, size_t> products_with;  // factor -> how many products have it
        for (const auto& [root, leaves] : chains_) {
            for (size_t k = 0; k < leaves.size(); ++k) {
                if (k == 0 || leaves[k] != leaves[k - 1]) ++products_with[leaves[k]];
            }
        }
        std::map<int, std::vector<size_t>> filed;  // factor -> earlier products (places in by_size)
        size_t comparisons = 0;
        for (size_t i = 0; i < by_size.size() && comparisons < max_comparisons; ++i) {
            std::vector<int>& c = chains_[by_size[i]];
            size_t best = by_size.size();
            for (size_t k = 0; k < c.size(); ++k) {
                if (k > 0 && c[k] == c[k - 1]) continue;
                auto f = filed.find(c[k]);
                if (f == filed.end()) continue;
                comparisons += f->second.size();
                for (size_t j : f->second) {
                    const std::vector<int>& d = original_[by_size[j]];
                    if (d.size() > c.size() || !contains(c, d)) continue;
                    if (best == by_size.size() || d.size() > original_[by_size[best]].size() ||
                        (d.size() == original_[by_size[best]].size() && j < best)) {
                        best = j;
                    }
                }
            }
            original_[by_size[i]] = c;
            if (c.size() >= 2) {
                int key = c.front();
                for (int l : c) {
                    if (products_with[l] < products_with[key]) key = l;
                }
                filed[key].push_back(i);
            }
            if (best == by_size.size()) continue;
            const std::vector<int>& smaller = original_[by_size[best]];
            std::vector<int> rest;
            std::set_difference(c.begin(), c.end(), smaller.begin(), smaller.end(), std::back_inserter(rest));
            int id = next_id_++;
            uses_chain_[id] = by_size[best];
            rest.push_back(id);
            std::sort(rest.begin(), rest.end());
            c = rest;
        }
    }

    using pair_key = std::pair<int, int>;

    // The pairs a product contains, each with how many disjoint times (x^5 holds x*x twice).
    static std::map<pair_key, int> pairs_of(const std::vector<int>& leaves) {
        std::map<int, int> multiplicity;
        for (int l : leaves) ++multiplicity[l];
        std::map<pair_key, int> out;
        for (auto a = multiplicity.begin(); a != multiplicity.end(); ++a) {
            if (a->second >= 2) out[{a->first, a->first}] = a->second / 2;
            for (auto b = std::next(a); b != multiplicity.end(); ++b) {
                out[{a->first, b->first}] = std::min(a->second, b->second);
            }
        }
        return out;
    }

    // The pair in most products (ties: the lowest pair), replaced by a new factor in every
    // product holding it, until no pair is in two. The counts are kept up to date as
    // products change (only those holding the chosen pair do, found through an index of
    // the products each factor is in), instead of recounted every round: the same choices,
    // but linear in the pairs rather than in pairs times rounds.
    void extract_pairs() {
        std::map<pair_key, int> counts;
        std::set<std::pair<int, pair_key>> by_count;  // (-count, pair): the best first
        std::map<int, std::vector<int>> holding;      // factor -> products that may have it
        auto add_pairs = [&](const std::vector<int>& leaves, int sign) {
            for (const auto& [k, n] : pairs_of(leaves)) {
                int& c = counts[k];
                if (c > 0) by_count.erase({-c, k});
                c += sign * n;
                if (c > 0) by_count.insert({-c, k});
            }
        };
        for (const auto& [root, leaves] : chains_) {
            add_pairs(leaves, 1);
            for (size_t k = 0; k < leaves.size(); ++k) {
                if (k == 0 || leaves[k] != leaves[k - 1]) holding[leaves[k]].push_back(root);
            }
        }
        for (int round = 0; round < 100000 && !by_count.empty(); ++round) {
            auto [negative_count, best] = *by_count.begin();
            if (-negative_count < 2) return;
            int id = next_id_++;
            pairs_[id] = best;
            // the products holding both factors (twice the factor, for a square), through
            // the shorter list; entries of products that lost the factor are dropped
            std::vector<int>& first = holding[best.first];
            std::vector<int>& second = holding[best.second];
            std::vector<int>& list = first.size() <= second.size() ? first : second;
            int listed = &list == &first ? best.first : best.second;
            std::vector<int> kept, changed;
            for (int root : list) {
                const std::vector<int>& leaves = chains_.at(root);
                auto range = std::equal_range(leaves.begin(), leaves.end(), listed);
                if (range.first == range.second) continue;
                kept.push_back(root);
                size_t a = static_cast<size_t>(std::count(leaves.begin(), leaves.end(), best.first));
                size_t b = static_cast<size_t>(std::count(leaves.begin(), leaves.end(), best.second));
                if (best.first == best.second ? a >= 2 : a >= 1 && b >= 1) changed.push_back(root);
            }
            list = kept;
            std::sort(changed.begin(), changed.end());
            changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
            for (int root : changed) {
                std::vector<int>& leaves = chains_.at(root);
                add_pairs(leaves, -1);
                while (true) {
                    auto a = std::find(leaves.begin(), leaves.end(), best.first);
                    if (a == leaves.end()) break;
                    auto b = std::find(a + 1, leaves.end(), best.second);
                    if (b == leaves.end()) break;
                    leaves.erase(b);
                    leaves.erase(a);
                    leaves.push_back(id);
                }
                std::sort(leaves.begin(), leaves.end());
                add_pairs(leaves, 1);
                holding[id].push_back(root);
            }
        }
    }

    // The tape with every product computed from its (rewritten) factors, in the order of
    // the original: a product where it stood, its shared pairs and smaller products on first
    // use; other instructions copied with their operands renumbered.
    tape rebuild() {
        out_.inputs = p_.inputs;
        mapped_.assign(p_.code.size(), -1);
        for (size_t i = 0; i < p_.code.size(); ++i) {
            int r = static_cast<int>(i);
            if (is_mul(r) && !root_[i]) continue;  // a factor inside products: rebuilt by them
            if (root_[i]) {
                chain(r);
                continue;
            }
            instruction x = p_.code[i];
            if (x.op != instruction::kind::input && x.op != instruction::kind::constant) {
                if (x.a >= 0) x.a = mapped_[x.a];
                if (x.b >= 0) x.b = mapped_[x.b];
            }
            mapped_[i] = push(x);
        }
        for (int o : p_.outputs) out_.outputs.push_back(mapped_[o]);
        return std::move(out_);
    }

    // The register of product `root`, its factors multiplied left to right (once).
    int chain(int root) {
        if (mapped_[root] >= 0) return mapped_[root];
        int acc = -1;
        for (int id : chains_.at(root)) {
            int v = leaf(id);
            acc = acc < 0 ? v : push({instruction::kind::mul, acc, v, 0.0, {}});
        }
        return mapped_[root] = acc;
    }

    // The register of a factor: an original register, or a pair or smaller product (once).
    int leaf(int id) {
        if (id < static_cast<int>(p_.code.size())) return mapped_[id];
        auto it = made_.find(id);
        if (it != made_.end()) return it->second;
        int r;
        if (auto u = uses_chain_.find(id); u != uses_chain_.end()) {
            r = chain(u->second);
        } else {
            const pair_key& k = pairs_.at(id);
            int a = leaf(k.first), b = leaf(k.second);
            r = push({instruction::kind::mul, a, b, 0.0, {}});
        }
        return made_[id] = r;
    }

    int push(const instruction& i) {
        out_.code.push_back(i);
        return static_cast<int>(out_.code.size()) - 1;
    }

    const tape& p_;
    std::vector<bool> root_;  // products whose value is used other than as a factor (or whole)
    std::map<int, std::vector<int>> chains_;    // root -> its factors (registers or ids)
    std::map<int, std::vector<int>> original_;  // root -> its factors before rewriting
    std::map<int, int> uses_chain_;             // id -> the root whose product it stands for
    std::map<int, pair_key> pairs_;             // id -> the two factors it multiplies
    int next_id_ = 1 << 30;
    tape out_;                   // rebuild's result
    std::vector<int> mapped_;       // original register -> its register in out_
    std::map<int, int> made_;       // pair or chain-use id -> its register in out_
};

}  // namespace

tape share_factors(const tape& p) { return product_sharing(p).shared(); }

}  // namespace ddx
