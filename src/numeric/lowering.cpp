// The lowering: GiNaC expressions to the instruction tape of <ddx/tape.hpp>, and
// ddx::lower, the whole pipeline (symbols checked, expressions lowered, then products
// sharing their factors: shared_factors.cpp, signs folded, and long weighted sums arranged
// for the emitted loops: loops.cpp). What makes the tape short is decided here,
// where the expression's structure is still known:
//  - common subexpressions: each distinct node once (memo by node), each operation on the
//    same registers once (structural sharing), operations on constants folded by ddx::execute;
//  - small integer powers as multiplications (binary powering), half-integer ones by sqrt;
//  - signs carried up to where they fold (a subtraction, a coefficient, an output) instead
//    of a negation each, and sums oriented by one rule so that a - b and b - a share;
//  - exp(k*x) for small integer k as a power of one exp call;
//  - 1/cosh(u)^2 as 1 - tanh(u)^2 where tanh(u) is computed anyway.
#include "numeric/lowering.hpp"

#include <ddx/error.hpp>
#include <ddx/detail/node_map.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/class_test.hpp"
#include "core/expairs.hpp"
#include "core/construct.hpp"
#include "algebra/ordering.hpp"
#include "algebra/reverse_program.hpp"
#include "numeric/free_symbols.hpp"
#include "numeric/loops.hpp"
#include "numeric/shared_factors.hpp"

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

    // A named value (an adjoint of a gradient program): reading the name reads the register
    // of its definition, lowered where it is first read (so that the order of the code
    // follows the outputs', not the order of the definitions).
    void define(const ex& name, const ex& definition) { named_.emplace(name, definition); }

    tape finish(const std::vector<ex>& outputs) {
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
        tape one;
        one.code.push_back({instruction::kind::constant, -1, -1, p_.code[i.a].value, {}});
        if (i.b >= 0) one.code.push_back({instruction::kind::constant, -1, -1, p_.code[i.b].value, {}});
        i.a = 0;
        if (i.b >= 0) i.b = 1;
        one.code.push_back(i);
        one.outputs.push_back(static_cast<int>(one.code.size()) - 1);
        double result = 0;
        std::vector<double> registers;
        ddx::execute(one, nullptr, &result, registers);
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
            auto named = named_.find(e);
            if (named != named_.end()) return value(named->second);
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

    // The orientation rule: the sign of the sum's number if it has one, else that of the
    // term whose magnitude hashes lowest (rules that negating the sum or scaling it by its
    // content does not change). The number first: tanh's derivative 1 - tanh(z_j)^2 then has
    // the same sign for every unit j, so that a layer's backward sums add all their terms
    // (by hash alone, some units' deltas came out negated and their sums mixed additions with
    // subtractions, which no loop over the units can do).
    bool leading_term_negative(const ex& e) {
        const numeric& number = expairs::number(e);
        if (number.is_real() && !number.is_zero()) return number.is_negative();
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

    tape p_;
    std::unordered_map<ex, int, std::hash<ex>, GiNaC::ex_is_equal> inputs_;
    std::unordered_map<ex, ex, std::hash<ex>, GiNaC::ex_is_equal> named_;
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
    // One walk for all outputs: they may share most of their nodes (a reverse-mode gradient).
    GiNaC::exprseq all;  // (not a lst: reading a lst's i-th element walks i steps)
    for (const ex& e : outputs) all.append(e);
    ex rewritten = rewrite_bottom_up(all, rewrite);
    return std::vector<ex>(rewritten.begin(), rewritten.end());
}

// Negations moved into constants. The lowering carries a sign up to where it folds, and
// where nothing takes it (an output), it costs a negation; a gradient by reverse
// accumulation has many outputs sharing one negative factor (-2*r*x, -2*r*y, ... with r the
// residual), each negated on its own. A register all of whose readers are negations or
// products that would rather be negated too (`wanted` below) is computed negated instead,
// for free where it is a product with a constant (-2.0*r for 2.0*r) or a product of one
// such register: its negations then read it as it is. -(a*b) and (-a)*b are the same double
// (IEEE multiplication is symmetric in signs), so values are unchanged to the bit.
tape fold_negations(const tape& p) {
    using kind = instruction::kind;
    const size_t n = p.code.size();
    auto has_operands = [&](size_t i) { return p.code[i].op != kind::constant && p.code[i].op != kind::input; };
    std::vector<bool> output(n, false), used(n, false), refused(n, false), wanted(n, false);
    for (int o : p.outputs) output[static_cast<size_t>(o)] = true;
    for (size_t k = n; k-- > 0;) {
        const instruction& x = p.code[k];
        wanted[k] = used[k] && !refused[k] && !output[k] && (x.op == kind::mul || x.op == kind::neg);
        if (!has_operands(k)) continue;
        bool takes_sign = x.op == kind::neg || (x.op == kind::mul && wanted[k]);
        for (int r : {x.a, x.b}) {
            if (r < 0) continue;
            used[static_cast<size_t>(r)] = true;
            if (!takes_sign) refused[static_cast<size_t>(r)] = true;
        }
    }
    std::vector<bool> negated(n, false);  // the register holds minus the value it names
    bool any = false;
    for (size_t k = 0; k < n; ++k) {
        const instruction& x = p.code[k];
        if (x.op != kind::mul || !wanted[k]) continue;
        bool a = negated[static_cast<size_t>(x.a)], b = negated[static_cast<size_t>(x.b)];
        bool constant_operand = p.code[static_cast<size_t>(x.a)].op == kind::constant ||
                                p.code[static_cast<size_t>(x.b)].op == kind::constant;
        negated[k] = a != b || (!a && !b && constant_operand);
        any = any || negated[k];
    }
    if (!any) return p;
    tape out;
    out.inputs = p.inputs;
    std::vector<int> mapped(n, -1);
    for (size_t k = 0; k < n; ++k) {
        instruction x = p.code[k];
        if (x.op == kind::neg && negated[static_cast<size_t>(x.a)]) {
            mapped[k] = mapped[static_cast<size_t>(x.a)];
            continue;
        }
        if (has_operands(k)) {
            bool flip_constant = x.op == kind::mul && negated[k] && !negated[static_cast<size_t>(x.a)] &&
                                 !negated[static_cast<size_t>(x.b)];
            for (int* r : {&x.a, &x.b}) {
                if (*r < 0) continue;
                const instruction& operand = p.code[static_cast<size_t>(*r)];
                if (flip_constant && operand.op == kind::constant) {
                    out.code.push_back({kind::constant, -1, -1, -operand.value, {}});
                    *r = static_cast<int>(out.code.size()) - 1;
                    flip_constant = false;
                } else {
                    *r = mapped[static_cast<size_t>(*r)];
                }
            }
        }
        out.code.push_back(x);
        mapped[k] = static_cast<int>(out.code.size()) - 1;
    }
    for (int o : p.outputs) out.outputs.push_back(mapped[static_cast<size_t>(o)]);
    return out;
}

}  // namespace

tape lower_expressions(const std::vector<ex>& outputs, const std::vector<ex>& inputs,
                       const std::vector<std::pair<ex, ex>>& definitions) {
    std::vector<ex> all = outputs;
    for (const auto& d : definitions) all.push_back(d.second);
    all = cosh_powers_from_tanh(all);
    lowering l(inputs);
    for (size_t i = 0; i < definitions.size(); ++i) l.define(definitions[i].first, all[outputs.size() + i]);
    all.resize(outputs.size());
    return l.finish(all);
}

namespace {

// The passes after the lowering; then whether tanh is ddx's arithmetic one (tape.hpp).
tape finished(const tape& lowered) {
    tape p = order_sums(fold_negations(share_factors(lowered)));
    const math_function* const tanh_row = find_math_function("tanh");
    const size_t tanh_calls = static_cast<size_t>(std::count_if(p.code.begin(), p.code.end(), [&](const instruction& x) {
        return x.op == instruction::kind::call && x.function == tanh_row;
    }));
    p.arithmetic_tanh = tanh_calls >= min_tanh_loop;
    return p;
}

// `outputs` with each gradient that ddx::gradient remembers (origin_of_gradient) replaced by
// its program's entries, the programs' definitions collected; nothing where there is none.
struct swept_outputs {
    std::vector<ex> outputs;
    std::vector<std::pair<ex, ex>> definitions;
    int programs = 0;
    bool any = false;
};

// What lowering e costs, about: the operands of its distinct nodes (a sum's terms and a
// product's factors each one instruction, however many sums share them).
size_t operand_count(const ex& e) {
    size_t n = 0;
    detail::node_set seen;
    visit_distinct(e, seen, [&](const ex& x) { n += std::max<size_t>(1, x.nops()); });
    return n;
}

// Whether a gradient's entries cost more than eight times its function: sums merged into
// every entry (reverse_program.hpp; n/10 times for sum(v)^2 + ... in n variables). By this
// count a network's entries cost 3.6 to 4.9 times its loss; their tape is as short as the
// sweep's, and it is what loops.cpp finds its loops in: they stay.
bool entries_outgrow(const ex& gradient, const ex& function) {
    GiNaC::exprseq entries;  // (not a lst: reading a lst's i-th element walks i steps)
    for (const ex& e : GiNaC::ex_to<GiNaC::lst>(gradient)) entries.append(e);
    return operand_count(entries) > 8 * operand_count(function) + 64;
}

void sweep_gradients(const ex& e, const std::set<ex, GiNaC::ex_is_less>& inputs, swept_outputs& out) {
    if (auto origin = origin_of_gradient(e); origin && origin->variables.size() >= 2 && entries_outgrow(e, origin->function)) {
        bool readable = true;  // the sweep reads the function's values: all its symbols are inputs
        for (const ex& s : free_symbols(origin->function)) readable = readable && inputs.count(s);
        if (readable) {
            const std::string names = "#" + std::to_string(out.programs++) + ".";  // no symbol's name
            gradient_program program = reverse_gradient_program(origin->function, origin->variables, names);
            out.definitions.insert(out.definitions.end(), program.definitions.begin(), program.definitions.end());
            for (const ex& entry : program.entries) out.outputs.push_back(entry);
            out.any = true;
            return;
        }
    }
    if (GiNaC::is_a<GiNaC::lst>(e)) {
        for (const ex& x : GiNaC::ex_to<GiNaC::lst>(e)) sweep_gradients(x, inputs, out);
        return;
    }
    out.outputs.push_back(e);
}

}  // namespace

tape lower(const std::vector<ex>& output_list, const std::vector<ex>& inputs) {
    std::vector<ex> outputs = flatten(output_list);
    // One walk over all outputs (a gradient's entries share most of their nodes) and a set
    // of the inputs: per output and per input, a reverse-mode gradient of 8,700 parameters
    // took minutes here.
    GiNaC::exprseq all;  // (not a lst: reading a lst's i-th element walks i steps)
    for (const ex& e : outputs) all.append(e);
    std::set<ex, GiNaC::ex_is_less> known(inputs.begin(), inputs.end());
    std::set<std::string> missing;
    for (const ex& s : free_symbols(all)) {
        if (!known.count(s)) missing.insert(GiNaC::ex_to<GiNaC::symbol>(s).get_name());
    }
    if (!missing.empty()) throw error(missing_values_message({missing.begin(), missing.end()}));
    // A gradient whose entries outgrow its function (sums merged into every entry) lowers as
    // its sweep (reverse_program.hpp): its entries would cost the number of variables times
    // the function's size (lowering the entries of sum(v)^2 + ... in 1,000 variables took
    // 3 s of the 3.2 s of ccode), the sweep the size once.
    swept_outputs swept;
    for (const ex& e : output_list) sweep_gradients(e, known, swept);
    if (swept.any) return finished(lower_expressions(swept.outputs, inputs, swept.definitions));
    return finished(lower_expressions(outputs, inputs));
}

}  // namespace ddx
