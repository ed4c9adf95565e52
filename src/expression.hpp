// Building GiNaC expressions from the language's pieces: numbers, constants, the
// contract's functions and arithmetic that maps over lists. Shared by ddx::parse and the
// session's evaluator so that both read the language the same way.
#pragma once

#include <ddx/error.hpp>
#include <ddx/node_map.hpp>

#include <algorithm>
#include <ddx/interrupt.hpp>
#include <ddx/symbols.hpp>
#include <ddx/syntax.hpp>
#include <ginac/ginac.h>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ddx {

/// `12` exact, `2.5` / `1e-3` a double-precision float.
GiNaC::ex number_from_text(const std::string& text, position where);

/// The integer written by a run of decimal digits, exact at any length.
GiNaC::numeric integer_from_digits(std::string_view digits);

/// GiNaC's decimal text of a number (`-12`, `3/4`, `0.5`). Integers that fit a machine word
/// are written without a stream: building an ostringstream was a third of the time of
/// printing a small expression.
std::string number_text(const GiNaC::numeric& n);

/// Whether `e`, read as a tree (shared parts counted each time), has more than `limit` nodes.
/// Costs at most `limit` steps.
bool tree_size_exceeds(const GiNaC::ex& e, size_t limit);

/// The deepest an expression built at run time may nest (a symbol is one level). Past a few
/// thousand levels GiNaC's own work grows with the square of the depth: building f(u) asks
/// u for its return type, which recurses down u's chain, so 2^20 nested calls (four lines
/// of composed functions) would take days.
constexpr size_t max_expression_depth = 10000;

/// `e.subs(m)` (exact, no patterns); an error, before any work, when the result would nest
/// deeper than max_expression_depth.
GiNaC::ex checked_subs(const GiNaC::ex& e, const GiNaC::exmap& m);

/// abs(u) for real u: GiNaC's abs, without the complex rewrites it makes when it cannot
/// prove u real (real_part, atan2, conjugate).
GiNaC::ex real_abs(const GiNaC::ex& u);

/// `pi` and `E`, or nothing.
std::optional<GiNaC::ex> constant(const std::string& name);

/// The contract's one-argument functions (exp log sqrt sin ... abs).
const std::vector<std::string>& math_function_names();
bool is_math_function(const std::string& name);
/// `name(arg)`, mapped over a list argument.
GiNaC::ex apply_math_function(const std::string& name, const GiNaC::ex& arg);

/// a op b for op in "+-*/^", element-wise where either side is a list (a list with a
/// list needs equal lengths). GiNaC errors (division by zero) become ddx::error at `where`.
GiNaC::ex arithmetic(char op, const GiNaC::ex& a, const GiNaC::ex& b, position where);
GiNaC::ex negate(const GiNaC::ex& a);

/// The value of a binary node: `operand` evaluates each operand. A left-leaning chain of
/// `+`/`-` (or of `*`) is walked iteratively and combined into one GiNaC::add (mul) when no
/// operand is a list, so that a sum of 100,000 terms neither recurses 100,000 deep nor is
/// built one term at a time (quadratic in GiNaC); lists combine element-wise, pair by pair.
GiNaC::ex evaluate_binary(const node& n, const std::function<GiNaC::ex(const node&)>& operand);

/// Builds the expression of a syntax tree that contains only numbers, names, arithmetic,
/// lists and math functions.
GiNaC::ex build_expression(const node& n, symbol_table& symbols);

}  // namespace ddx

namespace ddx {

/// a*b and a/b without GiNaC's operator* and operator/, which ask every factor whether it
/// commutes by walking its whole tree: exponential on expressions with shared parts.
inline GiNaC::ex times(const GiNaC::ex& a, const GiNaC::ex& b) { return GiNaC::mul(a, b); }
inline GiNaC::ex divided(const GiNaC::ex& a, const GiNaC::ex& b) {
    return GiNaC::mul(a, GiNaC::pow(b, -1));
}

/// The sum with every term multiplied by `factor`, term by term (expand would read every
/// term as a tree).
inline GiNaC::ex scaled_sum(const GiNaC::ex& sum, const GiNaC::numeric& factor) {
    GiNaC::exvector terms;
    for (const GiNaC::ex& t : sum) terms.push_back(times(t, factor));
    return GiNaC::add(terms);
}

/// The readable part of a GiNaC or CLN exception's text: "division by zero" from
/// "power::eval(): division by zero", "log(0) is undefined" for a logarithmic pole of log.
std::string readable(const std::exception& e);

/// f(), with every failure turned into a ddx::error at `where` (one without a position gets
/// this one): bad input must end in an error, never in a crash, and GiNaC and CLN report
/// failures as std::exception subclasses in their own wording.
template <class F>
auto reporting_at(position where, F f) -> decltype(f()) {
    try {
        return f();
    } catch (const error& e) {
        throw e.located_at(where);
    } catch (const std::bad_alloc&) {
        throw error(failed_allocation_message(), where);
    } catch (const std::exception& e) {
        throw error(readable(e), where);
    }
}

/// `e` with `rewrite` applied bottom-up: to every node, once its operands are rewritten.
/// Each distinct subexpression is visited once, and a node is rebuilt only where an operand
/// changed (GiNaC's map rebuilds and re-evaluates every node of the tree, which made it most
/// of simplify's time). `rewrite` must return its argument where it has nothing to do.
template <class Rewrite>
GiNaC::ex rewrite_bottom_up(const GiNaC::ex& e, Rewrite rewrite) {
    struct walker : GiNaC::map_function {
        Rewrite& rewrite;
        node_map<GiNaC::ex> memo;
        explicit walker(Rewrite& r) : rewrite(r) {}
        GiNaC::ex operator()(const GiNaC::ex& x) override {
            auto it = memo.find(x);
            if (it != memo.end()) return it->second;
            bool changed = false;
            for (const GiNaC::ex& c : x) changed = !(*this)(c).is_equal(c) || changed;
            GiNaC::ex out = rewrite(changed ? x.map(*this) : x);  // map finds the operands in memo
            memo.emplace(x, out);
            return out;
        }
    } w(rewrite);
    return w(e);
}

/// The length of a printed form without its spaces (` + `): what simplify minimizes, as the
/// benchmark and the issue compare lengths.
inline size_t visible_length(const std::string& text) {
    return text.size() - static_cast<size_t>(std::count(text.begin(), text.end(), ' '));
}

/// The greatest rational dividing both a and b by integers (1/2 and 3/4: 1/4), positive;
/// the other one where one is 0.
inline GiNaC::numeric rational_gcd(const GiNaC::numeric& a, const GiNaC::numeric& b) {
    if (a.is_zero()) return GiNaC::abs(b);
    if (b.is_zero()) return GiNaC::abs(a);
    return GiNaC::gcd(a.numer(), b.numer()) / GiNaC::lcm(a.denom(), b.denom());
}

/// Whether `e` is exp(...).
inline bool is_exp(const GiNaC::ex& e) { return GiNaC::is_the_function<GiNaC::exp_SERIAL>(e); }

}  // namespace ddx
