#include <ddx/error.hpp>
#include <ddx/program.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "ordering.hpp"

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

namespace {

struct fn_info {
    const char* ginac_name;
    math_fn fn;
    const char* c;
    double (*eval)(double);
};

const fn_info functions[] = {
    {"exp", math_fn::exp, "exp", [](double x) { return std::exp(x); }},
    {"log", math_fn::log, "log", [](double x) { return std::log(x); }},
    {"sqrt", math_fn::sqrt, "sqrt", [](double x) { return std::sqrt(x); }},
    {"sin", math_fn::sin, "sin", [](double x) { return std::sin(x); }},
    {"cos", math_fn::cos, "cos", [](double x) { return std::cos(x); }},
    {"tan", math_fn::tan, "tan", [](double x) { return std::tan(x); }},
    {"asin", math_fn::asin, "asin", [](double x) { return std::asin(x); }},
    {"acos", math_fn::acos, "acos", [](double x) { return std::acos(x); }},
    {"atan", math_fn::atan, "atan", [](double x) { return std::atan(x); }},
    {"sinh", math_fn::sinh, "sinh", [](double x) { return std::sinh(x); }},
    {"cosh", math_fn::cosh, "cosh", [](double x) { return std::cosh(x); }},
    {"tanh", math_fn::tanh, "tanh", [](double x) { return std::tanh(x); }},
    {"asinh", math_fn::asinh, "asinh", [](double x) { return std::asinh(x); }},
    {"acosh", math_fn::acosh, "acosh", [](double x) { return std::acosh(x); }},
    {"atanh", math_fn::atanh, "atanh", [](double x) { return std::atanh(x); }},
    {"abs", math_fn::fabs, "fabs", [](double x) { return std::fabs(x); }},
};

const fn_info& info(math_fn f) { return functions[static_cast<int>(f)]; }

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
        for (const ex& e : outputs) p_.outputs.push_back(value(e));
        return std::move(p_);
    }

private:
    int emit(instruction i) {
        // Structural sharing: the same operation on the same registers is computed once.
        auto key = std::make_tuple(static_cast<int>(i.op), i.a, i.b, i.value,
                                   static_cast<int>(i.function));
        auto it = emitted_.find(key);
        if (it != emitted_.end()) return it->second;
        p_.code.push_back(i);
        int r = static_cast<int>(p_.code.size()) - 1;
        emitted_.emplace(key, r);
        return r;
    }
    int constant(double v) { return emit({instruction::kind::constant, -1, -1, v, {}}); }
    int binary(instruction::kind k, int a, int b) { return emit({k, a, b, 0.0, {}}); }

    int value(const ex& e) {
        auto it = memo_.find(e);
        if (it != memo_.end()) return it->second;
        int r = compute(e);
        memo_.emplace(e, r);
        return r;
    }

    int compute(const ex& e) {
        if (is_a<numeric>(e)) {
            const numeric& n = GiNaC::ex_to<numeric>(e);
            if (!n.is_real()) throw error("a complex number has no double value");
            return constant(n.to_double());
        }
        if (is_a<GiNaC::constant>(e)) {
            return constant(GiNaC::ex_to<numeric>(GiNaC::evalf(e)).to_double());
        }
        if (is_a<GiNaC::symbol>(e)) {
            auto it = inputs_.find(e);
            if (it == inputs_.end()) {
                throw error("'" + GiNaC::ex_to<GiNaC::symbol>(e).get_name() + "' has no value");
            }
            return emit({instruction::kind::input, it->second, -1, 0.0, {}});
        }
        if (is_a<GiNaC::add>(e)) return sum(e);
        if (is_a<GiNaC::mul>(e)) return product(e);
        if (is_a<GiNaC::power>(e)) {
            const ex& exponent = e.op(1);
            if (is_a<numeric>(exponent) && GiNaC::ex_to<numeric>(exponent).is_real() &&
                GiNaC::ex_to<numeric>(exponent).is_negative()) {
                return product(e);
            }
            return positive_power(e.op(0), exponent);
        }
        if (is_a<GiNaC::function>(e) && e.nops() == 1) {
            std::string name = GiNaC::ex_to<GiNaC::function>(e).get_name();
            for (const fn_info& f : functions) {
                if (name == f.ginac_name) {
                    return emit({instruction::kind::call, value(e.op(0)), -1, 0.0, f.fn});
                }
            }
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

    // Positive terms added, negative ones subtracted: `a - b`, not `a + (-1)*b`.
    int sum(const ex& e) {
        int acc = -1;
        std::vector<std::pair<bool, ex>> terms;
        for (const ex& t : ordered(e)) {
            bool negative = has_negative_sign(t);
            terms.emplace_back(negative, negative ? -t : t);
        }
        std::stable_partition(terms.begin(), terms.end(), [](const auto& t) { return !t.first; });
        for (const auto& [negative, magnitude] : terms) {
            int v = value(magnitude);
            if (acc < 0) {
                acc = negative ? emit({instruction::kind::neg, v, -1, 0.0, {}}) : v;
            } else {
                acc = binary(negative ? instruction::kind::sub : instruction::kind::add, acc, v);
            }
        }
        return acc;
    }

    // coefficient * numerator / denominator, with negative powers in the denominator.
    int product(const ex& e) {
        numeric coefficient = 1;
        std::vector<ex> numerator, denominator;
        std::vector<ex> factors = is_a<GiNaC::mul>(e) ? ordered(e) : std::vector<ex>{e};
        for (const ex& f : factors) {
            if (is_a<numeric>(f) && GiNaC::ex_to<numeric>(f).is_real()) {
                coefficient *= GiNaC::ex_to<numeric>(f);
            } else if (is_a<GiNaC::power>(f) && is_a<numeric>(f.op(1)) &&
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
            int v = value(f);
            acc = acc < 0 ? v : binary(instruction::kind::mul, acc, v);
        }
        int den = -1;
        for (const ex& f : denominator) {
            int v = value(f);
            den = den < 0 ? v : binary(instruction::kind::mul, den, v);
        }
        if (den >= 0) acc = binary(instruction::kind::div, acc, den);
        return negative ? emit({instruction::kind::neg, acc, -1, 0.0, {}}) : acc;
    }

    int positive_power(const ex& base, const ex& exponent) {
        if (is_a<numeric>(exponent)) {
            const numeric& n = GiNaC::ex_to<numeric>(exponent);
            if (n.is_pos_integer() && n.to_long() <= max_multiplied_power) {
                return integer_power(base, n.to_long());
            }
            if (n.is_rational() && n.denom().is_equal(numeric(2)) && n.numer().to_long() <= 2 * max_multiplied_power + 1) {
                int root = emit({instruction::kind::call, value(base), -1, 0.0, math_fn::sqrt});
                long whole = (n.numer().to_long() - 1) / 2;
                if (whole == 0) return root;
                return binary(instruction::kind::mul, integer_power(base, whole), root);
            }
        }
        return binary(instruction::kind::pow, value(base), value(exponent));
    }

    // Binary powering; the squares are shared with every other power of the same base.
    int integer_power(const ex& base, long n) {
        if (n == 1) return value(base);
        ex key = GiNaC::pow(base, n);
        auto it = memo_.find(key);
        if (it != memo_.end()) return it->second;
        int half = integer_power(base, n / 2);
        int r = binary(instruction::kind::mul, half, half);
        if (n % 2) r = binary(instruction::kind::mul, r, value(base));
        memo_.emplace(key, r);
        return r;
    }

    program p_;
    std::unordered_map<ex, int, std::hash<GiNaC::ex>, GiNaC::ex_is_equal> inputs_;
    std::unordered_map<ex, int, std::hash<GiNaC::ex>, GiNaC::ex_is_equal> memo_;
    std::map<std::tuple<int, int, int, double, int>, int> emitted_;
    stable_hasher hash_;
};

void collect_symbols(const ex& e, std::map<std::string, ex>& found,
                     std::unordered_set<ex, std::hash<GiNaC::ex>, GiNaC::ex_is_equal>& seen) {
    if (!seen.insert(e).second) return;
    if (is_a<GiNaC::symbol>(e)) {
        found.emplace(GiNaC::ex_to<GiNaC::symbol>(e).get_name(), e);
        return;
    }
    for (const ex& c : e) collect_symbols(c, found, seen);
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

}  // namespace

const char* c_name(math_fn f) { return info(f).c; }

program lower(const std::vector<ex>& outputs, const std::vector<ex>& inputs) {
    std::set<std::string> missing;
    for (const ex& e : outputs) {
        for (const ex& s : free_symbols(e)) {
            bool known = std::any_of(inputs.begin(), inputs.end(),
                                     [&](const ex& i) { return i.is_equal(s); });
            if (!known) missing.insert(GiNaC::ex_to<GiNaC::symbol>(s).get_name());
        }
    }
    if (!missing.empty()) throw error(missing_values_message({missing.begin(), missing.end()}));
    return lowering(inputs).finish(outputs);
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
        case instruction::kind::call: r[i] = info(x.function).eval(r[x.a]); break;
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
    std::unordered_set<ex, std::hash<GiNaC::ex>, GiNaC::ex_is_equal> seen;
    collect_symbols(e, found, seen);
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
