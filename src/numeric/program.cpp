#include <ddx/error.hpp>
#include <ddx/detail/node_map.hpp>
#include <ddx/program.hpp>

#include <algorithm>
#include <functional>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/class_test.hpp"
#include "core/expairs.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "algebra/ordering.hpp"

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

namespace {


constexpr long max_multiplied_power = 8;

class lowering {
public:
    explicit lowering(const std::vector<ex>& inputs) {
        for (size_t i = 0; i < inputs.size(); ++i) {
            inputs_.emplace(inputs[i], static_cast<int>(i));
        }
        p_.inputs = inputs.size();
    }

    program finish(const std::vector<ex>& outputs) {
        for (const ex& e : outputs) p_.outputs.push_back(materialize(value(e)));
        return std::move(p_);
    }

private:
    // A register and a sign: signs travel up to where they fold into a subtraction, a
    // coefficient or an output, instead of costing a negation each time a sum comes the
    // "wrong" way round (GiNaC keeps a sum as built: 1 - h^2 here, h^2 - 1 there).
    struct signed_register {
        int reg;
        bool negative;
    };

    int emit(instruction i) {
        if (i.op != instruction::kind::constant && i.op != instruction::kind::input && folds(i)) {
            return constant(fold(i));
        }
        // Structural sharing: the same operation on the same registers is computed once.
        // Constants are keyed by their bits (nan equals no number, -0.0 is not 0.0).
        std::uint64_t bits = 0;
        std::memcpy(&bits, &i.value, sizeof bits);
        auto key = std::make_tuple(static_cast<int>(i.op), i.a, i.b, bits, i.function ? static_cast<int>(i.function - math_functions().data()) : -1);
        auto it = emitted_.find(key);
        if (it != emitted_.end()) return it->second;
        p_.code.push_back(i);
        int r = static_cast<int>(p_.code.size()) - 1;
        emitted_.emplace(key, r);
        return r;
    }
    int constant(double v) { return emit({instruction::kind::constant, -1, -1, v, {}}); }
    int binary(instruction::kind k, int a, int b) { return emit({k, a, b, 0.0, {}}); }
    int unary(instruction::kind k, int a, const math_function* f = nullptr) { return emit({k, a, -1, 0.0, f}); }

    bool is_constant(int r) const { return r >= 0 && p_.code[r].op == instruction::kind::constant; }
    bool folds(const instruction& i) const { return is_constant(i.a) && (i.b < 0 || is_constant(i.b)); }

    // Operations on constants are done now, with the same double arithmetic as at run time.
    double fold(instruction i) const {
        program one;
        one.code.push_back({instruction::kind::constant, -1, -1, p_.code[i.a].value, {}});
        if (i.b >= 0) one.code.push_back({instruction::kind::constant, -1, -1, p_.code[i.b].value, {}});
        i.a = 0;
        if (i.b >= 0) i.b = 1;
        one.code.push_back(i);
        one.outputs.push_back(static_cast<int>(one.code.size()) - 1);
        double result = 0;
        std::vector<double> registers;
        ddx::run(one, nullptr, &result, registers);
        return result;
    }

    int materialize(signed_register v) { return v.negative ? unary(instruction::kind::neg, v.reg) : v.reg; }

    signed_register value(const ex& e) {
        auto it = memo_.find(e);
        if (it != memo_.end()) return it->second;
        signed_register r = compute(e);
        memo_.emplace(e, r);
        return r;
    }

    signed_register compute(const ex& e) {
        if (is_class<GiNaC::numeric>(e)) {
            const numeric& n = GiNaC::ex_to<numeric>(e);
            if (!n.is_real()) throw error("a complex number has no double value");
            double v = n.to_double();
            return {constant(std::fabs(v)), v < 0};
        }
        if (is_a<GiNaC::constant>(e)) {
            return {constant(GiNaC::ex_to<numeric>(GiNaC::evalf(e)).to_double()), false};
        }
        if (is_class<GiNaC::symbol>(e)) {
            auto it = inputs_.find(e);
            if (it == inputs_.end()) {
                throw error("'" + GiNaC::ex_to<GiNaC::symbol>(e).get_name() + "' has no value");
            }
            return {emit({instruction::kind::input, it->second, -1, 0.0, {}}), false};
        }
        if (is_class<GiNaC::add>(e)) return sum(e);
        if (is_class<GiNaC::mul>(e)) return product(e);
        if (is_class<GiNaC::power>(e)) {
            const ex& exponent = e.op(1);
            if (is_class<GiNaC::numeric>(exponent) && GiNaC::ex_to<numeric>(exponent).is_real() &&
                GiNaC::ex_to<numeric>(exponent).is_negative()) {
                return product(e);
            }
            return positive_power(e.op(0), exponent);
        }
        if (is_a<GiNaC::function>(e) && e.nops() == 1) {
            std::string name = GiNaC::ex_to<GiNaC::function>(e).get_name();
            if (name == "exp") {
                if (auto power = exponential_as_power(e.op(0))) return {*power, false};
            }
            const math_function* f = find_math_function(GiNaC::ex_to<GiNaC::function>(e).get_serial());
            if (f && f->evaluate) return {unary(instruction::kind::call, materialize(value(e.op(0))), f), false};
            throw error("function '" + name + "' has no double value");
        }
        throw error("this expression has no double value");
    }

    std::vector<ex> ordered(const ex& e) {
        std::vector<ex> parts(e.begin(), e.end());
        std::stable_sort(parts.begin(), parts.end(),
                         [&](const ex& a, const ex& b) { return hash_(a) < hash_(b); });
        return parts;
    }

    // GiNaC distributes numbers over sums (2*(a - b) is stored as 2*a - 2*b) and keeps a
    // sum either way round; lower every sum as content * primitive sum, oriented by a
    // fixed rule, so that 2*a - 2*b, b - a and a - b all share one subtraction.
    signed_register sum(const ex& e) {
        numeric content = sum_content(e);
        if (leading_term_negative(e)) content = -content;
        if (!content.is_equal(numeric(1))) {
            ex primitive = scaled_sum(e, content.inverse());
            if (is_class<GiNaC::add>(primitive)) {
                signed_register v = value(primitive);
                if (content.is_negative()) {
                    v.negative = !v.negative;
                    content = -content;
                }
                if (!content.is_equal(numeric(1))) {
                    v.reg = binary(instruction::kind::mul, constant(content.to_double()), v.reg);
                }
                return v;
            }
        }
        return primitive_sum(e);
    }

    // The orientation rule: the sign of the term whose magnitude hashes lowest (a rule that
    // negating the sum or scaling it by its content does not change).
    bool leading_term_negative(const ex& e) {
        bool negative = false;
        std::uint64_t lowest = 0;
        bool first = true;
        for (const ex& t : e) {
            bool n = has_negative_sign(t);
            std::uint64_t h = hash_(n ? -t : t);
            if (first || h < lowest) {
                first = false;
                lowest = h;
                negative = n;
            }
        }
        return negative;
    }


    // Positive terms added, negative ones subtracted: `a - b`, not `a + (-1)*b`; a sum of
    // negative terms only is the negated sum of their magnitudes.
    signed_register primitive_sum(const ex& e) {
        std::vector<signed_register> terms;
        for (const ex& t : ordered(e)) {
            bool negative = has_negative_sign(t);
            signed_register v = value(negative ? -t : t);
            v.negative = v.negative != negative;
            terms.push_back(v);
        }
        std::stable_partition(terms.begin(), terms.end(), [](const signed_register& t) { return !t.negative; });
        bool all_negative = terms.front().negative;
        int acc = -1;
        for (const signed_register& t : terms) {
            bool subtract = t.negative && !all_negative;
            acc = acc < 0 ? t.reg : binary(subtract ? instruction::kind::sub : instruction::kind::add, acc, t.reg);
        }
        return {acc, all_negative};
    }

    // coefficient * numerator / denominator, with negative powers in the denominator.
    signed_register product(const ex& e) {
        numeric coefficient = 1;
        std::vector<ex> numerator, denominator;
        std::vector<ex> factors = is_class<GiNaC::mul>(e) ? ordered(e) : std::vector<ex>{e};
        for (const ex& f : factors) {
            if (is_class<GiNaC::numeric>(f) && GiNaC::ex_to<numeric>(f).is_real()) {
                coefficient *= GiNaC::ex_to<numeric>(f);
            } else if (is_class<GiNaC::power>(f) && is_class<GiNaC::numeric>(f.op(1)) &&
                       GiNaC::ex_to<numeric>(f.op(1)).is_real() &&
                       GiNaC::ex_to<numeric>(f.op(1)).is_negative()) {
                denominator.push_back(GiNaC::pow(f.op(0), -f.op(1)));
            } else {
                numerator.push_back(f);
            }
        }
        bool negative = coefficient.is_negative();
        if (negative) coefficient = -coefficient;
        int acc = -1;
        if (!coefficient.is_equal(numeric(1)) || numerator.empty()) acc = constant(coefficient.to_double());
        for (const ex& f : numerator) {
            signed_register v = value(f);
            negative = negative != v.negative;
            acc = acc < 0 ? v.reg : binary(instruction::kind::mul, acc, v.reg);
        }
        int den = -1;
        for (const ex& f : denominator) {
            signed_register v = value(f);
            negative = negative != v.negative;
            den = den < 0 ? v.reg : binary(instruction::kind::mul, den, v.reg);
        }
        if (den >= 0) acc = binary(instruction::kind::div, acc, den);
        return {acc, negative};
    }

    signed_register positive_power(const ex& base, const ex& exponent) {
        if (is_class<GiNaC::numeric>(exponent)) {
            const numeric& n = GiNaC::ex_to<numeric>(exponent);
            if (n.is_pos_integer() && n.to_long() <= max_multiplied_power) {
                signed_register b = value(base);
                return {integer_power(b.reg, n.to_long()), b.negative && n.is_odd()};
            }
            if (n.is_rational() && n.denom().is_equal(numeric(2)) && n.numer().to_long() <= 2 * max_multiplied_power + 1) {
                int b = materialize(value(base));
                int root = unary(instruction::kind::call, b, find_math_function("sqrt"));
                long whole = (n.numer().to_long() - 1) / 2;
                if (whole == 0) return {root, false};
                return {binary(instruction::kind::mul, integer_power(b, whole), root), false};
            }
        }
        return {binary(instruction::kind::pow, materialize(value(base)), materialize(value(exponent))), false};
    }

    // exp(k*a) for a small integer k as exp(a)^k or exp(-a)^|k|: one exp call serves them all.
    std::optional<int> exponential_as_power(const ex& arg) {
        if (!is_class<GiNaC::mul>(arg)) return std::nullopt;
        const ex& last = arg.op(arg.nops() - 1);
        if (!is_class<GiNaC::numeric>(last) || !GiNaC::ex_to<numeric>(last).is_integer()) return std::nullopt;
        long k = GiNaC::ex_to<numeric>(last).to_long();
        if (k == 1 || k == -1 || k > max_multiplied_power || k < -max_multiplied_power) return std::nullopt;
        signed_register unit = value(GiNaC::exp(times(arg, numeric(1, std::abs(k)))));
        return integer_power(unit.reg, std::abs(k));
    }

    // Binary powering of a register; structural sharing reuses the squares.
    int integer_power(int r, long n) {
        if (n == 1) return r;
        int half = integer_power(r, n / 2);
        int square = binary(instruction::kind::mul, half, half);
        return n % 2 ? binary(instruction::kind::mul, square, r) : square;
    }

    program p_;
    std::unordered_map<ex, int, std::hash<ex>, GiNaC::ex_is_equal> inputs_;
    detail::node_map<signed_register> memo_;  // equal operations share registers in emitted_
    std::map<std::tuple<int, int, int, std::uint64_t, int>, int> emitted_;
    stable_hasher hash_;
};

// simplify writes tanh's derivative 1 - tanh(u)^2 as 1/cosh(u)^2, the shorter text; where
// tanh(u) is computed anyway, 1 - tanh(u)^2 costs a multiplication and a subtraction instead
// of a call to cosh and a division (a tanh network's backward pass, as written by hand: the
// emitted gradient went from 34 to 48 ns per call with the cosh calls).
std::vector<ex> cosh_powers_from_tanh(const std::vector<ex>& outputs) {
    std::set<ex, GiNaC::ex_is_less> arguments;
    detail::node_set seen;
    for (const ex& e : outputs) {
        visit_distinct(e, seen, [&](const ex& x) {
            if (GiNaC::is_the_function<GiNaC::tanh_SERIAL>(x)) arguments.insert(x.op(0));
        });
    }
    if (arguments.empty()) return outputs;
    auto rewrite = [&](const ex& e) -> ex {
        if (!is_class<GiNaC::power>(e) || !GiNaC::is_the_function<GiNaC::cosh_SERIAL>(e.op(0)) ||
            !arguments.count(e.op(0).op(0)) || !is_class<GiNaC::numeric>(e.op(1))) {
            return e;
        }
        const numeric& n = GiNaC::ex_to<numeric>(e.op(1));
        if (!n.is_even() || !n.is_negative()) return e;
        return GiNaC::pow(1 - GiNaC::pow(GiNaC::tanh(e.op(0).op(0)), 2), -n / 2);
    };
    std::vector<ex> out;
    for (const ex& e : outputs) out.push_back(rewrite_bottom_up(e, rewrite));
    return out;
}

void flatten_into(const ex& e, std::vector<ex>& out) {
    if (is_a<GiNaC::lst>(e)) {
        for (const ex& x : e) flatten_into(x, out);
    } else if (is_a<GiNaC::matrix>(e)) {
        const auto& m = GiNaC::ex_to<GiNaC::matrix>(e);
        for (unsigned r = 0; r < m.rows(); ++r)
            for (unsigned c = 0; c < m.cols(); ++c) out.push_back(m(r, c));
    } else {
        out.push_back(e);
    }
}

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
            if (!root_[i]) continue;
            std::vector<int> leaves;
            collect_leaves(static_cast<int>(i), leaves);
            std::sort(leaves.begin(), leaves.end());
            work += leaves.size() * leaves.size();
            chains_[static_cast<int>(i)] = leaves;
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

    program rebuild() {
        program out;
        out.inputs = p_.inputs;
        std::vector<int> mapped(p_.code.size(), -1);
        std::map<int, int> made;  // pair or chain-use id -> register
        std::function<int(int)> chain = [&](int root) -> int {
            if (mapped[root] >= 0) return mapped[root];
            int acc = -1;
            for (int id : chains_.at(root)) {
                int v = leaf(id);
                acc = acc < 0 ? v : push(out, {instruction::kind::mul, acc, v, 0.0, {}});
            }
            return mapped[root] = acc;
        };
        leaf = [&](int id) -> int {
            if (id < static_cast<int>(p_.code.size())) return mapped[id];
            auto it = made.find(id);
            if (it != made.end()) return it->second;
            int r;
            if (auto u = uses_chain_.find(id); u != uses_chain_.end()) {
                r = chain(u->second);
            } else {
                const pair_key& k = pairs_.at(id);
                int a = leaf(k.first), b = leaf(k.second);
                r = push(out, {instruction::kind::mul, a, b, 0.0, {}});
            }
            return made[id] = r;
        };
        for (size_t i = 0; i < p_.code.size(); ++i) {
            int r = static_cast<int>(i);
            if (is_mul(r) && !root_[i]) continue;  // a factor inside products: rebuilt by them
            if (root_[i]) {
                chain(r);
                continue;
            }
            instruction x = p_.code[i];
            if (x.op != instruction::kind::input && x.op != instruction::kind::constant) {
                if (x.a >= 0) x.a = mapped[x.a];
                if (x.b >= 0) x.b = mapped[x.b];
            }
            mapped[i] = push(out, x);
        }
        for (int o : p_.outputs) out.outputs.push_back(mapped[o]);
        return out;
    }

    static int push(program& p, const instruction& i) {
        p.code.push_back(i);
        return static_cast<int>(p.code.size()) - 1;
    }

    const program& p_;
    std::vector<bool> root_;  // products whose value is used other than as a factor
    std::map<int, std::vector<int>> chains_;    // root -> its factors (registers or ids)
    std::map<int, std::vector<int>> original_;  // root -> its factors before rewriting
    std::map<int, int> uses_chain_;             // id -> the root whose product it stands for
    std::map<int, pair_key> pairs_;             // id -> the two factors it multiplies
    int next_id_ = 1 << 30;
    std::function<int(int)> leaf;
};

}  // namespace


std::vector<ex> flatten(const std::vector<ex>& outputs) {
    std::vector<ex> out;
    for (const ex& e : outputs) flatten_into(e, out);
    return out;
}

program lower(const std::vector<ex>& output_list, const std::vector<ex>& inputs) {
    std::vector<ex> outputs = flatten(output_list);
    std::set<std::string> missing;
    for (const ex& e : outputs) {
        for (const ex& s : free_symbols(e)) {
            bool known = std::any_of(inputs.begin(), inputs.end(),
                                     [&](const ex& i) { return i.is_equal(s); });
            if (!known) missing.insert(GiNaC::ex_to<GiNaC::symbol>(s).get_name());
        }
    }
    if (!missing.empty()) throw error(missing_values_message({missing.begin(), missing.end()}));
    program p = lowering(inputs).finish(cosh_powers_from_tanh(outputs));
    return product_sharing(p).run();
}

void run(const program& p, const double* in, double* out, std::vector<double>& r) {
    r.resize(p.code.size());
    for (size_t i = 0; i < p.code.size(); ++i) {
        const instruction& x = p.code[i];
        switch (x.op) {
        case instruction::kind::constant: r[i] = x.value; break;
        case instruction::kind::input: r[i] = in[x.a]; break;
        case instruction::kind::add: r[i] = r[x.a] + r[x.b]; break;
        case instruction::kind::sub: r[i] = r[x.a] - r[x.b]; break;
        case instruction::kind::mul: r[i] = r[x.a] * r[x.b]; break;
        case instruction::kind::div: r[i] = r[x.a] / r[x.b]; break;
        case instruction::kind::neg: r[i] = -r[x.a]; break;
        case instruction::kind::call: r[i] = x.function->evaluate(r[x.a]); break;
        case instruction::kind::pow: r[i] = std::pow(r[x.a], r[x.b]); break;
        }
    }
    for (size_t j = 0; j < p.outputs.size(); ++j) out[j] = r[p.outputs[j]];
}

std::vector<ex> flatten(const ex& outputs) {
    std::vector<ex> out;
    flatten_into(outputs, out);
    return out;
}

std::vector<ex> free_symbols(const ex& e) {
    std::map<std::string, ex> found;
    detail::node_set seen;
    visit_distinct(e, seen, [&](const ex& x) {
        if (is_class<GiNaC::symbol>(x)) found.emplace(GiNaC::ex_to<GiNaC::symbol>(x).get_name(), x);
    });
    std::vector<ex> out;
    for (const auto& [name, s] : found) out.push_back(s);
    return out;
}

std::string missing_values_message(const std::vector<std::string>& names) {
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return std::string(names.size() == 1 ? "no value for " : "no values for ") + list;
}

}  // namespace ddx
