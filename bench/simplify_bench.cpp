// The simplification benchmark (`make bench`, second table): ddx's simplified derivatives
// against SymPy's simplify() of the same derivatives. This driver does ddx's half:
//
//   ddx_simplify_bench WORK_DIR [--quick]
//
// It builds the corpus (seeded: tests/expression_generator.hpp at depths 2, 3 and 4, first,
// second and mixed derivatives, plus hand-picked cases), and for each task
//  - times ddx::diff (differentiation and simplification; process CPU time, one cold call),
//  - computes the raw derivative (ddx::differentiator, no simplification; conjugate(u),
//    which GiNaC leaves where it cannot prove u real, replaced by u) and GiNaC's normal()
//    of it, and measures the printed lengths (ddx::to_string, spaces removed),
//  - checks numerically that the simplified derivative equals the raw one at up to 3 random
//    points of [0.2, 1.8]^n where the raw one is finite (doubles; a disagreement is
//    re-checked with 40 digits before it counts as a mismatch).
// It writes WORK_DIR/simplify_tasks.tsv, one task per line (columns in `header` below),
// which bench/simplify_sympy.py completes with SymPy's side, and WORK_DIR/simplify_raw.tsv
// (the raw and normal() texts of the tasks where ddx is longer than either: violations of
// "never worse than what it started from").
#include <ddx/ddx.hpp>

#include "../tests/expression_generator.hpp"
#include "../src/core/real_domain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using GiNaC::ex;

constexpr std::uint32_t corpus_seed = 20261126;
constexpr int generated_tasks = 320;   // tasks drawn from the generator (--quick: 40)
constexpr double box_lo = 0.2, box_hi = 1.8;
constexpr int points_per_task = 3;
constexpr int attempts_per_task = 30;

const char* const header =
    "id\tsource\tcategory\tspec\tf\tddx\tddx_ns\tddx_len\traw_len\tnormal_len\tcheck\tpoints";

struct task {
    std::string source;    // generated-dN or seed
    std::string category;  // the generator's category, or the hand-picked case's name
    std::string f;         // input text (ddx syntax; SymPy syntax once ^ reads as **)
    std::vector<std::string> spec;  // variables, one per differentiation: {"x", "y"}
};

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string without_spaces(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c != ' ') out += c;
    }
    return out;
}

std::string printed(const ex& e) { return without_spaces(ddx::to_string(e)); }

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

// The symbols of e, by name, in a fixed order.
std::vector<std::string> names_of(const ex& e) {
    std::vector<std::string> names;
    for (GiNaC::const_preorder_iterator it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (GiNaC::is_a<GiNaC::symbol>(*it)) names.push_back(GiNaC::ex_to<GiNaC::symbol>(*it).get_name());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

// The exact rational value of a double (a float binding would keep evalf in double precision).
GiNaC::numeric exact(double v) {
    int e = 0;
    double m = std::frexp(v, &e);
    return GiNaC::numeric(static_cast<long>(std::ldexp(m, 53))) * GiNaC::numeric(2).power(e - 53);
}

double at_double(const ex& e, const ddx::symbol_values& b) {
    try {
        std::vector<double> r = ddx::evaluate_double(e, b);
        return r.size() == 1 ? r[0] : std::nan("");
    } catch (const std::exception&) {
        return std::nan("");
    }
}

// 40 digits; nan if there is no real value.
double at_precise(const ex& e, const ddx::symbol_values& b) {
    try {
        ddx::symbol_values exact_b;
        for (const auto& [name, v] : b) exact_b[name] = exact(GiNaC::ex_to<GiNaC::numeric>(v).to_double());
        ex r = ddx::evaluate_precise(e, exact_b, 40);
        if (GiNaC::is_a<GiNaC::numeric>(r) && GiNaC::ex_to<GiNaC::numeric>(r).is_real()) {
            return GiNaC::ex_to<GiNaC::numeric>(r).to_double();
        }
    } catch (const std::exception&) {
    }
    return std::nan("");
}

bool close(double a, double b, double tol) { return std::fabs(a - b) <= tol * (1 + std::fabs(a)); }

// The corpus: generated tasks first, then the hand-picked cases.
std::vector<task> build_corpus(int count) {
    std::vector<task> tasks;
    ddx_test::expression_generator gens[] = {ddx_test::expression_generator(corpus_seed, 2),
                                             ddx_test::expression_generator(corpus_seed + 1, 3),
                                             ddx_test::expression_generator(corpus_seed + 2, 4)};
    // Per 10 tasks: 5 d/dx, 1 d/dy, 2 d2/dx2, 2 d2/dxdy.
    static const char* const specs[] = {"x", "x", "y", "xx", "xy", "x", "x", "xx", "xy", "x"};
    ddx::symbol_table probe;
    int n = 0;
    while (static_cast<int>(tasks.size()) < count) {
        int g = n % 3;
        std::string spec = specs[tasks.size() % 10];
        ++n;
        std::string text = gens[g].next();
        std::string category = ddx_test::expression_generator::name(gens[g].last_category());
        // Only tasks whose every variable occurs (a derivative that is 0 from the start says
        // nothing about simplification); the expression is redrawn otherwise.
        ex f;
        try {
            f = ddx::parse(text, probe);
        } catch (const std::exception&) {
            continue;
        }
        bool ok = true;
        for (char v : spec) ok = ok && f.has(probe.get(std::string(1, v)));
        if (!ok) continue;
        task t;
        t.source = "generated-d" + std::to_string(g + 2);
        t.category = category;
        t.f = text;
        for (char v : spec) t.spec.push_back(std::string(1, v));
        tasks.push_back(t);
    }
    auto seed = [&](const std::string& name, const std::string& f, std::vector<std::string> spec) {
        tasks.push_back({"seed", name, f, std::move(spec)});
    };
    seed("loss d/da", "(y - (a*x + b))^2", {"a"});
    seed("loss d/db", "(y - (a*x + b))^2", {"b"});
    for (int k = 1; k <= 6; ++k) {
        seed("tanh-exp d" + std::to_string(k), "(1 - exp(-x))/(1 + exp(-x))", std::vector<std::string>(k, "x"));
    }
    seed("x^x", "x^x", {"x"});
    seed("atan(y/x)", "atan(y/x)", {"x"});
    seed("log(sqrt(x^2+1))", "log(sqrt(x^2 + 1))", {"x"});
    return tasks;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: ddx_simplify_bench WORK_DIR [--quick]\n";
        return 2;
    }
    const std::string work = argv[1];
    const bool quick = argc > 2 && std::string(argv[2]) == "--quick";
    std::vector<task> tasks = build_corpus(quick ? 40 : generated_tasks);

    std::ofstream out(work + "/simplify_tasks.tsv");
    std::ofstream raw_out(work + "/simplify_raw.tsv");
    out << header << "\n";
    raw_out << "id\traw\tnormal\n";

    {  // warm-up (GiNaC's first calls initialise tables), not timed
        ddx::symbol_table s;
        ddx::diff(ddx::parse("sin(x)^2*exp(x)/(1 + x^2) + sqrt(x)*abs(x)", s), s.get("x"));
    }

    std::mt19937 rng(corpus_seed);
    auto coordinate = [&] { return box_lo + (box_hi - box_lo) * (rng() / 4294967296.0); };
    int failures = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const task& t = tasks[i];
        ddx::symbol_table symbols;
        ex f = ddx::parse(t.f, symbols);
        ddx::derivative_spec spec;
        for (const std::string& v : t.spec) {
            if (!spec.empty() && GiNaC::ex_to<GiNaC::symbol>(spec.back().first).get_name() == v) {
                ++spec.back().second;
            } else {
                spec.push_back({symbols.get(v), 1});
            }
        }
        std::string ddx_text, check;
        double ns = 0;
        ex simplified, raw;
        try {
            double t0 = cpu_seconds();
            simplified = ddx::diff(f, spec);
            double t1 = cpu_seconds();
            ns = (t1 - t0) * 1e9;
            ddx_text = printed(simplified);
            raw = f;
            for (const std::string& v : t.spec) {
                ddx::differentiator d(symbols.get(v));
                raw = d(raw);
            }
            // GiNaC writes abs(u)^2 as u*conjugate(u) when it cannot prove u real; ddx's
            // symbols are real, so conjugate is the identity (and has no double value).
            raw = ddx::drop_conjugates(raw);
        } catch (const std::exception& err) {
            std::cerr << "task " << i << " `" << t.f << "`: ddx failed: " << err.what() << "\n";
            ++failures;
            out << i << "\t" << t.source << "\t" << t.category << "\t" << join(t.spec, ",") << "\t" << t.f
                << "\tERROR\t0\t0\t0\t0\terror\t\n";
            continue;
        }
        std::string raw_text = printed(raw);
        std::string normal_text = printed(GiNaC::normal(raw));

        // Numeric check: simplified == raw at random points where raw is finite.
        std::vector<std::string> names = names_of(f);
        std::vector<std::string> points;
        int checked = 0;
        bool mismatch = false;
        std::ostringstream why;
        why.precision(17);
        for (int a = 0; a < attempts_per_task && checked < points_per_task; ++a) {
            ddx::symbol_values b;
            std::vector<std::string> coords;
            for (const std::string& n : names) {
                double v = coordinate();
                b[n] = GiNaC::numeric(v);
                std::ostringstream s;
                s.precision(17);
                s << n << "=" << v;
                coords.push_back(s.str());
            }
            double r = at_double(raw, b);
            if (!std::isfinite(r) || std::fabs(r) > 1e12) continue;
            double s = at_double(simplified, b);
            if (!close(r, s, 1e-9)) {
                // Doubles may lose everything to cancellation in one form: 40 digits decide.
                double rp = at_precise(raw, b), sp = at_precise(simplified, b);
                if (!std::isfinite(rp)) continue;
                if (!close(rp, sp, 1e-12)) {
                    mismatch = true;
                    why << " at " << join(coords, ",") << ": raw " << rp << ", ddx " << sp;
                }
            }
            ++checked;
            points.push_back(join(coords, ","));
        }
        check = mismatch ? "MISMATCH" + why.str() : checked ? "ok" : "unchecked";
        if (raw_text.size() < ddx_text.size() || normal_text.size() < ddx_text.size()) {
            raw_out << i << "\t" << raw_text << "\t" << normal_text << "\n";
        }
        out << i << "\t" << t.source << "\t" << t.category << "\t" << join(t.spec, ",") << "\t" << t.f << "\t"
            << ddx_text << "\t" << static_cast<long long>(ns) << "\t" << ddx_text.size() << "\t" << raw_text.size()
            << "\t" << normal_text.size() << "\t" << check << "\t" << join(points, ";") << "\n";
    }
    if (failures) std::cerr << failures << " tasks where ddx failed (counted as errors)\n";
    return 0;
}
