#include <ddx/functions.hpp>

#include "core/class_test.hpp"
#include "core/expairs.hpp"
#include "core/real_domain.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace ddx {

using GiNaC::ex;

namespace {

// The sign of a negative coefficient comes out of an odd function and drops from an even one
// (sin(-x) is -sin(x), cos(-2*x) is cos(2*x)), as SymPy and Mathematica write them: GiNaC does
// this for numbers only, and cos(-x) and cos(x) then differ as expressions. Not where a factor
// is a sum (or a power of one): GiNaC holds -a*(x - y) or a*(y - x) as its hash order falls,
// and the sign would come out in one process and stay in the next.
bool has_negative_coefficient(const ex& u) {
    if (!is_class<GiNaC::mul>(u) || !expairs::number(u).is_real() || !expairs::number(u).is_negative()) return false;
    for (const GiNaC::expair& p : expairs::of(u)) {
        if (is_class<GiNaC::add>(p.rest)) return false;
    }
    return true;
}

template <ex (*f)(const ex&)>
ex odd(const ex& u) {
    return has_negative_coefficient(u) ? -f(-u) : f(u);
}

template <ex (*f)(const ex&)>
ex even(const ex& u) {
    return has_negative_coefficient(u) ? f(-u) : f(u);
}

// GiNaC's functions as plain function pointers, for the templates above
ex sin_of(const ex& u) { return GiNaC::sin(u); }
ex cos_of(const ex& u) { return GiNaC::cos(u); }
ex tan_of(const ex& u) { return GiNaC::tan(u); }
ex sinh_of(const ex& u) { return GiNaC::sinh(u); }
ex cosh_of(const ex& u) { return GiNaC::cosh(u); }
ex tanh_of(const ex& u) { return GiNaC::tanh(u); }
ex asin_of(const ex& u) { return GiNaC::asin(u); }
ex atan_of(const ex& u) { return GiNaC::atan(u); }
ex asinh_of(const ex& u) { return GiNaC::asinh(u); }
ex atanh_of(const ex& u) { return GiNaC::atanh(u); }

const std::vector<math_function> table = {
    {"abs", [](const ex& u) { return real_abs(u); }, "fabs", [](double x) { return std::fabs(x); }, nullptr, "all x", nullptr},
    {"acos", [](const ex& u) -> ex { return GiNaC::acos(u); }, "acos", [](double x) { return std::acos(x); }, nullptr, "-1 <= x <= 1", nullptr},
    {"acosh", [](const ex& u) -> ex { return GiNaC::acosh(u); }, "acosh", [](double x) { return std::acosh(x); }, nullptr, "x >= 1", nullptr},
    {"asin", odd<asin_of>, "asin", [](double x) { return std::asin(x); }, nullptr, "-1 <= x <= 1", nullptr},
    {"asinh", odd<asinh_of>, "asinh", [](double x) { return std::asinh(x); }, nullptr, "all x", nullptr},
    {"atan", odd<atan_of>, "atan", [](double x) { return std::atan(x); }, nullptr, "all x", nullptr},
    {"atanh", odd<atanh_of>, "atanh", [](double x) { return std::atanh(x); }, nullptr, "-1 < x < 1", nullptr},
    // symbols are real, so conjugate(u) is u: it never stays in an expression
    {"conjugate", [](const ex& x) -> ex { return drop_conjugates(x.conjugate()); }, nullptr, nullptr, nullptr, "all x", nullptr},
    {"cos", even<cos_of>, "cos", [](double x) { return std::cos(x); }, "\\cos", "all x", nullptr},
    {"cosh", even<cosh_of>, "cosh", [](double x) { return std::cosh(x); }, "\\cosh", "all x", nullptr},
    {"exp", [](const ex& u) -> ex { return GiNaC::exp(u); }, "exp", [](double x) { return std::exp(x); }, nullptr, "all x", nullptr},
    {"log", [](const ex& u) -> ex { return GiNaC::log(u); }, "log", [](double x) { return std::log(x); }, "\\log", "x > 0", nullptr},
    {"sin", odd<sin_of>, "sin", [](double x) { return std::sin(x); }, "\\sin", "all x", nullptr},
    {"sinh", odd<sinh_of>, "sinh", [](double x) { return std::sinh(x); }, "\\sinh", "all x", nullptr},
    {"sqrt", [](const ex& u) -> ex { return GiNaC::sqrt(u); }, "sqrt", [](double x) { return std::sqrt(x); }, nullptr, "x >= 0", nullptr},
    {"tan", odd<tan_of>, "tan", [](double x) { return std::tan(x); }, "\\tan", "cos(x) != 0", nullptr},
    {"tanh", odd<tanh_of>, "tanh", [](double x) { return std::tanh(x); }, "\\tanh", "all x", nullptr},
};

}  // namespace

const std::vector<math_function>& math_functions() { return table; }

const math_function* find_math_function(std::string_view name) {
    auto it = std::lower_bound(table.begin(), table.end(), name,
                               [](const math_function& f, std::string_view n) { return f.name < n; });
    return it != table.end() && it->name == name ? &*it : nullptr;
}

const math_function* find_math_function(unsigned ginac_serial) {
    // Each row's serial, read off what its `apply` builds from a symbol (sqrt builds a
    // power, conjugate nothing of its own: they have no row here).
    static const std::map<unsigned, const math_function*> by_serial = [] {
        std::map<unsigned, const math_function*> m;
        const GiNaC::realsymbol t;
        for (const math_function& f : table) {
            ex call = f.apply(t);
            if (GiNaC::is_a<GiNaC::function>(call)) m.emplace(GiNaC::ex_to<GiNaC::function>(call).get_serial(), &f);
        }
        return m;
    }();
    auto it = by_serial.find(ginac_serial);
    return it == by_serial.end() ? nullptr : it->second;
}

std::optional<ex> constant(std::string_view name) {
    if (name == "pi") return ex(GiNaC::Pi);
    if (name == "E") return GiNaC::exp(ex(1));
    return std::nullopt;
}

}  // namespace ddx
