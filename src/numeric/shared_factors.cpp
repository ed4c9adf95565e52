// The shared-factor pass (share_factors, declared in shared_factors.hpp): products across a
// lowered program share their common factors, so that a gradient costs what a hand-written
// backward pass costs. It works on the tape, after the lowering, because only there are the
// products of all outputs seen together as multisets of registers: the expressions GiNaC
// builds for d/dw and d/db of one loss share no node for their common factor.
#include "numeric/shared_factors.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

namespace ddx {

namespace {

// Products across the whole program share their common factors. Every product is
// flattened into its multiset of factors (through shared sub-products too); then
//  1. a product containing all the factors of a smaller one is rewritten as that product
//     times the rest (a gradient's d/dw = d/db * x, as in a hand-written backward pass);
//  2. the pair of factors occurring in most products becomes one temporary, repeatedly
//     (the greedy pair extraction of classic CSE).
class product_sharing {
public:
    explicit product_sharing(const program& p) : p_(p), root_(p.code.size(), false) {
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

    program run() {
        size_t work = 0;
        for (size_t i = 0; i < p_.code.size(); ++i) {
            if (root_[i]) collect_chain(static_cast<int>(i), work);
        }
        if (work <= max_work && chains_.size() <= max_chains) {
            reuse_smaller_products();
            extract_pairs();
        }
        return rebuild();
    }

private:
    static constexpr size_t max_leaves = 64;       // per product; deeper factors stay whole
    static constexpr size_t max_work = 2000000;    // pairs counted over all products
    static constexpr size_t max_chains = 5000;

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

    void reuse_smaller_products() {
        std::vector<int> by_size;
        for (const auto& [root, leaves] : chains_) by_size.push_back(root);
        std::stable_sort(by_size.begin(), by_size.end(),
                         [&](int a, int b) { return chains_[a].size() < chains_[b].size(); });
        for (size_t i = 0; i < by_size.size(); ++i) {
            std::vector<int>& c = chains_[by_size[i]];
            // the largest earlier product whose factors are all among c's
            int best = -1;
            for (size_t j = 0; j < i; ++j) {
                const std::vector<int>& d = original_[by_size[j]];
                if (d.size() < 2 || d.size() > c.size() || !contains(c, d)) continue;
                if (best < 0 || d.size() > original_[best].size()) best = by_size[j];
            }
            original_[by_size[i]] = c;
            if (best < 0) continue;
            std::vector<int> rest;
            std::set_difference(c.begin(), c.end(), original_[best].begin(), original_[best].end(),
                                std::back_inserter(rest));
            int id = next_id_++;
            uses_chain_[id] = best;
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

    void extract_pairs() {
        for (int round = 0; round < 100000; ++round) {
            std::map<pair_key, int> counts;
            for (const auto& [root, leaves] : chains_) {
                for (const auto& [k, n] : pairs_of(leaves)) counts[k] += n;
            }
            pair_key best{-1, -1};
            int best_count = 1;
            for (const auto& [k, n] : counts) {
                if (n > best_count) {
                    best = k;
                    best_count = n;
                }
            }
            if (best_count < 2) return;
            int id = next_id_++;
            pairs_[id] = best;
            for (auto& [root, leaves] : chains_) {
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
            }
        }
    }

    // The program with every product computed from its (rewritten) factors, in the order of
    // the original: a product where it stood, its shared pairs and smaller products on first
    // use; other instructions copied with their operands renumbered.
    program rebuild() {
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

    const program& p_;
    std::vector<bool> root_;  // products whose value is used other than as a factor (or whole)
    std::map<int, std::vector<int>> chains_;    // root -> its factors (registers or ids)
    std::map<int, std::vector<int>> original_;  // root -> its factors before rewriting
    std::map<int, int> uses_chain_;             // id -> the root whose product it stands for
    std::map<int, pair_key> pairs_;             // id -> the two factors it multiplies
    int next_id_ = 1 << 30;
    program out_;                   // rebuild's result
    std::vector<int> mapped_;       // original register -> its register in out_
    std::map<int, int> made_;       // pair or chain-use id -> its register in out_
};

}  // namespace

program share_factors(const program& p) { return product_sharing(p).run(); }

}  // namespace ddx
