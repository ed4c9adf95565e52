// The big-expression benchmark (`make bench`, the last table): ddx's library API against
// plain GiNaC in the same process, on expressions that are big in four ways. This driver
// does ddx's and GiNaC's halves; bench/scale_sympy.py and bench/scale_maxima.sh do the
// anchors' (SymPy, Maxima) and bench/scale_run.sh (called by bench/run.sh) puts the table
// together.
//
//   ddx_scale_bench WORK_DIR DDX_EXECUTABLE [--quick] [--limit SECONDS] [CASE...]
//
// Each case runs in a child process (on a thread with a 512 MB stack); a measurement that
// prints nothing for SECONDS (default 60) is ended and reported as `limit`. CASE names
// select cases (default: all).
//
// Cases (names as in the output lines):
//  - nested12, nested15, nested18, nested1000: e0 = x, e(k+1) = sin(e(k))*cos(e(k)) (built
//    with GiNaC's constructors, one node per level; see nested() below), d/dx: ddx::diff(e, x) against
//    GiNaC's e.diff(x) (which doubles per level, so not tried at depth 1000). Size: the
//    distinct subexpressions of the derivative (its printed tree is exponential).
//  - emitc1000: ddx::emit_c({d}, {x}, "f") of the depth-1000 derivative; size: characters of C.
//  - nth_tanh, nth_gauss, nth_runge, nth_atan: orders 1..20 of (1 - exp(-x))/(1 + exp(-x)),
//    exp(-x^2), 1/(1 + x^2) and atan(x). ddx: the sum over n of ddx::diff(f, x, n), each
//    call on its own; GiNaC: d = normal(d.diff(x)) twenty times. Size: characters of the
//    order-20 derivative, printed by ddx::to_string and GiNaC's operator<<.
//  - nth_tanh_iterated: the same orders of the first function reached as a user iterating
//    d = diff(d, x) does (each call on the previous result), against the same GiNaC loop.
//  - hessian: the 17-parameter network loss of bench/ddx_bench.cpp; ddx::gradient_and_hessian
//    against GiNaC's 17 first and 153 upper-triangle second derivatives (.diff,
//    no simplification). Size: characters of the 153 upper-triangle Hessian entries.
//  - hessian_normal (GiNaC only): GiNaC's derivatives with each entry through normal(), the
//    simplified anchor of ddx's simplified Hessian.
//  - hessian_raw: the same derivatives by ddx::differentiator, unsimplified (GiNaC's
//    printed text for the size), against the same GiNaC measurement.
//  - parse: expand((x + y + z + 1)^40) printed by GiNaC (WORK_DIR/scale_poly40.txt, read by
//    the anchors too); ddx::parse against GiNaC::parser. Size: characters of the parsed
//    polynomial printed again.
//  - e2e1mb: the ddx executable run on WORK_DIR/scale_1mb.ddx, `p = ` and the expanded
//    (x + y + z + 1)^54 (1 MB), then `1`: wall clock of the whole process (it must print 1).
//    Size: bytes of the script.
//
// Times are process CPU seconds (wall clock for e2e1mb), the median of up to `reps`
// repetitions (7; 3 with --quick) while their sum stays under a budget (10 s; 2 s with
// --quick); the first, cold call is reported too. Results are kept alive until the clock
// has stopped. Output lines on standard output (bench/scale_run.sh reads them):
//   time CASE IMPL SECONDS SAMPLES COLD_SECONDS
//   size CASE IMPL VALUE
//   size_compact CASE IMPL VALUE      (n-th derivatives, Hessian: the printed text without spaces)
//   start CASE IMPL                   (a measurement begins)
//   limit CASE IMPL SECONDS timing|after   (a measurement ended for going over the limit)
//   skip CASE IMPL REASON...
//   note TEXT...
// Exits 1 with a message on standard error when a result is wrong (ddx's n-th derivative
// or Hessian disagreeing with GiNaC's numerically, the parsed polynomial differing, or the
// ddx executable not printing 1).
#include <ddx/ddx.hpp>

#include "../tests/lib/large_stack.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

extern char** environ;

namespace {

using GiNaC::ex;

struct config {
    std::string work, ddx_executable;
    bool quick = false;
    int reps = 7;
    double budget = 10.0;  // seconds of repetitions per measurement, after the first
    double limit = 60.0;   // seconds a measurement may go without printing before it is ended
};

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double wall_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct timing {
    double median = 0, cold = 0;
    int samples = 0;
};

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Runs `run` (which returns its own measured seconds) until cfg.reps samples are taken or
// their sum passes cfg.budget; the first sample is always taken.
timing repeat(const config& cfg, const std::function<double()>& run) {
    std::vector<double> samples;
    double total = 0;
    do {
        const double s = run();
        samples.push_back(s);
        total += s;
    } while (static_cast<int>(samples.size()) < cfg.reps && total < cfg.budget);
    return {median_of(samples), samples.front(), static_cast<int>(samples.size())};
}

// Times `compute` (process CPU time); the last result goes to `result`, and every result is
// destroyed after its clock has stopped.
template <class T, class F>
timing measure(const config& cfg, T& result, F compute) {
    return repeat(cfg, [&] {
        const double t0 = cpu_seconds();
        T r = compute();
        const double t1 = cpu_seconds();
        result = std::move(r);  // the previous result is destroyed here, untimed
        return t1 - t0;
    });
}

void print_time(const std::string& c, const std::string& impl, const timing& t) {
    std::printf("time %s %s %.6g %d %.6g\n", c.c_str(), impl.c_str(), t.median, t.samples, t.cold);
    std::fflush(stdout);
}

void print_size(const std::string& c, const std::string& impl, std::size_t value) {
    std::printf("size %s %s %zu\n", c.c_str(), impl.c_str(), value);
    std::fflush(stdout);
}

// The same text without spaces (GiNaC and Maxima print none).
void print_size_compact(const std::string& c, const std::string& impl, std::size_t value) {
    std::printf("size_compact %s %s %zu\n", c.c_str(), impl.c_str(), value);
    std::fflush(stdout);
}

void print_skip(const std::string& c, const std::string& impl, const std::string& why) {
    std::printf("skip %s %s %s\n", c.c_str(), impl.c_str(), why.c_str());
    std::fflush(stdout);
}

// Marks the start of a measurement: the parent process limits each to cfg.limit seconds.
void start(const std::string& c, const std::string& impl) {
    std::printf("start %s %s\n", c.c_str(), impl.c_str());
    std::fflush(stdout);
}

void note(const std::string& text) {
    std::printf("note %s\n", text.c_str());
    std::fflush(stdout);
}

std::string ginac_text(const ex& e) {
    std::ostringstream o;
    o << e;
    return o.str();
}

// Distinct subexpressions (by structure, as GiNaC's is_equal sees them; equal copies are
// merged by is_equal on the way) reached through op().
std::size_t distinct_nodes(const ex& e) {
    std::unordered_set<ex, std::hash<ex>, GiNaC::ex_is_equal> seen;
    std::vector<ex> stack{e};
    while (!stack.empty()) {
        ex top = stack.back();
        stack.pop_back();
        if (!seen.insert(top).second) continue;
        for (std::size_t i = 0; i < top.nops(); ++i) stack.push_back(top.op(i));
    }
    return seen.size();
}

// A wrong result: said on standard error, and the case's process ends with status 1.
[[noreturn]] void fail(const std::string& message) {
    std::cerr << "ddx_scale_bench: " << message << "\n";
    std::fflush(stdout);
    _exit(1);
}

// --- 1. shared subexpressions ------------------------------------------------------------------

// e0 = x, e(k+1) = sin(e(k))*cos(e(k)): one new node per level. sin and cos are built held:
// GiNaC's automatic evaluation of sin(e) and cos(e) inspects the argument as a tree, which
// doubles per level (0.07 s at depth 22, so never at 1000), and at these arguments it leaves
// them as they are anyway (checked below at depth 12 to 18).
ex nested(const ex& x, int depth, bool held = true) {
    ex e = x;
    for (int k = 0; k < depth; ++k) {
        if (held) {
            e = GiNaC::mul(GiNaC::sin(e).hold(), GiNaC::cos(e).hold());
        } else {
            e = GiNaC::mul(GiNaC::sin(e), GiNaC::cos(e));
        }
    }
    return e;
}

double relative_difference(double a, double b) {
    return std::fabs(a - b) / std::max({1e-300, std::fabs(a), std::fabs(b)});
}

void shared_subexpressions(const config& cfg, int depth) {
    const std::string name = "nested" + std::to_string(depth);
    ddx::symbol_table s;
    const ex x = s.get("x");
    const GiNaC::symbol& xs = GiNaC::ex_to<GiNaC::symbol>(x);
    const ex e = nested(x, depth);
    if (depth <= 18 && !e.is_equal(nested(x, depth, false))) fail(name + ": the held expression differs from the evaluated one");
    ex d;
    start(name, "ddx");
    print_time(name, "ddx", measure(cfg, d, [&] { return ddx::diff(e, x); }));
    print_size(name, "ddx", distinct_nodes(d));
    const double dv = ddx::evaluate_double(d, {{"x", GiNaC::numeric(7, 10)}}).at(0);
    if (depth <= 18) {
        ex g;
        start(name, "ginac");
        print_time(name, "ginac", measure(cfg, g, [&] { return e.diff(xs); }));
        print_size(name, "ginac", distinct_nodes(g));
        const double gv = ddx::evaluate_double(g, {{"x", GiNaC::numeric(7, 10)}}).at(0);
        if (!(relative_difference(dv, gv) <= 1e-12))
            fail(name + ": ddx and GiNaC disagree at x = 0.7: " + std::to_string(dv) + " against " + std::to_string(gv));
        return;
    }
    print_skip(name, "ginac", "not tried: e.diff(x) doubles per level (see depths 12, 15, 18)");
    // ddx's derivative against a central difference of e (doubles, step 1e-5).
    const double h = 1e-5;
    const double up = ddx::evaluate_double(e, {{"x", 0.7 + h}}).at(0), down = ddx::evaluate_double(e, {{"x", 0.7 - h}}).at(0);
    if (!(relative_difference(dv, (up - down) / (2 * h)) <= 1e-6))
        fail(name + ": ddx's derivative disagrees with a central difference at x = 0.7");

    std::string c;
    start("emitc1000", "ddx");
    print_time("emitc1000", "ddx", measure(cfg, c, [&] { return ddx::emit_c({d}, {x}, "f"); }));
    print_size("emitc1000", "ddx", c.size());
    std::ofstream(cfg.work + "/scale_nested1000.c") << c;
    // The emitted C, compiled, against ddx's own evaluation.
    std::shared_ptr<void> library;
    auto f = reinterpret_cast<void (*)(const double*, double*)>(ddx::load_c(c, "f", library));
    double in[1] = {0.7}, out[1] = {0};
    f(in, out);
    if (!(relative_difference(out[0], dv) <= 1e-12)) fail("emitc1000: the compiled C disagrees with ddx::evaluate_double");
}

// --- 2. n-th derivatives ------------------------------------------------------------------------

constexpr int max_order = 20;
const std::string functions_tanh = "(1 - exp(-x))/(1 + exp(-x))";  // the first of the n-th derivative cases

// Where the two order-20 derivatives must agree (relative 1e-9, with 30 digits).
void check_equal(const std::string& what, const ex& a, const ex& b, const std::vector<double>& at) {
    for (double v : at) {
        const ex va = ddx::evaluate_precise(a, {{"x", v}}, 30), vb = ddx::evaluate_precise(b, {{"x", v}}, 30);
        const double da = GiNaC::ex_to<GiNaC::numeric>(va).to_double();
        const double db = GiNaC::ex_to<GiNaC::numeric>(vb).to_double();
        if (!(std::fabs(da - db) <= 1e-9 * std::max({1.0, std::fabs(da), std::fabs(db)})))
            fail(what + ": ddx and GiNaC disagree at x = " + std::to_string(v) + ": " + std::to_string(da) +
                 " against " + std::to_string(db));
    }
}

// iterated: ddx's derivatives as a user iterating d = diff(d, x) gets them (the sum of twenty
// calls, each on the previous result), instead of twenty calls of diff(f, x, n).
void nth_derivatives(const config& cfg, const std::string& name, const std::string& text, bool iterated) {
    {
        ddx::symbol_table s;
        const ex x = s.get("x");
        const GiNaC::symbol& xs = GiNaC::ex_to<GiNaC::symbol>(x);
        const ex f = ddx::parse(text, s);
        ex top;  // ddx's order-20 derivative
        start(name, "ddx");
        timing t = repeat(cfg, [&] {
            // a new x each time: ddx keeps the last few functions' polynomial data (what
            // orders 1..n of one function share), which must not carry over to the next run
            ddx::symbol_table fresh;
            const ex fresh_x = fresh.get("x"), fresh_f = ddx::parse(text, fresh);
            double sum = 0;
            ex previous = fresh_f;
            for (int n = 1; n <= max_order; ++n) {
                const double t0 = cpu_seconds();
                ex d = iterated ? ddx::diff(previous, fresh_x) : ddx::diff(fresh_f, fresh_x, n);
                sum += cpu_seconds() - t0;
                previous = d;
                if (n == max_order) top = d;
            }
            return sum;
        });
        print_time(name, "ddx", t);
        const std::string top_text = ddx::to_string(top);
        print_size(name, "ddx", top_text.size());
        print_size_compact(name, "ddx", static_cast<std::size_t>(std::count_if(top_text.begin(), top_text.end(), [](char ch) { return ch != ' '; })));
        ex g;
        start(name, "ginac");
        print_time(name, "ginac", measure(cfg, g, [&] {
            ex d = f;
            for (int n = 1; n <= max_order; ++n) d = GiNaC::normal(d.diff(xs));
            return d;
        }));
        print_size(name, "ginac", ginac_text(g).size());
        check_equal(name, top, g, {0.3, 0.7, 1.3});
        std::ofstream(cfg.work + "/scale_" + name + "_ddx.txt") << ddx::to_string(top) << "\n";
        std::ofstream(cfg.work + "/scale_" + name + "_ginac.txt") << g << "\n";
    }
}

// --- 3. gradient and Hessian of the network loss ---------------------------------------------------

const std::string nn_text =
    "(y - (c + v1*tanh(w11*x1 + w12*x2 + b1) + v2*tanh(w21*x1 + w22*x2 + b2)"
    " + v3*tanh(w31*x1 + w32*x2 + b3) + v4*tanh(w41*x1 + w42*x2 + b4)))^2";
const std::vector<std::string> nn_parameters = {"w11", "w12", "w21", "w22", "w31", "w32", "w41", "w42", "b1",
                                                "b2",  "b3",  "b4",  "v1",  "v2",  "v3",  "v4",  "c"};

void gradient_hessian(const config& cfg) {
    ddx::symbol_table s;
    const ex loss = ddx::parse(nn_text, s);
    std::vector<ex> p;
    for (const std::string& n : nn_parameters) p.push_back(s.get(n));
    const std::size_t np = p.size();

    std::pair<GiNaC::lst, GiNaC::lst> ddx_result;
    start("hessian", "ddx");
    print_time("hessian", "ddx", measure(cfg, ddx_result, [&] {
        ddx::first_and_second_partials d = ddx::gradient_and_hessian(loss, p);
        return std::make_pair(d.gradient, d.hessian);
    }));
    std::size_t chars = 0, compact = 0;
    const GiNaC::lst& h = ddx_result.second;
    for (std::size_t i = 0; i < np; ++i)
        for (std::size_t j = i; j < np; ++j) {
            const std::string t = ddx::to_string(h.op(i).op(j));
            chars += t.size();
            compact += static_cast<std::size_t>(std::count_if(t.begin(), t.end(), [](char ch) { return ch != ' '; }));
        }
    print_size("hessian", "ddx", chars);
    print_size_compact("hessian", "ddx", compact);

    // ddx's differentiator alone, unsimplified (GiNaC's .diff does the same work): what the
    // shared derivative caches cost, apart from simplifying
    std::vector<ex> raw_result;  // 17 first, then 153 second derivatives
    start("hessian_raw", "ddx");
    print_time("hessian_raw", "ddx", measure(cfg, raw_result, [&] {
        std::vector<ddx::differentiator> by_variable;
        for (const ex& v : p) by_variable.emplace_back(v);
        std::vector<ex> out;
        for (ddx::differentiator& d : by_variable) out.push_back(d(loss));
        for (std::size_t i = 0; i < np; ++i)
            for (std::size_t j = i; j < np; ++j) out.push_back(by_variable[j](out[i]));
        return out;
    }));
    chars = 0;
    for (std::size_t k = np; k < raw_result.size(); ++k) chars += ginac_text(raw_result[k]).size();
    print_size("hessian_raw", "ddx", chars);

    std::vector<ex> ginac_result;  // 17 first, then 153 second derivatives
    start("hessian", "ginac");
    print_time("hessian", "ginac", measure(cfg, ginac_result, [&] {
        std::vector<ex> out;
        std::vector<ex> first;
        for (const ex& v : p) first.push_back(loss.diff(GiNaC::ex_to<GiNaC::symbol>(v)));
        out = first;
        for (std::size_t i = 0; i < np; ++i)
            for (std::size_t j = i; j < np; ++j) out.push_back(first[i].diff(GiNaC::ex_to<GiNaC::symbol>(p[j])));
        return out;
    }));
    chars = 0;
    for (std::size_t k = np; k < ginac_result.size(); ++k) chars += ginac_text(ginac_result[k]).size();
    print_size("hessian", "ginac", chars);

    // the simplified anchor: the same derivatives, each entry through GiNaC's normal()
    std::vector<ex> normal_result;
    start("hessian_normal", "ginac");
    print_time("hessian_normal", "ginac", measure(cfg, normal_result, [&] {
        std::vector<ex> first, out;
        for (const ex& v : p) first.push_back(GiNaC::normal(loss.diff(GiNaC::ex_to<GiNaC::symbol>(v))));
        out = first;
        for (std::size_t i = 0; i < np; ++i)
            for (std::size_t j = i; j < np; ++j) out.push_back(GiNaC::normal(first[i].diff(GiNaC::ex_to<GiNaC::symbol>(p[j]))));
        return out;
    }));
    chars = 0;
    for (std::size_t k = np; k < normal_result.size(); ++k) chars += ginac_text(normal_result[k]).size();
    print_size("hessian_normal", "ginac", chars);

    // ddx's Hessian against GiNaC's at one point (doubles through ddx::evaluate_double).
    ddx::symbol_values at;
    for (std::size_t i = 0; i < np; ++i)  // 0.1, 0.17, 0.24, ...
        at[nn_parameters[i]] = GiNaC::numeric(static_cast<long>(100 + 70 * i), 1000);
    at["x1"] = GiNaC::numeric(3, 10);
    at["x2"] = GiNaC::numeric(-7, 10);
    at["y"] = GiNaC::numeric(1, 2);
    std::size_t k = np;
    for (std::size_t i = 0; i < np; ++i)
        for (std::size_t j = i; j < np; ++j, ++k) {
            const double a = ddx::evaluate_double(h.op(i).op(j), at).at(0);
            const double b = ddx::evaluate_double(ginac_result[k], at).at(0);
            const double r = ddx::evaluate_double(raw_result[k], at).at(0);
            for (double v : {a, r})
                if (!(std::fabs(v - b) <= 1e-9 * std::max({1.0, std::fabs(v), std::fabs(b)})))
                    fail("hessian: ddx and GiNaC disagree in entry " + nn_parameters[i] + ", " + nn_parameters[j]);
        }
}

// --- 4. parsing ------------------------------------------------------------------------------------------

std::string expanded_text(const ex& x, const ex& y, const ex& z, int n) {
    return ginac_text(GiNaC::expand(GiNaC::pow(x + y + z + 1, n)));
}

// Runs `program script` with standard output to `out_path`; returns the wall seconds, or a
// negative number if it did not exit 0.
double run_program(const std::string& program, const std::string& script, const std::string& out_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>(script.c_str()), nullptr};
    const double t0 = wall_seconds();
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    waitpid(pid, &status, 0);
    const double t1 = wall_seconds();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
    return t1 - t0;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void parsing(const config& cfg) {
    ddx::symbol_table s;
    const ex x = s.get("x"), y = s.get("y"), z = s.get("z");
    const std::string text = expanded_text(x, y, z, 40);
    std::ofstream(cfg.work + "/scale_poly40.txt") << text;
    print_size("parse", "text", text.size());

    ex parsed;
    start("parse", "ddx");
    print_time("parse", "ddx", measure(cfg, parsed, [&] {
        ddx::symbol_table fresh;
        return ddx::parse(text, fresh);
    }));
    print_size("parse", "ddx", ddx::to_string(parsed).size());

    ex gparsed;
    start("parse", "ginac");
    print_time("parse", "ginac", measure(cfg, gparsed, [&] {
        GiNaC::symtab table;
        table["x"] = x;
        table["y"] = y;
        table["z"] = z;
        GiNaC::parser reader(table, true);
        return reader(text);
    }));
    print_size("parse", "ginac", ginac_text(gparsed).size());
    if (GiNaC::ex_to<GiNaC::add>(gparsed).nops() != 12341 || !(gparsed - GiNaC::expand(GiNaC::pow(x + y + z + 1, 40))).is_zero())
        fail("parse: GiNaC's parser did not read back the polynomial");
    {
        ddx::symbol_table fresh;
        ex again = ddx::parse(text, fresh);
        const ex fx = fresh.get("x"), fy = fresh.get("y"), fz = fresh.get("z");
        if (!(again - GiNaC::expand(GiNaC::pow(fx + fy + fz + 1, 40))).expand().is_zero())
            fail("parse: ddx::parse did not read back the polynomial");
    }
}

// 1 MB end to end: the ddx program on a script assigning the expanded (x + y + z + 1)^54.
void end_to_end(const config& cfg) {
    ddx::symbol_table s;
    const ex x = s.get("x"), y = s.get("y"), z = s.get("z");
    const std::string script = cfg.work + "/scale_1mb.ddx";
    const std::string big = "p = " + expanded_text(x, y, z, 54) + "\n1\n";
    std::ofstream(script) << big;
    if (access(cfg.ddx_executable.c_str(), X_OK) != 0) {
        print_skip("e2e1mb", "ddx", "no ddx executable at " + cfg.ddx_executable);
        return;
    }
    const std::string out_path = cfg.work + "/scale_1mb.out";
    start("e2e1mb", "ddx");
    timing t = repeat(cfg, [&] {
        const double w = run_program(cfg.ddx_executable, script, out_path);
        if (w < 0) fail("e2e1mb: " + cfg.ddx_executable + " " + script + " failed");
        if (read_text(out_path) != "1\n") fail("e2e1mb: the ddx program printed something other than 1");
        return w;
    });
    print_time("e2e1mb", "ddx", t);
    print_size("e2e1mb", "ddx", big.size());
}

// --- main: each case in a child process, each measurement limited to cfg.limit seconds ----------------

struct bench_case {
    std::string name;
    std::function<void(const config&)> body;
};

struct child_arguments {
    const config* cfg;
    const bench_case* c;
    int result = 1;
};

void* run_child(void* p) {
    auto* a = static_cast<child_arguments*>(p);
    try {
        {  // warm-up (GiNaC's first calls initialise tables), not timed
            ddx::symbol_table s;
            ddx::diff(ddx::parse("sin(x)^2*exp(x)/(1 + x^2) + atan(x)", s), s.get("x"), 2);
        }
        a->c->body(*a->cfg);
        a->result = 0;
    } catch (const std::exception& e) {
        std::cerr << "ddx_scale_bench: " << a->c->name << ": " << e.what() << "\n";
    }
    return nullptr;
}

// In the child: the case on a thread with a large stack (deep expressions recurse deeply,
// in ddx and in GiNaC; the ddx program runs on one too).
[[noreturn]] void child(const config& cfg, const bench_case& c) {
    child_arguments a{&cfg, &c};
    ddx_test::run_on_large_stack(run_child, &a);
    std::fflush(stdout);
    _exit(a.result);
}

// The running case's process group, ended with the driver when it is interrupted (the case
// runs in a group of its own, which a terminal's Ctrl-C does not reach).
volatile sig_atomic_t running_child = 0;

extern "C" void on_stop_signal(int signal_number) {
    if (running_child > 0) kill(-static_cast<pid_t>(running_child), SIGKILL);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

// Runs a case in a child process, passing its lines on. A measurement (from its `start` line)
// that prints nothing for cfg.limit seconds is ended: `limit CASE IMPL SECONDS timing` (or
// `after`, when its time was printed but what follows did not finish). False if the child
// failed (a wrong result).
bool run_case(const config& cfg, const bench_case& c) {
    std::fflush(stdout);
    int fds[2];
    if (pipe(fds) != 0) fail("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) fail("fork failed");
    if (pid == 0) {
        setpgid(0, 0);  // its own process group, so that a stop also ends the ddx program it runs
        close(fds[0]);
        dup2(fds[1], 1);
        close(fds[1]);
        child(cfg, c);
    }
    setpgid(pid, pid);
    running_child = pid;
    close(fds[1]);
    std::string pending, current_case = c.name, current_impl = "ddx";
    bool timed = false, timed_out = false;
    double deadline = wall_seconds() + cfg.limit;
    for (;;) {
        const double left = deadline - wall_seconds();
        pollfd pfd{fds[0], POLLIN, 0};
        const int r = left > 0 ? poll(&pfd, 1, static_cast<int>(left * 1000) + 1) : 0;
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            timed_out = true;
            break;
        }
        char buffer[4096];
        const ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t eol;
        while ((eol = pending.find('\n')) != std::string::npos) {
            const std::string line = pending.substr(0, eol);
            pending.erase(0, eol + 1);
            std::istringstream words(line);
            std::string kind, case_name, impl;
            words >> kind >> case_name >> impl;
            if (kind == "start") {
                current_case = case_name;
                current_impl = impl;
                timed = false;
            } else if (kind == "time" && case_name == current_case && impl == current_impl) {
                timed = true;
            }
            std::printf("%s\n", line.c_str());
            std::fflush(stdout);
            deadline = wall_seconds() + cfg.limit;
        }
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    running_child = 0;
    if (timed_out) {
        std::printf("limit %s %s %g %s\n", current_case.c_str(), current_impl.c_str(), cfg.limit,
                    timed ? "after" : "timing");
        std::fflush(stdout);
        return true;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::cerr << "ddx_scale_bench: case " << c.name << " failed\n";
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: ddx_scale_bench WORK_DIR DDX_EXECUTABLE [--quick] [--limit SECONDS] [CASE...]\n";
        return 2;
    }
    config cfg;
    cfg.work = argv[1];
    cfg.ddx_executable = argv[2];
    std::vector<std::string> only;
    for (int i = 3; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--quick") {
            cfg.quick = true;
            cfg.reps = 3;
            cfg.budget = 2.0;
        } else if (a == "--limit" && i + 1 < argc) {
            cfg.limit = std::atof(argv[++i]);
        } else {
            only.push_back(a);
        }
    }
    if (!(cfg.limit > 0)) cfg.limit = 60;
    note("times: process CPU seconds, the median of up to " + std::to_string(cfg.reps) +
         " repetitions while their sum stays under " + std::to_string(static_cast<int>(cfg.budget)) +
         " s (e2e1mb: wall clock); each measurement limited to " + std::to_string(static_cast<int>(cfg.limit)) + " s");

    std::vector<bench_case> cases;
    for (int depth : {12, 15, 18, 1000})
        cases.push_back({"nested" + std::to_string(depth), [depth](const config& c) { shared_subexpressions(c, depth); }});
    const std::vector<std::pair<std::string, std::string>> functions = {
        {"nth_tanh", functions_tanh},
        {"nth_gauss", "exp(-x^2)"},
        {"nth_runge", "1/(1 + x^2)"},
        {"nth_atan", "atan(x)"},
    };
    for (const auto& [name, text] : functions)
        cases.push_back({name, [name = name, text = text](const config& c) { nth_derivatives(c, name, text, false); }});
    cases.push_back({"nth_tanh_iterated", [](const config& c) { nth_derivatives(c, "nth_tanh_iterated", functions_tanh, true); }});
    cases.push_back({"hessian", gradient_hessian});
    cases.push_back({"parse", parsing});
    cases.push_back({"e2e1mb", end_to_end});

    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGHUP, on_stop_signal);
    bool ok = true;
    for (const bench_case& c : cases) {
        if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end()) continue;
        ok = run_case(cfg, c) && ok;
    }
    return ok ? 0 : 1;
}
