#include <ddx/functions.hpp>

#include "core/real_domain.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace ddx {

using GiNaC::ex;

namespace {

const std::vector<math_function> table = {
    {"abs", [](const ex& u) { return real_abs(u); }, "fabs", [](double x) { return std::fabs(x); }, nullptr, "all x", nullptr},
    {"acos", [](const ex& u) -> ex { return GiNaC::acos(u); }, "acos", [](double x) { return std::acos(x); }, nullptr, "-1 <= x <= 1", nullptr},
    {"acosh", [](const ex& u) -> ex { return GiNaC::acosh(u); }, "acosh", [](double x) { return std::acosh(x); }, nullptr, "x >= 1", nullptr},
    {"asin", [](const ex& u) -> ex { return GiNaC::asin(u); }, "asin", [](double x) { return std::asin(x); }, nullptr, "-1 <= x <= 1", nullptr},
    {"asinh", [](const ex& u) -> ex { return GiNaC::asinh(u); }, "asinh", [](double x) { return std::asinh(x); }, nullptr, "all x", nullptr},
    {"atan", [](const ex& u) -> ex { return GiNaC::atan(u); }, "atan", [](double x) { return std::atan(x); }, nullptr, "all x", nullptr},
    {"atanh", [](const ex& u) -> ex { return GiNaC::atanh(u); }, "atanh", [](double x) { return std::atanh(x); }, nullptr, "-1 < x < 1", nullptr},
    // symbols are real, so conjugate(u) is u: it never stays in an expression
    {"conjugate", [](const ex& x) -> ex { return drop_conjugates(x.conjugate()); }, nullptr, nullptr, nullptr, "all x", nullptr},
    {"cos", [](const ex& u) -> ex { return GiNaC::cos(u); }, "cos", [](double x) { return std::cos(x); }, "\\cos", "all x", nullptr},
    {"cosh", [](const ex& u) -> ex { return GiNaC::cosh(u); }, "cosh", [](double x) { return std::cosh(x); }, "\\cosh", "all x", nullptr},
    {"exp", [](const ex& u) -> ex { return GiNaC::exp(u); }, "exp", [](double x) { return std::exp(x); }, nullptr, "all x", nullptr},
    {"log", [](const ex& u) -> ex { return GiNaC::log(u); }, "log", [](double x) { return std::log(x); }, "\\log", "x > 0", nullptr},
    {"sin", [](const ex& u) -> ex { return GiNaC::sin(u); }, "sin", [](double x) { return std::sin(x); }, "\\sin", "all x", nullptr},
    {"sinh", [](const ex& u) -> ex { return GiNaC::sinh(u); }, "sinh", [](double x) { return std::sinh(x); }, "\\sinh", "all x", nullptr},
    {"sqrt", [](const ex& u) -> ex { return GiNaC::sqrt(u); }, "sqrt", [](double x) { return std::sqrt(x); }, nullptr, "x >= 0", nullptr},
    {"tan", [](const ex& u) -> ex { return GiNaC::tan(u); }, "tan", [](double x) { return std::tan(x); }, "\\tan", "cos(x) != 0", nullptr},
    {"tanh", [](const ex& u) -> ex { return GiNaC::tanh(u); }, "tanh", [](double x) { return std::tanh(x); }, "\\tanh", "all x", nullptr},
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
