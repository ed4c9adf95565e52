#include <ddx/limits.hpp>
#include <ddx/error.hpp>
#include <ddx/evaluate.hpp>
#include <ddx/printer.hpp>
#include <ddx/tape.hpp>

#include "core/class_test.hpp"
#include "numeric/free_symbols.hpp"

#include <algorithm>
#include <cln/cln.h>
#include <cmath>
#include <cstdio>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;

namespace {

// GiNaC's precision is a global; restore it whatever happens.
struct digits_scope {
    explicit digits_scope(long digits) : saved(GiNaC::Digits) { GiNaC::Digits = digits; }
    ~digits_scope() { GiNaC::Digits = saved; }
    long saved;
};

// A double read from input (0.1) is exactly some rational; use that rational, so that
// evalf works at the precision asked for rather than at the float's own.
struct exact_floats : GiNaC::map_function {
    ex operator()(const ex& e) override {
        if (is_class<GiNaC::numeric>(e)) {
            const GiNaC::numeric& n = GiNaC::ex_to<GiNaC::numeric>(e);
            if (n.is_real() && !n.is_rational()) {
                return GiNaC::numeric(cln::rational(cln::the<cln::cl_R>(n.to_cl_N())));
            }
            return e;
        }
        return e.map(*this);
    }
};

// CLN's exp(a) for a large |a| works at a precision that grows with a (exp(10^6) takes
// 0.7 s, exp(10^8) minutes), allocating where ddx's Ctrl-C and time limit cannot reach: such
// arguments are refused. They are measured in doubles (the lowered tape) first.
void check_exponentials(const ex& e) {
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        bool exponential = GiNaC::is_the_function<GiNaC::exp_SERIAL>(*it) ||
                           GiNaC::is_the_function<GiNaC::sinh_SERIAL>(*it) ||
                           GiNaC::is_the_function<GiNaC::cosh_SERIAL>(*it);
        if (!exponential) continue;
        double a = 0;
        try {
            a = evaluate_double(it->op(0), {}).at(0);
        } catch (const error&) {
            continue;  // not a number here: evalf will say what it says
        }
        if (std::fabs(a) > limits::evalf_exp_argument) {
            char text[32];
            std::snprintf(text, sizeof text, "%.3g", a);
            throw error(std::string("evalf: the argument of an exponential is ") + text +
                        ", beyond the limit of 1e6 in size (CLN would take hours)");
        }
    }
}

bool all_numbers(const ex& e) {
    if (is_a<GiNaC::lst>(e)) {
        for (const ex& x : e) {
            if (!all_numbers(x)) return false;
        }
        return true;
    }
    return is_class<GiNaC::numeric>(e);
}

// The symbols of `e` with values, and the names of those without.
struct bound_symbols {
    std::vector<ex> symbols;
    std::vector<ex> values;
};

bound_symbols bind(const ex& e, const symbol_values& values) {
    bound_symbols out;
    std::vector<std::string> missing;
    for (const ex& s : free_symbols(e)) {
        const std::string& name = GiNaC::ex_to<GiNaC::symbol>(s).get_name();
        auto it = values.find(name);
        if (it == values.end()) {
            missing.push_back(name);
        } else {
            out.symbols.push_back(s);
            out.values.push_back(it->second);
        }
    }
    if (!missing.empty()) throw error(missing_values_message(missing));
    return out;
}

}  // namespace

std::vector<double> evaluate_double(const ex& e, const symbol_values& values) {
    bound_symbols bound = bind(e, values);
    std::vector<double> in;
    for (size_t i = 0; i < bound.symbols.size(); ++i) {
        ex v = GiNaC::evalf(bound.values[i]);
        if (!is_class<GiNaC::numeric>(v) || !GiNaC::ex_to<GiNaC::numeric>(v).is_real()) {
            throw error("the value given for " + GiNaC::ex_to<GiNaC::symbol>(bound.symbols[i]).get_name() + " is not a real number");
        }
        in.push_back(GiNaC::ex_to<GiNaC::numeric>(v).to_double());
    }
    tape p = lower(flatten(e), bound.symbols);
    std::vector<double> out(p.outputs.size()), registers;
    execute(p, in.data(), out.data(), registers);
    return out;
}

void check_evalf_digits(const GiNaC::numeric& digits) {
    if (!digits.is_integer()) throw error("digits must be a whole number, got " + to_string(digits));
    if (digits < 1 || digits > limits::evalf_digits) {
        throw error("digits must be between 1 and " + std::to_string(limits::evalf_digits) + ", got " +
                    to_string(digits));
    }
}

ex evaluate_precise(const ex& e, const symbol_values& values, int digits) {
    check_evalf_digits(digits);
    bound_symbols bound = bind(e, values);
    GiNaC::exmap substitution;
    exact_floats exact;
    for (size_t i = 0; i < bound.symbols.size(); ++i) substitution[bound.symbols[i]] = exact(bound.values[i]);
    ex bound_e = exact(e).subs(substitution, GiNaC::subs_options::no_pattern);
    check_exponentials(bound_e);
    // guard digits (printing rounds to `digits`), and never fewer than 20: CLN takes hardware
    // doubles for up to 15 digits, whose exponents end at 1e308 (exp(1000) overflowed at
    // digits = 3), and its long floats beyond, whose exponents do not
    digits_scope scope(std::max(digits + 10, 20));
    ex v = GiNaC::evalf(bound_e);
    if (!all_numbers(v)) throw error("the value is not a real number");
    return v;
}

}  // namespace ddx
