// Derivatives of generated expressions, checked three independent ways:
//  - against central finite differences at random points where the function is smooth,
//  - against SymPy (when /usr/bin/python3 has it) as a symbolic oracle,
//  - by printing each result and parsing it back to an equal expression.
// Second derivatives and a mixed partial are checked for a subset against nested
// finite differences. Everything is seeded, so every run checks the same cases.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include "expression_generator.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using GiNaC::ex;

constexpr std::uint32_t seed = 20240611;
constexpr int expression_count = 240;   // expressions whose first derivatives are checked
constexpr int second_order_count = 60;  // the first this many with x also get d2/dx2, d2/dxdy
constexpr int points_per_check = 3;     // smooth points wanted per derivative
constexpr int attempts_per_check = 24;  // random points tried to find them
constexpr double box_lo = 0.2, box_hi = 1.8;
constexpr double max_magnitude = 1e6;   // larger values make differences too noisy
constexpr unsigned probe_seconds = 20;  // one case taking longer than this is a failure

struct point {
    double x, y;
};

// --- finite differences ---

// e at p in double precision (IEEE: nan outside the domain, inf at poles). Throws
// ddx::error if ddx has no double meaning for a part of e.
double value_at(const ex& e, point p) {
    std::vector<double> r = ddx::evaluate_double(e, ddx::symbol_values{{"x", GiNaC::numeric(p.x)}, {"y", GiNaC::numeric(p.y)}});
    return r.size() == 1 ? r[0] : std::nan("");
}

// The exact rational value of a double: a float binding would keep evalf in double
// precision.
GiNaC::numeric exact(double v) {
    int e = 0;
    double m = std::frexp(v, &e);  // v = m * 2^e, 0.5 <= |m| < 1
    return GiNaC::numeric(static_cast<long>(std::ldexp(m, 53))) * GiNaC::numeric(2).power(e - 53);
}

// e at p with 400 digits, for where doubles round an intermediate to a singular value
// (1 - tanh(u)^2 is 0 for |u| > 19, making a finite derivative 0/0); nan if e has no real
// value there.
double precise_value_at(const ex& e, point p) {
    try {
        ex r = ddx::evaluate_precise(e, ddx::symbol_values{{"x", exact(p.x)}, {"y", exact(p.y)}}, 400);
        if (GiNaC::is_a<GiNaC::numeric>(r) && GiNaC::ex_to<GiNaC::numeric>(r).is_real()) {
            return GiNaC::ex_to<GiNaC::numeric>(r).to_double();
        }
    } catch (const std::exception&) {
        // no real value: reported as nan
    }
    return std::nan("");
}

// Nested central differences: the last variable of `spec` ("x", "xx", "xy") is
// differenced outermost. nan if any value on the stencil is not finite or too large.
double central(const ex& f, const std::string& spec, point p, double h, double& largest) {
    if (spec.empty()) {
        double v = value_at(f, p);
        if (!std::isfinite(v) || std::fabs(v) > max_magnitude) return std::nan("");
        largest = std::max(largest, std::fabs(v));
        return v;
    }
    bool along_x = spec.back() == 'x';
    double at = along_x ? p.x : p.y;
    double step = h * std::max(1.0, std::fabs(at));
    point plus = p, minus = p;
    (along_x ? plus.x : plus.y) = at + step;
    (along_x ? minus.x : minus.y) = at - step;
    double width = along_x ? plus.x - minus.x : plus.y - minus.y;  // the step actually taken
    std::string rest = spec.substr(0, spec.size() - 1);
    return (central(f, rest, plus, h, largest) - central(f, rest, minus, h, largest)) / width;
}

// How far a derivative may be from the difference estimate: relative to the derivative,
// plus the rounding noise of differencing values as large as `largest`.
double tolerance(size_t order, double d, double largest) {
    return order == 1 ? 1e-6 * (1 + std::fabs(d)) + 1e-9 * largest : 1e-4 * (1 + std::fabs(d)) + 1e-7 * largest;
}

struct fd_estimate {
    bool usable = false;
    double value = 0;
    double largest = 0;  // the largest |f| on the stencil
};

// The finite-difference derivative at p; not usable where f is not smooth near p (a kink
// of abs, a pole, the edge of the domain): there the estimates at h and h/2 disagree or
// some value is not finite.
fd_estimate estimate(const ex& f, const std::string& spec, point p) {
    double h = spec.size() == 1 ? 1e-4 : 1e-3;
    fd_estimate out;
    double coarse = central(f, spec, p, h, out.largest);
    double fine = central(f, spec, p, h / 2, out.largest);
    if (!std::isfinite(coarse) || !std::isfinite(fine)) return out;
    out.value = (4 * fine - coarse) / 3;  // Richardson: the h^2 error terms cancel
    out.usable = std::fabs(coarse - fine) <= tolerance(spec.size(), out.value, out.largest);
    return out;
}

// --- the generated cases ---

// One derivative under test; `spec` names the variables in the order they are
// differentiated: "x", "y", "xx", "xy".
struct derivative_check {
    std::string spec;
    ex value;
};

struct generated_case {
    int index = 0;
    std::string category;
    std::string text;  // as generated
    ex f;
    std::vector<derivative_check> checks;
};

struct corpus {
    ddx::symbol_table symbols;
    ex x, y;
    std::vector<generated_case> cases;
    std::vector<std::string> failures;  // expressions on which ddx crashed, hung or threw
    int generated = 0;                  // cases from the generator; the rest are regressions
    int redrawn = 0;                    // drawn again: invalid, or no point to check them at
};

struct checked_point {
    point p;
    double fd, exact;
    bool agrees;
    double tol;
    bool precise;  // the double value was not finite; `exact` is from 400 digits
};

struct fd_comparison {
    std::vector<checked_point> points;
    std::string error;  // ddx could not evaluate f or the derivative
};

// Compares one derivative with finite differences at up to points_per_check smooth
// random points (the same points on every run).
fd_comparison compare_with_fd(const generated_case& g, const derivative_check& d) {
    std::mt19937 rng(seed + 7919u * static_cast<std::uint32_t>(g.index) + static_cast<std::uint32_t>(d.spec.size()));
    auto coordinate = [&] { return box_lo + (box_hi - box_lo) * (rng() / 4294967296.0); };
    fd_comparison out;
    try {
        for (int attempt = 0; attempt < attempts_per_check && static_cast<int>(out.points.size()) < points_per_check;
             ++attempt) {
            point p{coordinate(), coordinate()};
            fd_estimate fd = estimate(g.f, d.spec, p);
            if (!fd.usable) continue;
            double exact = value_at(d.value, p);
            bool precise = !std::isfinite(exact);
            if (precise) exact = precise_value_at(d.value, p);
            double tol = tolerance(d.spec.size(), fd.value, fd.largest);
            out.points.push_back({p, fd.value, exact, std::fabs(fd.value - exact) <= tol, tol, precise});
        }
    } catch (const std::exception& err) {
        out.error = err.what();
    }
    return out;
}

// The derivative named by `spec`, through the API a user would call for it.
ex derivative(const corpus& c, const ex& f, const std::string& spec) {
    auto var = [&](char v) { return v == 'x' ? c.x : c.y; };
    if (spec.size() == 1) return ddx::diff(f, var(spec[0]));
    if (spec[0] == spec[1]) return ddx::diff(f, var(spec[0]), 2);
    return ddx::diff(f, ddx::derivative_spec{{var(spec[0]), 1}, {var(spec[1]), 1}});
}

// First order in each variable f contains; for the second-order subset also d2/dx2 and,
// when f has y too, d2/dxdy.
std::vector<std::string> specs_for(const corpus& c, const ex& f, bool second_order) {
    std::vector<std::string> specs;
    bool has_x = f.has(c.x), has_y = f.has(c.y);
    if (has_x) specs.push_back("x");
    if (has_y) specs.push_back("y");
    if (second_order && has_x) specs.push_back("xx");
    if (second_order && has_x && has_y) specs.push_back("xy");
    return specs;
}

// Runs `work` in a child process, so that a crash or a hang in ddx (or GiNaC below it)
// becomes one failed case instead of killing the whole test binary. Returns what went
// wrong, or "" if the child finished.
std::string run_isolated(const std::function<void()>& work) {
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) return "";  // cannot isolate: the caller runs the work unprotected
    if (pid == 0) {
        // doctest's crash handlers would report the child's crash as the parent's.
        for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM}) std::signal(sig, SIG_DFL);
        alarm(probe_seconds);  // SIGALRM's default action ends the child
        try {
            work();
        } catch (...) {
            // errors are reported by the parent, which repeats the work
        }
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return "";
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGALRM) return "did not finish within " + std::to_string(probe_seconds) + " s";
        return "crashed with signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    }
    return "";
}

// All the work of one case that could crash: parse, differentiate, print, parse the
// prints, evaluate (lowering to doubles is recursive too).
void risky_work(corpus& c, const std::string& text, bool second_order) {
    ex f = ddx::parse(text, c.symbols);
    ddx::parse(ddx::to_string(f), c.symbols);
    value_at(f, {1.1, 0.7});
    for (const std::string& spec : specs_for(c, f, second_order)) {
        ex d = derivative(c, f, spec);
        ddx::parse(ddx::to_string(d), c.symbols);
        value_at(d, {1.1, 0.7});
    }
}

// Expressions on which ddx was found wrong, kept so that the bugs stay covered whatever
// the generator draws. Each is checked like a generated one, second derivatives included.
// BUG: these fail at commit 80d760b (the uncommitted tree at the time of writing passes):
//  - `1/x^x`: diff crashes (unbounded recursion in GiNaC::collect_common_factors, called
//    from ddx::simplify on a sum with a factor (x^x)^(-1));
//  - `abs(exp(x^x))` reads as `exp(abs(x)^x*cos(x*atan2(0, x)))`: atan2 is not in the
//    language, so the text does not parse back, and eval rejects it;
//  - `abs(log(x)^4)` reads as `conjugate(log(x))^2*log(x)^2`, which eval rejects;
//  - d/dx of `tanh(x^x)/(1 + x^2)` prints `... - -x^x*(1 + log(x))*...`.
// Fixed since 80a05d6, kept as regressions: conjugate in the second derivative of
// `abs(cosh(x^y))`, and the printer's content extraction, which printed
// `y*(2*x - 1)/2 + y/2` as `(x + y + 2)/2` and so d/dy of `exp(y/2)^(2*tanh(x))` wrongly.
const char* const regressions[] = {
    "1/x^x",          "abs(exp(x^x))",       "abs(log(x)^4)",        "tanh(x^x)/(1 + x^2)",
    "abs(cosh(x^y))", "y*(2*x - 1)/2 + y/2", "exp(y/2)^(2*tanh(x))",
};

corpus build_corpus() {
    corpus c;
    c.x = c.symbols.get("x");
    c.y = c.symbols.get("y");
    // Adds `text` to the corpus unless it is a constant or, when `may_redraw`, invalid
    // (`1/(x - x)`) or such that finite differences cannot check it; returns whether it
    // was added.
    auto add = [&](const std::string& text, const std::string& category, bool second_order, bool may_redraw) {
        generated_case g;
        g.index = static_cast<int>(c.cases.size());
        g.text = text;
        g.category = category;
        std::string problem = run_isolated([&] { risky_work(c, text, second_order); });
        if (!problem.empty()) {
            c.failures.push_back("`" + text + "` " + problem);
            return false;
        }
        try {
            g.f = ddx::parse(text, c.symbols);
        } catch (const ddx::error& err) {
            if (!may_redraw) c.failures.push_back("`" + text + "` does not parse: " + err.what());
            c.redrawn += may_redraw;
            return false;
        }
        if (!g.f.has(c.x) && !g.f.has(c.y)) return false;  // nothing to differentiate
        try {
            for (const std::string& spec : specs_for(c, g.f, second_order)) {
                g.checks.push_back({spec, derivative(c, g.f, spec)});
            }
        } catch (const std::exception& err) {
            c.failures.push_back("`" + text + "` threw while differentiating: " + err.what());
            return false;
        }
        // Overflowing or wildly oscillating expressions leave finite differences nothing
        // to compare with: draw again (counted). An evaluation error stays in, to fail.
        bool checkable = std::all_of(g.checks.begin(), g.checks.end(), [&](const derivative_check& d) {
            fd_comparison r = compare_with_fd(g, d);
            return !r.error.empty() || !r.points.empty();
        });
        if (!checkable && may_redraw) {
            ++c.redrawn;
            return false;
        }
        c.cases.push_back(std::move(g));
        return true;
    };

    ddx_test::expression_generator gen(seed, 4);
    int second_order_cases = 0;
    while (c.generated < expression_count) {
        std::string text = gen.next();
        bool second_order = second_order_cases < second_order_count;
        if (add(text, ddx_test::expression_generator::name(gen.last_category()), second_order, true)) {
            ++c.generated;
            second_order_cases += second_order && c.cases.back().f.has(c.x);
        }
    }
    for (const char* text : regressions) add(text, "regression", true, false);
    return c;
}

// Built once and shared by the test cases below: the symbolic work is the slow part.
corpus& shared_corpus() {
    static corpus c = build_corpus();
    return c;
}

// --- reporting ---

std::string quote(const ex& e) { return "`" + ddx::to_string(e) + "`"; }

std::string describe(const generated_case& g, const derivative_check& d) {
    return "case " + std::to_string(g.index) + " (" + g.category + "): generated `" + g.text + "`\n  f = " + quote(g.f) +
           "\n  d/d" + d.spec + " = " + quote(d.value);
}

std::string describe_point(const checked_point& c) {
    std::ostringstream s;
    s.precision(17);
    s << "\n  at x = " << c.p.x << ", y = " << c.p.y << ": finite differences " << c.fd << ", ddx " << c.exact
      << " (tolerance " << c.tol << ")";
    return s.str();
}

// The finite-difference assertions for one derivative; whether any point was checked.
// `precise_points` counts points where doubles failed and 400 digits were needed.
bool check_with_fd(const generated_case& g, const derivative_check& d, int& points_checked, int& precise_points) {
    fd_comparison r = compare_with_fd(g, d);
    if (!r.error.empty()) {
        FAIL_CHECK(describe(g, d) << "\n  ddx cannot evaluate it: " << r.error);
        return false;
    }
    // Every derivative must really be checked somewhere: no silent skipping.
    CHECK_MESSAGE(!r.points.empty(), describe(g, d) << "\n  no smooth point found in the box");
    for (const checked_point& p : r.points) {
        CHECK_MESSAGE(p.agrees, describe(g, d) << describe_point(p));
        precise_points += p.precise;
    }
    points_checked += static_cast<int>(r.points.size());
    return !r.points.empty();
}

// Whether `reparsed` equals `original`: symbolically when expand() shows it, else
// numerically at random points (floats and functions defeat expand). Sets `why` if not.
bool same_expression(const ex& original, const ex& reparsed, std::mt19937& rng, std::string& why) {
    ex difference = reparsed - original;
    if (difference.is_zero() || difference.expand().is_zero()) return true;
    auto coordinate = [&] { return box_lo + (box_hi - box_lo) * (rng() / 4294967296.0); };
    int compared = 0;
    for (int i = 0; i < 12 && compared < 4; ++i) {
        point p{coordinate(), coordinate()};
        double a = value_at(original, p), b = value_at(reparsed, p);
        if (!std::isfinite(a) || std::fabs(a) > 1e12) continue;
        ++compared;
        if (!(std::fabs(a - b) <= 1e-9 * (1 + std::fabs(a)))) {
            std::ostringstream s;
            s.precision(17);
            s << "values differ at x = " << p.x << ", y = " << p.y << ": " << a << " vs " << b;
            why = s.str();
            return false;
        }
    }
    if (compared == 0) why = "not equal after expand, and no point with a finite value to compare";
    return compared > 0;
}

// --- the SymPy oracle ---

bool sympy_available() { return std::system("/usr/bin/python3 -c 'import sympy' >/dev/null 2>&1") == 0; }

// Reads lines `id <TAB> spec <TAB> f <TAB> derivative <TAB> x,y;x,y;...` and prints one
// verdict per line: `id OK` or `id FAIL reason`. SymPy differentiates f itself; both
// derivatives are evaluated with mpmath at 30 digits at the given points (where finite
// differences found f smooth), so any difference beyond rounding is a wrong derivative.
const char* const sympy_script = R"PY(
import sys
import mpmath
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

mpmath.mp.dps = 30
x, y = sp.symbols('x y', real=True)  # ddx's symbols are real
names = {'x': x, 'y': y, 'E': sp.E, 'pi': sp.pi, 'abs': sp.Abs}
for fn in 'exp log sqrt sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh'.split():
    names[fn] = getattr(sp, fn)

def real_abs(e):
    # abs of a real argument, written so that SymPy differentiates it without re/im/sign
    return e.replace(sp.Abs, lambda a: sp.Piecewise((a, a >= 0), (-a, True)))

def evaluator(e):
    try:
        fn = sp.lambdify((x, y), e, modules='mpmath')
        at = lambda px, py: mpmath.mpmathify(fn(px, py))
    except Exception:  # forms lambdify cannot print
        at = lambda px, py: mpmath.mpmathify(complex(e.evalf(mpmath.mp.dps, subs={x: px, y: py})))
    def value(px, py):
        try:
            v = at(px, py)
            if mpmath.isfinite(v):
                return v
        except (ZeroDivisionError, ValueError):
            pass
        # an intermediate rounded to a singular value (1 - tanh(u)**2 == 0): more digits
        with mpmath.workdps(400):
            return at(px, py)
    return value

for line in open(sys.argv[1]):
    ident, spec, f_text, d_text, points = line.rstrip('\n').split('\t')
    try:
        f = parse_expr(f_text, local_dict=names)
        d = parse_expr(d_text, local_dict=names, evaluate=False)  # only evaluated numerically
        expected = sp.diff(real_abs(f), *[names[v] for v in spec])
        want, got = evaluator(expected), evaluator(d)
        verdict = 'OK'
        for pt in points.split(';'):
            px, py = (mpmath.mpf(s) for s in pt.split(','))
            a, b = want(px, py), got(px, py)
            if not (mpmath.isfinite(a) and abs(mpmath.im(a)) <= 1e-20 * (1 + abs(a))):
                verdict = 'FAIL SymPy derivative %s is %s at %s' % (expected, mpmath.nstr(a, 17), pt)
            elif not abs(a - b) <= 1e-9 * (1 + abs(a)):
                verdict = 'FAIL SymPy: %s = %s, ddx: %s at %s' % (
                    expected, mpmath.nstr(a, 17), mpmath.nstr(b, 17), pt)
            if verdict != 'OK':
                break
        print(ident, verdict, flush=True)
    except Exception as err:
        print(ident, 'FAIL', type(err).__name__, str(err).replace('\n', ' '), flush=True)
)PY";

// ddx's printed text is SymPy input once ^ reads as **.
std::string for_sympy(const ex& e) {
    std::string out;
    for (char ch : ddx::to_string(e)) out += ch == '^' ? std::string("**") : std::string(1, ch);
    return out;
}

}  // namespace

TEST_CASE("generated expressions: first derivatives agree with finite differences") {
    corpus& c = shared_corpus();
    // BUG (80d760b): `1/x^x` crashes ddx (see `regressions`); crashes are reported here.
    // Also fails where ddx cannot evaluate `conjugate` or `atan2` in f.
    for (const std::string& failure : c.failures) FAIL_CHECK("ddx on " << failure);

    int expressions_checked = 0, points_checked = 0, precise_points = 0;
    std::map<std::string, int> per_category;
    for (const generated_case& g : c.cases) {
        bool all_checked = true;
        for (const derivative_check& d : g.checks) {
            if (d.spec.size() == 1) all_checked = check_with_fd(g, d, points_checked, precise_points) && all_checked;
        }
        if (all_checked) ++per_category[g.category];
        expressions_checked += all_checked && g.category != "regression";
    }
    std::ostringstream summary;
    summary << expressions_checked << " expressions checked at " << points_checked << " points (" << precise_points
            << " with 400 digits; " << c.redrawn << " redrawn);";
    for (const auto& [category, n] : per_category) summary << " " << category << ": " << n;
    MESSAGE(summary.str());
    CHECK(expressions_checked >= 200);
    for (int k = 0; k < static_cast<int>(ddx_test::expression_generator::category::count); ++k) {
        auto category = static_cast<ddx_test::expression_generator::category>(k);
        CHECK_MESSAGE(per_category[ddx_test::expression_generator::name(category)] >= 10, "too few checked in a category");
    }
    // Redrawing must stay rare, or the generator (or evaluation) has gone wrong.
    CHECK(c.redrawn <= expression_count / 10);
}

TEST_CASE("generated expressions: second derivatives and mixed partials agree with nested differences") {
    // BUG (80d760b): fails where ddx cannot evaluate `atan2` in f (see `regressions`).
    corpus& c = shared_corpus();
    int second = 0, mixed = 0, points_checked = 0, precise_points = 0;
    for (const generated_case& g : c.cases) {
        for (const derivative_check& d : g.checks) {
            if (d.spec.size() == 2 && check_with_fd(g, d, points_checked, precise_points)) ++(d.spec == "xx" ? second : mixed);
        }
    }
    MESSAGE(second << " second derivatives and " << mixed << " mixed partials checked at " << points_checked
                   << " points (" << precise_points << " with 400 digits)");
    CHECK(second >= 50);
    CHECK(mixed >= 25);
}

TEST_CASE("generated expressions: printed derivatives parse back to equal expressions") {
    // BUG (80d760b): fails on `conjugate` and `atan2` in printed results and on doubled signs
    // (`a - -b`); see `regressions`.
    corpus& c = shared_corpus();
    std::mt19937 rng(seed);
    int round_trips = 0;
    std::vector<std::string> doubled_signs;
    auto round_trip = [&](const generated_case& g, const ex& e, const std::string& what) {
        std::string text = ddx::to_string(e);
        std::string where = what + " of case " + std::to_string(g.index) + " (generated `" + g.text + "`)";
        // Symbols are real, and abs differentiates to abs.
        for (std::string banned : {"sign", "csgn", "conjugate", "D["}) {
            CHECK_MESSAGE(text.find(banned) == std::string::npos, where << " prints " << banned << ": " << text);
        }
        // ... and the text reads as a person writes it (`a + b`, not `a - -b`).
        for (std::string doubled : {"--", "- -", "+ -"}) {
            if (text.find(doubled) != std::string::npos) {
                doubled_signs.push_back(where + ": " + text);
                break;
            }
        }
        ex reparsed;
        try {
            reparsed = ddx::parse(text, c.symbols);
        } catch (const std::exception& err) {
            FAIL_CHECK(where << " does not parse: `" << text << "`: " << std::string(err.what()));
            return;
        }
        std::string why;
        bool same = false;
        try {
            same = same_expression(e, reparsed, rng, why);
        } catch (const std::exception& err) {
            why = std::string("cannot evaluate: ") + err.what();
        }
        CHECK_MESSAGE(same, where << ": `" << text << "` reads back as " << quote(reparsed) << ": " << why);
        round_trips += same;
    };
    for (const generated_case& g : c.cases) {
        round_trip(g, g.f, "f");
        for (const derivative_check& d : g.checks) round_trip(g, d.value, "d/d" + d.spec);
    }
    std::string examples;
    for (size_t i = 0; i < doubled_signs.size() && i < 3; ++i) examples += "\n  " + doubled_signs[i].substr(0, 300);
    CHECK_MESSAGE(doubled_signs.empty(), doubled_signs.size() << " printed expressions have doubled signs, such as" << examples);
    MESSAGE(round_trips << " printed expressions parsed back equal");
    CHECK(round_trips >= 2 * expression_count);
}

TEST_CASE("generated expressions: derivatives agree with SymPy") {
    if (!sympy_available()) {
        // make test installs python3-sympy; in CI a missing oracle is a broken set-up, not a pass
        const char* ci = std::getenv("CI");
        bool in_ci = ci && *ci && std::string(ci) != "false" && std::string(ci) != "0";
        CHECK_MESSAGE(!in_ci, "SymPy is not installed for /usr/bin/python3 (apt-get install python3-sympy), and CI is set");
        MESSAGE("SymPy is not installed for /usr/bin/python3 (apt-get install python3-sympy): oracle check skipped");
        return;
    }
    corpus& c = shared_corpus();

    // One file of cases, one Python process for all of them.
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("ddx_sympy_" + std::to_string(getpid()));
    fs::create_directories(dir);
    fs::path script = dir / "oracle.py", input = dir / "cases.tsv", output = dir / "verdicts.txt";
    std::ofstream(script) << sympy_script;

    std::vector<std::string> descriptions;  // by line id
    {
        std::ofstream in(input);
        in.precision(17);
        for (const generated_case& g : c.cases) {
            for (const derivative_check& d : g.checks) {
                std::vector<checked_point> points = compare_with_fd(g, d).points;
                if (points.empty()) continue;  // reported by the finite-difference tests
                in << descriptions.size() << '\t' << d.spec << '\t' << for_sympy(g.f) << '\t' << for_sympy(d.value) << '\t';
                for (size_t i = 0; i < points.size(); ++i) in << (i ? ";" : "") << points[i].p.x << ',' << points[i].p.y;
                in << '\n';
                descriptions.push_back(describe(g, d));
            }
        }
    }
    auto quoted = [](const fs::path& p) { return "'" + p.string() + "'"; };
    std::string command = "/usr/bin/python3 " + quoted(script) + " " + quoted(input) + " > " + quoted(output) + " 2>&1";
    int status = std::system(command.c_str());
    CHECK_MESSAGE(status == 0, "the SymPy script failed: " << command);

    std::vector<bool> seen(descriptions.size(), false);
    int agreed = 0;
    std::ifstream out(output);
    std::string line;
    while (std::getline(out, line)) {
        std::istringstream words(line);
        size_t id = 0;
        std::string verdict;
        if (!(words >> id >> verdict) || id >= descriptions.size()) {
            FAIL_CHECK("unexpected output from the SymPy script: " << line);
            continue;
        }
        seen[id] = true;
        CHECK_MESSAGE(verdict == "OK", descriptions[id] << "\n  " << line.substr(line.find(verdict)));
        agreed += verdict == "OK";
    }
    CHECK_MESSAGE(std::count(seen.begin(), seen.end(), true) == static_cast<long>(descriptions.size()),
                  "the SymPy script gave no verdict for some cases");
    MESSAGE(agreed << " of " << descriptions.size() << " derivatives agree with SymPy");
    CHECK(agreed >= 200);
    if (!std::getenv("DDX_KEEP_SYMPY")) fs::remove_all(dir);  // keep it to rerun the script by hand
}
