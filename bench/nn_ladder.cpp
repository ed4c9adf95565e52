// The network ladder (`make bench`): tanh networks of growing size, each written as a ddx
// script the way a user would (every hidden unit bound by name, every weight and bias a
// named symbol), ending with
//
//   ccode([loss, grad(loss, params)], [params, x1, x2, ..., y], "ddx_grad")
//
// For each network it times the ddx program emitting that C (wall time of the process, the
// best of a few runs), counts its lines against the value-only code (`ccode(loss, ...)`),
// compiles both and a hand-written loop backpropagation (bench/nn_ladder_hand.c) with
// ddx::load_c (cc -std=c99 -O2 -fPIC -shared, with GCC or Clang -ffp-contract=off, on x86-64
// -march=native: src/numeric/c_compiler.cpp), checks that they agree at random points, and
// times one call of each, interleaved as bench/ddx_bench.cpp does.
//
//   nn_ladder DDX_PROGRAM BENCH_SOURCE_DIR WORK_DIR [--quick]
//   nn_ladder --shapes
//
// --shapes prints the ladder, one network a line: its name, its widths (inputs, then each
// hidden layer) and its parameter count, as `2-16-16-1 2,16,16 337` (bench/nn_torch.py
// builds the same networks from them).
// Prints a Markdown table and notes on standard output (bench/run.sh shows them as its
// fourth table). --quick times the calls of the networks up to 400 parameters only (the C of
// the big ones takes cc minutes at -O2) with fewer rounds, and emits each network once.
// Exits 1 when a program fails or the implementations disagree.
#include <ddx/ddx.hpp>

#include "../tests/lib/scopes.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using fn = void (*)(const double*, double*);
using clock_type = std::chrono::steady_clock;

struct network {
    std::vector<int> widths;  // inputs, then each hidden layer; one linear output
    std::string name() const {
        std::string s;
        for (int w : widths) s += std::to_string(w) + "-";
        return s + "1";
    }
    int hidden_layers() const { return static_cast<int>(widths.size()) - 1; }
};

// The parameters in script order, with the scale of their random values (1/sqrt(fan-in), so
// that the units do not saturate), then the inputs and y.
struct layout {
    std::vector<std::string> parameters;
    std::vector<double> scales;
    std::vector<std::string> inputs;  // x1, ..., y
};

layout layout_of(const network& n) {
    layout out;
    for (int l = 1; l <= n.hidden_layers(); ++l) {
        int fan_in = n.widths[l - 1];
        for (int j = 0; j < n.widths[l]; ++j) {
            for (int k = 0; k < fan_in; ++k) {
                out.parameters.push_back("w" + std::to_string(l) + "_" + std::to_string(j) + "_" + std::to_string(k));
                out.scales.push_back(1.0 / std::sqrt(fan_in));
            }
            out.parameters.push_back("b" + std::to_string(l) + "_" + std::to_string(j));
            out.scales.push_back(0.5);
        }
    }
    int last = n.widths.back();
    for (int j = 0; j < last; ++j) {
        out.parameters.push_back("v_" + std::to_string(j));
        out.scales.push_back(1.0 / std::sqrt(last));
    }
    out.parameters.push_back("c");
    out.scales.push_back(0.5);
    for (int k = 0; k < n.widths[0]; ++k) out.inputs.push_back("x" + std::to_string(k + 1));
    out.inputs.push_back("y");
    return out;
}

std::string join(const std::vector<std::string>& names) {
    std::string s;
    for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

// The script: h1_0 = tanh(w1_0_0*x1 + w1_0_1*x2 + b1_0), ..., out = v_0*hL_0 + ... + c,
// loss = (y - out)^2, then ccode of the value and gradient (or of the value only).
std::string script(const network& n, const layout& lay, bool with_gradient) {
    std::ostringstream s;
    std::vector<std::string> previous(lay.inputs.begin(), lay.inputs.end() - 1);
    for (int l = 1; l <= n.hidden_layers(); ++l) {
        std::vector<std::string> units;
        for (int j = 0; j < n.widths[l]; ++j) {
            std::string unit = "h" + std::to_string(l) + "_" + std::to_string(j);
            s << unit << " = tanh(";
            for (size_t k = 0; k < previous.size(); ++k)
                s << "w" << l << "_" << j << "_" << k << "*" << previous[k] << " + ";
            s << "b" << l << "_" << j << ")\n";
            units.push_back(unit);
        }
        previous = units;
    }
    s << "out = ";
    for (size_t j = 0; j < previous.size(); ++j) s << "v_" << j << "*" << previous[j] << " + ";
    s << "c\nloss = (y - out)^2\nparams = [" << join(lay.parameters) << "]\n";
    std::string variables = "[" + join(lay.parameters) + ", " + join(lay.inputs) + "]";
    if (with_gradient) {
        s << "ccode([loss, grad(loss, params)], " << variables << ", \"ddx_grad\")\n";
    } else {
        s << "ccode(loss, " << variables << ", \"ddx_value\")\n";
    }
    return s.str();
}

using ddx_test::read_text;
using ddx_test::write_text;
// Runs `ddx script > c_path`; the wall time in ms, the best of `runs`.
double emit(const std::string& ddx, const std::string& script_path, const std::string& c_path, int runs) {
    double best = 1e300;
    for (int r = 0; r < runs; ++r) {
        std::string command = "'" + ddx + "' '" + script_path + "' > '" + c_path + "' 2> '" + c_path + ".err'";
        auto start = clock_type::now();
        int status = std::system(command.c_str());
        double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
        if (status != 0) throw std::runtime_error("ddx failed on " + script_path + ": " + read_text(c_path + ".err"));
        best = std::min(best, ms);
    }
    return best;
}

size_t lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

volatile double sink;

double time_round(fn f, const std::vector<double>& inputs, size_t nin, size_t variants, std::vector<double>& out,
                  long calls) {
    double acc = 0;
    size_t v = 0, o = 0;
    auto start = clock_type::now();
    for (long i = 0; i < calls; ++i) {
        f(&inputs[v * nin], out.data());
        acc += out[o];  // a different output every call
        if (++v == variants) v = 0;
        if (++o == out.size()) o = 0;
    }
    auto stop = clock_type::now();
    sink = sink + acc;
    return std::chrono::duration<double, std::nano>(stop - start).count() / static_cast<double>(calls);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct row {
    std::string name;
    size_t parameters = 0;
    double emit_ms = 0, emit_value_ms = 0;
    size_t lines_grad = 0, lines_value = 0;
    bool timed = false;
    double ns_ddx = 0, ns_value = 0, ns_hand = 0;
    double worst_gradient = 0, worst_value = 0;
};

// The three compiled functions at random points: ddx's gradient against the hand-written one
// (largest difference over the largest entry), both losses against ddx's value-only code.
bool verify(fn ddx_grad, fn ddx_value, fn hand, const layout& lay, std::mt19937_64& rng, row& r) {
    size_t np = lay.parameters.size(), nin = np + lay.inputs.size();
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> in(nin), a(np + 1), b(np + 1), value(1);
    for (int trial = 0; trial < 20; ++trial) {
        for (size_t i = 0; i < nin; ++i) in[i] = u(rng) * (i < np ? lay.scales[i] : 1.0);
        ddx_grad(in.data(), a.data());
        hand(in.data(), b.data());
        ddx_value(in.data(), value.data());
        double scale = 0, diff = 0;
        for (size_t k = 1; k <= np; ++k) {
            scale = std::max(scale, std::fabs(b[k]));
            diff = std::max(diff, std::fabs(a[k] - b[k]));
        }
        double g = scale > 0 ? diff / scale : diff;
        double v = std::max(std::fabs(a[0] - value[0]), std::fabs(b[0] - value[0])) / std::max(std::fabs(value[0]), 1e-300);
        r.worst_gradient = std::max(r.worst_gradient, g);
        r.worst_value = std::max(r.worst_value, v);
        if (!(g <= 1e-9) || !(v <= 1e-9)) {
            std::cerr << "nn_ladder: " << r.name << ": the implementations disagree (gradient " << g << ", value " << v
                      << ")\n";
            return false;
        }
    }
    return true;
}

void time_calls(fn ddx_grad, fn ddx_value, fn hand, const layout& lay, std::mt19937_64& rng, int rounds, row& r) {
    const size_t variants = 16;
    size_t np = lay.parameters.size(), nin = np + lay.inputs.size();
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> inputs(variants * nin);
    for (size_t v = 0; v < variants; ++v)
        for (size_t i = 0; i < nin; ++i) inputs[v * nin + i] = u(rng) * (i < np ? lay.scales[i] : 1.0);
    std::vector<double> out_grad(np + 1), out_value(1);
    // calls per round: about 2 ms of the hand-written code
    long calls = 1;
    while (time_round(hand, inputs, nin, variants, out_grad, calls) * static_cast<double>(calls) < 2e6 && calls < (1L << 22))
        calls *= 2;
    struct timed {
        fn f;
        std::vector<double>* out;
        std::vector<double> samples;
    };
    std::vector<timed> t = {{ddx_grad, &out_grad, {}}, {ddx_value, &out_value, {}}, {hand, &out_grad, {}}};
    for (int w = 0; w < 3; ++w)
        for (timed& x : t) time_round(x.f, inputs, nin, variants, *x.out, calls);
    for (int round = 0; round < rounds; ++round) {
        for (size_t k = 0; k < t.size(); ++k) {
            timed& x = t[(k + static_cast<size_t>(round)) % t.size()];  // rotate the order
            x.samples.push_back(time_round(x.f, inputs, nin, variants, *x.out, calls));
        }
    }
    r.ns_ddx = median(t[0].samples);
    r.ns_value = median(t[1].samples);
    r.ns_hand = median(t[2].samples);
    r.timed = true;
}

std::string fixed(double v, int digits) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string met(bool ok) { return ok ? "met" : "NOT met"; }

}  // namespace

int main(int argc, char** argv) {
    const std::vector<network> ladder = {{{2, 4}}, {{2, 8, 8}}, {{2, 16, 16}}, {{2, 16, 16, 16}}, {{2, 32, 32}}, {{4, 64, 64, 64}}};
    if (argc == 2 && std::string(argv[1]) == "--shapes") {
        for (const network& n : ladder) {
            std::string widths;
            for (int w : n.widths) widths += (widths.empty() ? "" : ",") + std::to_string(w);
            std::cout << n.name() << " " << widths << " " << layout_of(n).parameters.size() << "\n";
        }
        return 0;
    }
    if (argc < 4) {
        std::cerr << "usage: nn_ladder DDX_PROGRAM BENCH_SOURCE_DIR WORK_DIR [--quick]\n       nn_ladder --shapes\n";
        return 2;
    }
    const std::string ddx = argv[1], source_dir = argv[2], work = argv[3];
    const bool quick = argc > 4 && std::string(argv[4]) == "--quick";
    const size_t quick_timed_parameters = 400;
    const int runs = quick ? 1 : 3, rounds = quick ? 11 : 101;
    std::string hand_template = read_text(source_dir + "/nn_ladder_hand.c");
    if (hand_template.empty()) {
        std::cerr << "nn_ladder: cannot read " << source_dir << "/nn_ladder_hand.c\n";
        return 1;
    }
    std::mt19937_64 rng(20261206);
    std::vector<row> rows;
    try {
        for (const network& n : ladder) {
            layout lay = layout_of(n);
            row r;
            r.name = n.name();
            r.parameters = lay.parameters.size();
            std::string base = work + "/nn_" + r.name;
            write_text(base + "_grad.ddx", script(n, lay, true));
            write_text(base + "_value.ddx", script(n, lay, false));
            r.emit_ms = emit(ddx, base + "_grad.ddx", base + "_grad.c", runs);
            r.emit_value_ms = emit(ddx, base + "_value.ddx", base + "_value.c", runs);
            std::string grad_c = read_text(base + "_grad.c"), value_c = read_text(base + "_value.c");
            r.lines_grad = lines(grad_c);
            r.lines_value = lines(value_c);
            if (!quick || r.parameters <= quick_timed_parameters) {
                int widest = *std::max_element(n.widths.begin(), n.widths.end());
                std::string widths;
                for (int w : n.widths) widths += (widths.empty() ? "" : ", ") + std::to_string(w);
                std::string hand_c = "#define LAYERS " + std::to_string(n.hidden_layers()) + "\n#define WIDTHS {" + widths +
                                     "}\n#define MAXW " + std::to_string(widest) + "\n" + hand_template;
                std::shared_ptr<void> lib_grad, lib_value, lib_hand;
                auto ddx_grad = reinterpret_cast<fn>(ddx::load_c(grad_c, "ddx_grad", lib_grad));
                auto ddx_value = reinterpret_cast<fn>(ddx::load_c(value_c, "ddx_value", lib_value));
                auto hand = reinterpret_cast<fn>(ddx::load_c(hand_c, "hand_value_grad", lib_hand));
                if (!verify(ddx_grad, ddx_value, hand, lay, rng, r)) return 1;
                time_calls(ddx_grad, ddx_value, hand, lay, rng, rounds, r);
            }
            rows.push_back(r);
            std::cerr << "nn_ladder: " << r.name << " done\n";
        }
    } catch (const std::exception& e) {
        std::cerr << "nn_ladder: " << e.what() << "\n";
        return 1;
    }

    std::cout << "| network | parameters | ms to emit value+grad (value only) | lines of C value+grad / value only |"
                 " ns/call ddx value+grad | ns/call ddx value only | ns/call hand-written loops | ddx/hand | ddx grad/value |\n";
    std::cout << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    bool all_met = true;
    std::vector<std::string> misses;
    for (const row& r : rows) {
        double line_ratio = static_cast<double>(r.lines_grad) / static_cast<double>(r.lines_value);
        std::cout << "| " << r.name << " | " << r.parameters << " | " << fixed(r.emit_ms, 0) << " (" << fixed(r.emit_value_ms, 0)
                  << ") | " << r.lines_grad << " / " << r.lines_value << " (" << fixed(line_ratio, 2) << "x) | ";
        if (r.timed) {
            std::cout << fixed(r.ns_ddx, 0) << " | " << fixed(r.ns_value, 0) << " | " << fixed(r.ns_hand, 0) << " | "
                      << fixed(r.ns_ddx / r.ns_hand, 2) << " | " << fixed(r.ns_ddx / r.ns_value, 2) << " |\n";
        } else {
            std::cout << "- | - | - | - | - |\n";
        }
        auto check = [&](bool ok, const std::string& what) {
            if (!ok) {
                all_met = false;
                misses.push_back(r.name + ": " + what);
            }
        };
        check(r.emit_ms <= 1000, "emitting took " + fixed(r.emit_ms, 0) + " ms (target 1000)");
        check(line_ratio <= 4, "lines " + fixed(line_ratio, 2) + "x the value-only code (target 4x)");
        if (r.timed) {
            check(r.ns_ddx <= r.ns_hand * 1.0, "ddx/hand " + fixed(r.ns_ddx / r.ns_hand, 2) + " (target 1.0)");
            check(r.ns_ddx <= r.ns_value * 3.0, "grad/value " + fixed(r.ns_ddx / r.ns_value, 2) + " (target 3)");
        }
    }
    std::cout << "\n- network ladder: each network's ddx script binds every hidden unit by name and ends with "
                 "ccode([loss, grad(loss, params)], [params, x1, ..., y]); ms to emit is the wall time of the ddx "
                 "process (best of "
              << runs << "), timed calls are medians of " << rounds
              << " interleaved rounds; all three functions compiled by ddx::load_c (cc -std=c99 -O2; with GCC or Clang "
                 "-ffp-contract=off, on x86-64 -march=native)";
    if (quick) std::cout << "; --quick: calls timed up to " << quick_timed_parameters << " parameters";
    std::cout << "\n";
    for (const row& r : rows) {
        if (r.timed) {
            std::cout << "- " << r.name << ": verified at 20 random points: gradient against the hand-written one "
                      << r.worst_gradient << " (largest difference over largest entry, limit 1e-9), losses against "
                      << "the value-only code " << r.worst_value << "\n";
        }
    }
    std::cout << "- targets (ddx/hand <= 1.0, grad/value <= 3, emit <= 1000 ms, lines <= 4x): " << met(all_met) << "\n";
    for (const std::string& m : misses) std::cout << "  - " << m << "\n";
    return 0;
}
