#include "interp/builtins.hpp"

#include "core/class_test.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <ddx/help.hpp>
#include <ddx/limits.hpp>
#include <ddx/calculus.hpp>
#include <ddx/data.hpp>
#include <ddx/optimize.hpp>
#include <ddx/plot.hpp>
#include <ddx/codegen.hpp>
#include <ddx/tape.hpp>
#include <ddx/evaluate.hpp>
#include <ddx/printer.hpp>
#include <ddx/simplify.hpp>

#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "lang/build.hpp"
#include "lang/lexer.hpp"
#include "numeric/free_symbols.hpp"

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;

void builtin_context::fail(const std::string& message, position at) const {
    throw error(name + ": " + message, at.line > 0 ? at : where);
}

ex builtin_context::expr(size_t i) const {
    const argument& a = positional.at(i);
    if (a.is_range) fail("a range is not allowed here", a.where);
    if (std::holds_alternative<std::string>(a.v)) {
        fail("argument " + std::to_string(i + 1) + " must be an expression, not a string", a.where);
    }
    return as_expression(a.v, a.where);
}

GiNaC::ex builtin_context::symbol(size_t i) const {
    ex e = expr(i);
    if (!is_class<GiNaC::symbol>(e)) {
        fail("argument " + std::to_string(i + 1) + " must be a variable name, got " + to_string(e),
             positional[i].where);
    }
    return e;
}

// Entries may be lists or matrices of variables (from vars), taken in row-major order:
// [W, b, c] is every entry of W, then of b, then c.
std::vector<GiNaC::ex> builtin_context::symbols(size_t i) const {
    ex e = expr(i);
    if (!is_a<GiNaC::lst>(e)) {
        fail("argument " + std::to_string(i + 1) + " must be a list of variables like [x, y]",
             positional[i].where);
    }
    std::vector<ex> out = flattened(e);
    for (const ex& x : out) {
        if (!is_class<GiNaC::symbol>(x)) {
            fail("argument " + std::to_string(i + 1) + " must list variable names, got " + to_string(x),
                 positional[i].where);
        }
    }
    return out;
}

long builtin_context::integer(size_t i, long lo, long hi) const {
    ex e = expr(i);
    if (!is_class<GiNaC::numeric>(e) || !GiNaC::ex_to<GiNaC::numeric>(e).is_integer()) {
        fail("argument " + std::to_string(i + 1) + " must be an integer, got " + to_string(e),
             positional[i].where);
    }
    const GiNaC::numeric& n = GiNaC::ex_to<GiNaC::numeric>(e);
    if (n < lo || n > hi) {
        fail("argument " + std::to_string(i + 1) + " must be between " + std::to_string(lo) + " and " +
                 std::to_string(hi) + ", got " + to_string(e),
             positional[i].where);
    }
    return n.to_long();
}

std::string builtin_context::string(size_t i) const {
    const argument& a = positional.at(i);
    if (const auto* s = std::get_if<std::string>(&a.v)) return *s;
    fail("argument " + std::to_string(i + 1) + " must be a string in double quotes", a.where);
}

const data_table& builtin_context::table(size_t i) const {
    const argument& a = positional.at(i);
    if (const auto* t = std::get_if<data_table>(&a.v)) return *t;
    fail("argument " + std::to_string(i + 1) + " must be a data table from load(\"file.csv\")", a.where);
}

double builtin_context::number(const argument& a) const {
    ex e = GiNaC::evalf(as_expression(a.v, a.where));
    if (!is_class<GiNaC::numeric>(e) || !GiNaC::ex_to<GiNaC::numeric>(e).is_real()) {
        fail("expected a real number, got " + to_string(e), a.where);
    }
    return GiNaC::ex_to<GiNaC::numeric>(e).to_double();
}

std::vector<double> builtin_context::numbers(size_t i) const {
    ex e = expr(i);
    if (!is_a<GiNaC::lst>(e)) fail("argument " + std::to_string(i + 1) + " must be a list of numbers", positional[i].where);
    std::vector<double> out;
    for (const ex& x : flattened(e)) out.push_back(number({"", x, false, positional[i].where}));  // row-major
    return out;
}

std::map<std::string, ex> builtin_context::option_values(const std::vector<std::string>& allowed) const {
    std::map<std::string, ex> out;
    for (const argument& a : options) {
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), a.option) == allowed.end()) {
            std::string names;
            for (const std::string& n : allowed) names += (names.empty() ? "" : ", ") + n;
            fail("unknown option '" + a.option + "' (options: " + names + ")", a.where);
        }
        if (out.count(a.option)) fail("option '" + a.option + "' given twice", a.where);
        const ex* e = std::get_if<ex>(&a.v);
        if (!e || a.is_range) fail("option '" + a.option + "' needs an expression", a.where);
        out[a.option] = *e;
    }
    return out;
}

namespace {

void no_options(const builtin_context& c) {
    if (!c.options.empty()) c.fail("takes no 'name = value' options", c.options[0].where);
}

// diff(e, x), diff(e, x, n), diff(e, x, 2, y, ...)
value diff_builtin(builtin_context& c) {
    no_options(c);
    derivative_spec spec;
    for (size_t i = 1; i < c.positional.size(); ++i) {
        ex e = c.expr(i);
        if (is_class<GiNaC::symbol>(e)) {
            spec.emplace_back(e, 1);
        } else if (is_class<GiNaC::numeric>(e) && !spec.empty()) {
            c.check_at(c.positional[i].where, [&] { check_derivative_order(GiNaC::ex_to<GiNaC::numeric>(e)); });
            spec.back().second = GiNaC::ex_to<GiNaC::numeric>(e).to_int();
        } else {
            c.fail("argument " + std::to_string(i + 1) + " must be a variable name" +
                       (spec.empty() ? "" : " or an order") + ", got " + to_string(e),
                   c.positional[i].where);
        }
    }
    ex e = c.expr(0);
    if (spec.empty()) {
        auto free = free_symbols(e);
        if (free.size() != 1) c.fail("say which variable to differentiate by: diff(e, x)", c.where);
        spec.emplace_back(free[0], 1);
    }
    return diff(e, spec);
}

value grad_builtin(builtin_context& c) {
    no_options(c);
    return ex(gradient(c.expr(0), c.symbols(1)));
}

value jacobian_builtin(builtin_context& c) {
    no_options(c);
    ex outputs = c.expr(0);
    if (!is_a<GiNaC::lst>(outputs)) c.fail("argument 1 must be a list of expressions", c.positional[0].where);
    return ex(jacobian(GiNaC::ex_to<GiNaC::lst>(outputs), c.symbols(1)));
}

value hessian_builtin(builtin_context& c) {
    no_options(c);
    return ex(hessian(c.expr(0), c.symbols(1)));
}

value simplify_builtin(builtin_context& c) {
    no_options(c);
    return simplify(c.expr(0));
}

template <ex (*F)(const ex&)>
ex map_lists(const ex& e) {
    if (!is_a<GiNaC::lst>(e)) return F(e);
    GiNaC::lst out;
    for (const ex& x : e) out.append(map_lists<F>(x));
    return out;
}

ex expand_one(const ex& e) {
    check_expansion_size(e);
    return e.expand();
}
ex normal_one(const ex& e) {
    check_expansion_size(e);
    return GiNaC::normal(e);
}
ex factor_one(const ex& e) { return ddx::factor(e); }

value expand_builtin(builtin_context& c) {
    no_options(c);
    return map_lists<expand_one>(c.expr(0));
}

value normal_builtin(builtin_context& c) {
    no_options(c);
    return map_lists<normal_one>(c.expr(0));
}

value factor_builtin(builtin_context& c) {
    no_options(c);
    try {
        return map_lists<factor_one>(c.expr(0));
    } catch (const error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception&) {
        c.fail("factor works on polynomials and rational functions with exact coefficients", c.where);
    }
}

value collect_builtin(builtin_context& c) {
    no_options(c);
    ex by = c.expr(1);
    if (is_a<GiNaC::lst>(by)) {
        GiNaC::lst flat;  // lists or matrices of variables, row-major
        for (const ex& x : c.symbols(1)) flat.append(x);
        by = flat;
    } else {
        c.symbol(1);
    }
    ex e = c.expr(0);
    check_expansion_size(e);
    return GiNaC::collect(e.expand(), by, true);
}

GiNaC::exmap substitution(const builtin_context& c, const std::map<std::string, ex>& values) {
    GiNaC::exmap out;
    for (const auto& [name, v] : values) out[c.symbols_of_session.get(name)] = v;
    return out;
}

value subs_builtin(builtin_context& c) {
    if (c.options.empty()) c.fail("say what to substitute: subs(e, x = value, ...)", c.where);
    return checked_subs(c.expr(0), substitution(c, c.option_values()));
}

value eval_builtin(builtin_context& c) {
    symbol_values values;
    for (const auto& [name, v] : c.option_values()) values[name] = v;
    ex e = c.expr(0);
    return double_value{evaluate_double(e, values), e};
}

value evalf_builtin(builtin_context& c) {
    symbol_values values;
    int digits = 17;
    for (const auto& [name, v] : c.option_values()) {
        if (name != "digits") {
            values[name] = v;
            continue;
        }
        if (!is_class<GiNaC::numeric>(v)) c.fail("digits must be a whole number", c.where);
        c.check_at(c.where, [&] { check_evalf_digits(GiNaC::ex_to<GiNaC::numeric>(v)); });
        digits = GiNaC::ex_to<GiNaC::numeric>(v).to_int();
    }
    return precise_value{evaluate_precise(c.expr(0), values, digits), digits};
}

value series_builtin(builtin_context& c) {
    no_options(c);
    ex x = c.symbol(1);
    ex x0 = c.expr(2);
    int order = static_cast<int>(c.integer(3, 0, 100));
    // GiNaC recurses without end on the series of some constants (atanh(b) in x): the parts
    // free of x are held as symbols meanwhile
    auto terms_of_series = [&](const ex& e) {
        GiNaC::exmap held;
        struct hold_constants : GiNaC::map_function {
            const ex& x;
            GiNaC::exmap& held;
            hold_constants(const ex& v, GiNaC::exmap& h) : x(v), held(h) {}
            ex operator()(const ex& e) override {
                if (!is_a<GiNaC::function>(e) || e.has(x)) return e.map(*this);
                GiNaC::symbol s;
                held[s] = e;
                return s;
            }
        } hold(x, held);
        ex s;
        try {
            s = hold(e).series(x == x0, order + 1);
        } catch (const error&) {
            throw;
        } catch (const std::exception& why) {  // GiNaC's, at a branch point: sqrt(x) at 0
            c.fail("no Taylor series of " + to_string(e) + " at " + to_string(x) + " = " + to_string(x0) + " (" +
                       why.what() + ")",
                   c.where);
        }
        auto unheld = [&](const ex& t) { return t.subs(held, GiNaC::subs_options::no_pattern); };
        std::vector<series_term> terms;
        if (!is_a<GiNaC::pseries>(s)) {
            terms.push_back({unheld(GiNaC::series_to_poly(s)), 1});
            return terms;
        }
        const GiNaC::pseries& p = GiNaC::ex_to<GiNaC::pseries>(s);
        for (int k = p.ldegree(x); k <= order; ++k) {
            ex coefficient = unheld(p.coeff(x, k));
            if (coefficient.is_zero() || coefficient.has(GiNaC::Order(GiNaC::wild()).hold())) continue;
            terms.push_back({coefficient, GiNaC::pow(x - x0, k)});
        }
        return terms;
    };
    const ex e = c.expr(0);
    if (!is_a<GiNaC::lst>(e)) return series_value{terms_of_series(e)};
    // a list: the series of each entry, as sums (a list prints in ddx's usual order)
    std::function<ex(const ex&)> entrywise = [&](const ex& x) -> ex {
        if (is_a<GiNaC::lst>(x)) {
            GiNaC::lst out;
            for (const ex& entry : GiNaC::ex_to<GiNaC::lst>(x)) out.append(entrywise(entry));
            return out;
        }
        GiNaC::exvector sum;
        for (const series_term& t : terms_of_series(x)) sum.push_back(t.coefficient * t.power);
        return GiNaC::add(sum);
    };
    return entrywise(e);
}

value latex_builtin(builtin_context& c) {
    no_options(c);
    return to_latex(c.expr(0));
}

value ccode_builtin(builtin_context& c) {
    no_options(c);
    std::string source = emit_c({c.expr(0)}, c.symbols(1), c.string(2));
    source.pop_back();  // the statement's own newline ends the text
    return source;
}

// `method = "gd"`, `rate = 0.01`, `steps = 1000`, `tol = 1e-10`; `start = [...]` for fit.
minimize_options read_minimize_options(const builtin_context& c, std::vector<double>* start) {
    minimize_options o;
    for (const argument& a : c.options) {
        if (a.option == "method") {
            const auto* s = std::get_if<std::string>(&a.v);
            if (!s) c.fail("method must be \"gd\", \"newton\" or \"lbfgs\"", a.where);
            if (*s != "gd" && *s != "newton" && *s != "lbfgs") {
                c.fail("method must be \"gd\", \"newton\" or \"lbfgs\", got \"" + *s + "\"", a.where);
            }
            o.method = *s;
        } else if (a.option == "rate") {
            o.rate = c.number(a);
            if (!(o.rate > 0)) c.fail("rate must be positive", a.where);
        } else if (a.option == "steps") {
            double steps = c.number(a);
            if (!(steps >= 0) || steps > 1e9 || steps != std::floor(steps)) c.fail("steps must be a whole number up to 1e9", a.where);
            o.steps = static_cast<long>(steps);
        } else if (a.option == "tol") {
            o.tol = c.number(a);
            if (!(o.tol >= 0)) c.fail("tol must not be negative", a.where);
        } else if (a.option == "start" && start) {
            builtin_context one{c.symbols_of_session, c.name, c.where, {a}, {}, c.progress};
            *start = one.numbers(0);
        } else {
            c.fail("unknown option '" + a.option + "' (options: method, rate, steps, tol" +
                       std::string(start ? ", start" : "") + ")",
                   a.where);
        }
    }
    if (c.progress && *c.progress) {
        const std::function<void(const std::string&)>& sink = *c.progress;
        o.on_progress = [&sink](const minimize_progress& p) {
            sink("# iteration " + std::to_string(p.iteration) + ": value " + format_double(p.value) +
                 ", gradient norm " + format_double(p.gradient_norm));
        };
    }
    return o;
}

annotated_value reached(const std::vector<ex>& variables, const minimize_result& r, const std::string& method) {
    GiNaC::lst point;
    for (size_t i = 0; i < variables.size(); ++i) point.append(variables[i] == GiNaC::numeric(r.point[i]));
    std::string comment = "# value " + format_double(r.value) + " after " + std::to_string(r.iterations) +
                          " iteration" + (r.iterations == 1 ? "" : "s") + " (" + method + "); " + r.reason;
    return {point, comment};
}

value minimize_builtin(builtin_context& c) {
    std::vector<ex> variables = c.symbols(1);
    std::vector<double> start = c.numbers(2);
    minimize_options o = read_minimize_options(c, nullptr);
    return reached(variables, minimize(c.expr(0), variables, start, o), o.method);
}

value fit_builtin(builtin_context& c) {
    std::vector<ex> parameters = c.symbols(1);
    const data_table& data = c.table(2);
    std::vector<double> start(parameters.size(), 0.0);
    minimize_options o = read_minimize_options(c, &start);
    return reached(parameters, fit(c.expr(0), parameters, data, start, o), o.method);
}

// A size of vars: a positive integer (exact, so that 10^30 is refused, not wrapped).
GiNaC::numeric vars_size(const builtin_context& c, size_t i) {
    ex e = c.expr(i);
    if (!is_class<GiNaC::numeric>(e) || !GiNaC::ex_to<GiNaC::numeric>(e).is_pos_integer()) {
        c.fail("argument " + std::to_string(i + 1) + " must be a positive integer, got " + to_string(e),
               c.positional[i].where);
    }
    return GiNaC::ex_to<GiNaC::numeric>(e);
}

// How many symbols one call of vars may make (limits::vars_symbols), checked before any.
void check_vars_count(const builtin_context& c, const GiNaC::numeric& count, position at) {
    if (count > limits::vars_symbols) {
        c.fail(to_string(count) + " variables are more than the limit of " + std::to_string(limits::vars_symbols),
               at);
    }
}

// vars("w", n): [w_0, ..., w_(n-1)]; vars("w", n, m): [[w_0_0, ..., w_0_(m-1)], ...]. The
// session's symbols, so that typing w_0 later is the same unknown.
value vars_builtin(builtin_context& c) {
    no_options(c);
    std::string stem = c.string(0);
    if (stem.empty() || !is_name_start(stem[0]) || !std::all_of(stem.begin(), stem.end(), is_name_char)) {
        c.fail("argument 1 must be a name (letters, digits and '_', not starting with a digit), got \"" +
                   stem + "\"",
               c.positional[0].where);
    }
    bool matrix = c.positional.size() == 3;
    GiNaC::numeric rows = vars_size(c, 1), columns = matrix ? vars_size(c, 2) : GiNaC::numeric(1);
    check_vars_count(c, rows * columns, matrix ? c.where : c.positional[1].where);
    auto entry = [&](const std::string& name) { return ex(c.symbols_of_session.get(name)); };
    GiNaC::lst out;
    for (long i = 0; i < rows.to_long(); ++i) {
        std::string name = stem + "_" + std::to_string(i);
        if (!matrix) {
            out.append(entry(name));
            continue;
        }
        GiNaC::lst row;
        for (long j = 0; j < columns.to_long(); ++j) row.append(entry(name + "_" + std::to_string(j)));
        out.append(row);
    }
    return ex(out);
}

value sum_builtin(builtin_context& c) {
    no_options(c);
    ex e = c.expr(0);
    return reporting_at(c.positional[0].where, [&] { return sum_of_entries(e); });
}

value transpose_builtin(builtin_context& c) {
    no_options(c);
    ex e = c.expr(0);
    auto shape = array_shape(e);
    if (!shape || shape->size() > 2) {
        c.fail("argument 1 must be a list or a matrix (a list of rows of equal length), got shape " + shape_text(e),
               c.positional[0].where);
    }
    return transposed(e);
}

value load_builtin(builtin_context& c) {
    no_options(c);
    return load_csv(c.string(0));
}

value plot_builtin(builtin_context& c) {
    plot_request r;
    ex curves = c.expr(0);
    if (is_a<GiNaC::lst>(curves)) {
        for (const ex& e : curves) r.curves.push_back(e);
    } else {
        r.curves.push_back(curves);
    }
    if (c.positional.size() > 1) r.file = c.string(1);
    if (c.options.size() != 1 || !c.options[0].is_range) c.fail("say the range as x = lo..hi", c.where);
    const argument& range = c.options[0];
    r.variable = c.symbols_of_session.get(range.option);
    ex bounds = as_expression(range.v, range.where);
    r.lo = c.number({"", bounds.op(0), false, range.where});
    r.hi = c.number({"", bounds.op(1), false, range.where});
    std::string drawing = plot(r);
    std::string what = r.curves.size() == 1 ? to_string(r.curves[0]) : std::to_string(r.curves.size()) + " curves";
    std::string comment;
    std::istringstream lines(drawing);
    for (std::string line; std::getline(lines, line);) {
        if (line.find_first_not_of(" \f\r") != std::string::npos) comment += "# " + line + "\n";
    }
    comment += "# plotted " + what + " for " + range.option + " in [" + format_double(r.lo) + ", " +
               format_double(r.hi) + "]" + (r.file.empty() ? " in the terminal" : " to " + r.file);
    return annotated_value{GiNaC::lst{}, comment};
}

constexpr size_t many = 1000;

const std::vector<builtin> table = {
    {"diff", 1, many, "diff(e, x), diff(e, x, n), diff(e, x, 2, y)",
     "derivative, n-th derivative or mixed partial", "diff(x^3*y, x, 2, y)", diff_builtin},
    {"grad", 2, 2, "grad(e, [x, y, ...])", "list of first partial derivatives",
     "grad((y - (a*x + b))^2, [a, b])", grad_builtin},
    {"jacobian", 2, 2, "jacobian([e1, e2, ...], [x, y, ...])", "matrix of first partials",
     "jacobian([x*y, x + y], [x, y])", jacobian_builtin},
    {"hessian", 2, 2, "hessian(e, [x, y, ...])", "matrix of second partials",
     "hessian(x^2*y, [x, y])", hessian_builtin},
    {"simplify", 1, 1, "simplify(e)", "the shortest equivalent form found",
     "simplify(exp(x)*exp(-x))", simplify_builtin},
    {"expand", 1, 1, "expand(e)", "multiply out products and powers", "expand((x + 1)^2)",
     expand_builtin},
    {"factor", 1, 1, "factor(e)", "factor a polynomial or rational function", "factor(x^2 - 1)",
     factor_builtin},
    {"normal", 1, 1, "normal(e)", "rational normal form (numerator/denominator)",
     "normal(1/x + 1/y)", normal_builtin},
    {"collect", 2, 2, "collect(e, x)", "collect powers of x (or of a list of variables)",
     "collect(a*x + b*x + c, x)", collect_builtin},
    {"subs", 1, 1, "subs(e, x = v, ...)", "exact substitution", "subs(x^2 + y, x = 3)",
     subs_builtin},
    {"eval", 1, 1, "eval(e, x = v, ...)", "value as a double (or a list of doubles)",
     "eval(sin(x), x = 1)", eval_builtin},
    {"evalf", 1, 1, "evalf(e, x = v, ..., digits = N)", "value with N significant digits",
     "evalf(pi, digits = 30)", evalf_builtin},
    {"series", 4, 4, "series(e, x, x0, n)", "Taylor series at x0 up to order n",
     "series(exp(x), x, 0, 4)", series_builtin},
    {"latex", 1, 1, "latex(e)", "LaTeX source", "latex(x^2/2)", latex_builtin},
    {"ccode", 3, 3, "ccode(e, [x, y, ...], \"name\")",
     "C99 function void name(const double *in, double *out)", "ccode([x^2, sin(x)*y], [x, y], \"f\")",
     ccode_builtin},
    {"vars", 2, 3, "vars(\"w\", n), vars(\"w\", n, m)",
     "a list [w_0, ..., w_(n-1)] or an n x m matrix [[w_0_0, ...], ...] of variables",
     "W = vars(\"W\", 2, 3)", vars_builtin},
    {"sum", 1, 1, "sum(v)", "the sum of every entry of a list or matrix", "sum([x, y, z]^2)", sum_builtin},
    {"transpose", 1, 1, "transpose(A)", "a matrix's rows as columns (a list is itself)",
     "transpose([[1, 2, 3], [4, 5, 6]])", transpose_builtin},
    {"plot", 1, 2, "plot(e, x = lo..hi), plot([e1, e2], x = lo..hi, \"file.png\")",
     "curves of one variable: to a .png or .svg file, or drawn in the terminal",
     "plot([tanh(x), diff(tanh(x), x)], x = -3..3)", plot_builtin},
    {"minimize", 3, 3, "minimize(e, [x, y], [x0, y0], method = \"gd\", rate = 0.01, steps = 1000, tol = 1e-10)",
     "numeric minimum with the symbolic gradient (method \"gd\" or \"lbfgs\") or Hessian (\"newton\")",
     "minimize((x - 1)^2 + (y + 2)^2, [x, y], [0, 0], method = \"newton\")", minimize_builtin},
    {"load", 1, 1, "load(\"file.csv\")", "a data table: a header row of names, one row per point",
     "data = load(\"points.csv\")", load_builtin},
    {"fit", 3, 3, "fit(loss, [a, b], data, start = [a0, b0], method = \"gd\", ...)",
     "minimizes the sum of loss over the rows of data (columns bind the other names)",
     "fit((y - (a*x + b))^2, [a, b], load(\"points.csv\"), method = \"newton\")", fit_builtin},
};

}  // namespace

const std::vector<builtin>& builtin_table() { return table; }

std::vector<builtin_help> builtin_help_table() {
    std::vector<builtin_help> out;
    for (const builtin& b : table) out.push_back({b.name, b.signature, b.summary, b.example});
    return out;
}

bool takes_substitutions(const builtin& b) { return std::string_view(b.signature).find("x = v") != std::string_view::npos; }

const builtin* find_builtin(const std::string& name) {
    // every name in a script that is not bound is looked up here: by hash, not by scanning
    static const std::unordered_map<std::string, const builtin*> by_name = [] {
        std::unordered_map<std::string, const builtin*> m;
        for (const builtin& b : table) m.emplace(b.name, &b);
        return m;
    }();
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
}

}  // namespace ddx
