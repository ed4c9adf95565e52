#include "expression.hpp"

#include "class_test.hpp"

#include <ddx/interrupt.hpp>
#include <ddx/simplify.hpp>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <cln/integer.h>
#include <cstring>
#include <map>
#include <sstream>

namespace ddx {

using GiNaC::ex;

bool tree_size_exceeds(const ex& e, size_t limit) {
    size_t n = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (++n > limit) return true;
    }
    return false;
}

namespace {

// How deeply `e` nests once each key of `m` is replaced by its value; memoized over the DAG.
size_t depth_after(const ex& e, const GiNaC::exmap& m, node_map<size_t>& memo) {
    auto it = memo.find(e);
    if (it != memo.end()) return it->second;
    size_t d = 1;
    auto replaced = m.find(e);
    if (replaced != m.end()) {
        node_map<size_t> plain;
        d = depth_after(replaced->second, {}, plain);
    } else {
        for (const ex& c : e) d = std::max(d, depth_after(c, m, memo) + 1);
    }
    memo.emplace(e, d);
    return d;
}

}  // namespace

ex checked_subs(const ex& e, const GiNaC::exmap& m) {
    node_map<size_t> memo;
    if (depth_after(e, m, memo) > max_expression_depth) {
        throw error("the result would nest deeper than " + std::to_string(max_expression_depth) + " levels (the limit)");
    }
    return e.subs(m, GiNaC::subs_options::no_pattern);
}

ex real_abs(const ex& u) {
    if (is_class<GiNaC::numeric>(u)) return GiNaC::abs(u);
    // GiNaC's abs rewrites abs(exp(v)) as exp(real_part(v)) and abs(b^e) with real_part and
    // atan2; on real arguments these are simply:
    if (is_exp(u)) return u;
    if (is_class<GiNaC::power>(u) && is_class<GiNaC::numeric>(u.op(1)) &&
        GiNaC::ex_to<GiNaC::numeric>(u.op(1)).is_even()) {
        return u;
    }
    ex a = GiNaC::abs(u);
    bool plain = !a.has(GiNaC::real_part_function(GiNaC::wild())) &&
                 !a.has(GiNaC::imag_part_function(GiNaC::wild())) &&
                 !a.has(GiNaC::atan2(GiNaC::wild(0), GiNaC::wild(1))) &&
                 !a.has(GiNaC::conjugate_function(GiNaC::wild()));
    return plain ? a : GiNaC::abs(u).hold();
}

std::string number_text(const GiNaC::numeric& n) {
    if (n.is_integer()) {
        const cln::cl_I i = cln::the<cln::cl_I>(n.to_cl_N());
        if (cln::integer_length(i) < 63) return std::to_string(cln::cl_I_to_long(i));
    }
    std::ostringstream out;
    out << n;
    return out.str();
}

GiNaC::numeric integer_from_digits(std::string_view digits) {
    // CLN's reader is the slow part of parsing a polynomial; 18 digits fit a machine word,
    // and up to a thousand are put together from words. (The reader is subquadratic, this
    // loop is not: longer numbers are left to it.)
    if (digits.size() > 1000) return GiNaC::numeric(std::string(digits).c_str());
    cln::cl_I value = 0;
    long chunk = 0, scale = 1;
    for (char d : digits) {
        chunk = 10 * chunk + (d - '0');
        scale *= 10;
        if (scale == 1000000000000000000L) {
            value = value * scale + chunk;
            chunk = 0;
            scale = 1;
        }
    }
    if (scale > 1) value = value * scale + chunk;
    return GiNaC::numeric(value);
}

ex number_from_text(const std::string& text, position where) {
    if (text.find_first_of(".eE") == std::string::npos) return integer_from_digits(text);
    errno = 0;
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) throw error("malformed number '" + text + "'", where);
    if (std::isinf(d)) throw error("number '" + text + "' is too large for a double", where);
    // CLN's doubles have no subnormals (it reports an underflow without a position)
    if (d != 0 && std::fabs(d) < DBL_MIN) {
        throw error("number '" + text + "' is too small for a double (the smallest is about 2.2e-308)", where);
    }
    return GiNaC::numeric(d);
}

std::optional<ex> constant(const std::string& name) {
    if (name == "pi") return ex(GiNaC::Pi);
    if (name == "E") return GiNaC::exp(ex(1));
    return std::nullopt;
}

namespace {

using unary_function = ex (*)(const ex&);

const std::map<std::string, unary_function>& function_table() {
    static const std::map<std::string, unary_function> table = {
        {"exp", [](const ex& x) -> ex { return GiNaC::exp(x); }},
        {"log", [](const ex& x) -> ex { return GiNaC::log(x); }},
        {"sqrt", [](const ex& x) -> ex { return GiNaC::sqrt(x); }},
        {"sin", [](const ex& x) -> ex { return GiNaC::sin(x); }},
        {"cos", [](const ex& x) -> ex { return GiNaC::cos(x); }},
        {"tan", [](const ex& x) -> ex { return GiNaC::tan(x); }},
        {"asin", [](const ex& x) -> ex { return GiNaC::asin(x); }},
        {"acos", [](const ex& x) -> ex { return GiNaC::acos(x); }},
        {"atan", [](const ex& x) -> ex { return GiNaC::atan(x); }},
        {"sinh", [](const ex& x) -> ex { return GiNaC::sinh(x); }},
        {"cosh", [](const ex& x) -> ex { return GiNaC::cosh(x); }},
        {"tanh", [](const ex& x) -> ex { return GiNaC::tanh(x); }},
        {"asinh", [](const ex& x) -> ex { return GiNaC::asinh(x); }},
        {"acosh", [](const ex& x) -> ex { return GiNaC::acosh(x); }},
        {"atanh", [](const ex& x) -> ex { return GiNaC::atanh(x); }},
        {"abs", [](const ex& x) -> ex { return real_abs(x); }},
        // not in the contract's list, but it says conjugate(x) is x: symbols are real
        {"conjugate", [](const ex& x) -> ex { return drop_conjugates(x.conjugate()); }},
    };
    return table;
}

// GiNaC throws pole_error, std::domain_error, ... with texts like
// "power::eval(): division by zero"; keep the part a user can read.
}  // namespace

std::string readable(const std::exception& e) {
    std::string what = e.what();
    // "atanh_eval(): logarithmic pole": the function's name, then the message
    std::string function;
    auto colon = what.find("): ");
    if (colon != std::string::npos) {
        auto eval = what.find("_eval(");
        if (eval != std::string::npos && eval < colon) function = what.substr(0, eval);
        what = what.substr(colon + 3);
    }
    bool pole = what.find("logarithmic pole") != std::string::npos;
    if (what == "log(0)" || (pole && (function.empty() || function == "log"))) return "log(0) is undefined";
    if (pole) return function + " is infinite here (a logarithmic pole)";
    return what;
}

namespace {

// CLN computes an exact power without looking at the clock or the memory budget (its
// allocations bypass operator new), so 3^(10^9) would run for hours: a power of exact
// numbers is refused beyond a million digits.
void check_exact_power(const ex& base, const ex& exponent) {
    using GiNaC::numeric;
    if (!is_class<GiNaC::numeric>(base) || !is_class<GiNaC::numeric>(exponent)) return;
    const numeric& b = GiNaC::ex_to<numeric>(base);
    const numeric& n = GiNaC::ex_to<numeric>(exponent);
    if (!b.is_rational() || !n.is_integer() || b.is_zero()) return;
    double size = std::max(GiNaC::abs(b.numer()).int_length(), GiNaC::abs(b.denom()).int_length());
    if (size <= 1) return;  // 1, -1 (and 0): any power is small
    double bits = std::fabs(n.to_double()) * (size - 1);
    constexpr double max_digits = 1e6;
    if (bits * 0.30103 > max_digits) {
        char text[64];
        std::snprintf(text, sizeof text, "%.2g", bits * 0.30103);
        throw error(std::string("the exact power would have about ") + text + " digits, more than the limit of 1000000");
    }
}

ex scalar_op(char op, const ex& a, const ex& b) {
    if (op == '^') check_exact_power(a, b);
    switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return times(a, b);
    case '/': return divided(a, b);
    default:
        // abs(u)^2 is u^2, not u*conjugate(u); a symbol's or number's power has no conjugate
        if (is_class<GiNaC::symbol>(a) || is_class<GiNaC::numeric>(a)) return GiNaC::pow(a, b);
        return drop_conjugates(GiNaC::pow(a, b));
    }
}

}  // namespace

const std::vector<std::string>& math_function_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& [name, f] : function_table()) v.push_back(name);
        return v;
    }();
    return names;
}

bool is_math_function(const std::string& name) { return function_table().count(name) != 0; }

ex apply_math_function(const std::string& name, const ex& arg) {
    if (GiNaC::is_a<GiNaC::lst>(arg)) {
        GiNaC::lst out;
        for (const ex& e : arg) out.append(apply_math_function(name, e));
        return out;
    }
    // GiNaC's evaluation of sin(u), exp(u), ... inspects u as a tree (u*60/Pi, signs), which
    // takes time exponential in the nesting of shared subexpressions; past a size where no
    // special value can be expected, the function is applied unevaluated.
    if (name != "abs" && name != "conjugate" && tree_size_exceeds(arg, 2000)) {
        unsigned serial = GiNaC::ex_to<GiNaC::function>(function_table().at(name)(GiNaC::realsymbol())).get_serial();
        return GiNaC::function(serial, arg).hold();
    }
    return reporting_at(position{}, [&] { return function_table().at(name)(arg); });
}

ex arithmetic(char op, const ex& a, const ex& b, position where) {
    bool a_list = GiNaC::is_a<GiNaC::lst>(a), b_list = GiNaC::is_a<GiNaC::lst>(b);
    if (!a_list && !b_list) return reporting_at(where, [&] { return scalar_op(op, a, b); });
    if (a_list && b_list && a.nops() != b.nops()) {
        throw error("lists of different lengths (" + std::to_string(a.nops()) + " and " +
                        std::to_string(b.nops()) + ") in '" + std::string(1, op) + "'",
                    where);
    }
    size_t n = a_list ? a.nops() : b.nops();
    GiNaC::lst out;
    for (size_t i = 0; i < n; ++i) {
        out.append(arithmetic(op, a_list ? a.op(i) : a, b_list ? b.op(i) : b, where));
    }
    return out;
}

ex negate(const ex& a) {
    if (GiNaC::is_a<GiNaC::lst>(a)) {
        GiNaC::lst out;
        for (const ex& e : a) out.append(negate(e));
        return out;
    }
    return -a;
}

ex evaluate_binary(const node& n, const std::function<ex(const node&)>& operand) {
    if (n.op == '/' || n.op == '^') return arithmetic(n.op, operand(n.children[0]), operand(n.children[1]), n.where);
    const char* ops = n.op == '*' ? "*" : "+-";
    struct link {
        const node* operand;
        char op;
        position where;
    };
    std::vector<link> chain;
    const node* left = &n;
    for (; left->type == node::kind::binary && std::strchr(ops, left->op); left = &left->children[0]) {
        chain.push_back({&left->children[1], left->op, left->where});
    }
    chain.push_back({left, '+', left->where});
    std::reverse(chain.begin(), chain.end());

    GiNaC::exvector values;
    values.reserve(chain.size());
    for (const link& l : chain) values.push_back(operand(*l.operand));
    if (std::any_of(values.begin(), values.end(), [](const ex& v) { return GiNaC::is_a<GiNaC::lst>(v); })) {
        ex acc = values[0];
        for (size_t i = 1; i < values.size(); ++i) acc = arithmetic(chain[i].op, acc, values[i], chain[i].where);
        return acc;
    }
    return reporting_at(n.where, [&]() -> ex {
        if (n.op == '*') return GiNaC::mul(values);
        for (size_t i = 0; i < values.size(); ++i) {
            if (chain[i].op == '-') values[i] = times(values[i], -1);
        }
        return GiNaC::add(values);
    });
}

ex build_expression(const node& n, symbol_table& symbols) {
    switch (n.type) {
    case node::kind::number:
        return number_from_text(n.text, n.where);
    case node::kind::name:
        if (auto c = constant(n.text)) return *c;
        return symbols.get(n.text);
    case node::kind::negate:
        return negate(build_expression(n.children[0], symbols));
    case node::kind::binary:
        return evaluate_binary(n, [&](const node& operand) { return build_expression(operand, symbols); });
    case node::kind::list: {
        GiNaC::lst out;
        for (const node& c : n.children) out.append(build_expression(c, symbols));
        return out;
    }
    case node::kind::call:
        if (!is_math_function(n.text)) throw error("unknown function '" + n.text + "'", n.where);
        if (n.children.size() != 1) {
            throw error(n.text + " takes 1 argument, got " + std::to_string(n.children.size()),
                        n.where);
        }
        try {
            return apply_math_function(n.text, build_expression(n.children[0], symbols));
        } catch (const error& e) {
            throw e.located_at(n.where);
        }
    default:
        throw error("not an expression", n.where);
    }
}

}  // namespace ddx
