// The gradient benchmark (`make bench`): ddx's emitted C against hand-written C and against
// GiNaC's own print_csrc, all compiled by ddx::load_c (same compiler, same flags, same
// dlopen'ed call), verified against each other and a finite difference, then timed in one
// process with the rounds interleaved.
//
//   ddx_bench BENCH_SOURCE_DIR WORK_DIR [--quick]
//
// Writes the C it generates to WORK_DIR (run.sh counts instructions in it), loads
// WORK_DIR/{nn,seed}_sympy.c when present (to verify SymPy's code too), and prints on
// standard output lines that run.sh turns into its table:
//   time CASE IMPL NS_MEDIAN NS_P25 NS_P75
//   verify CASE WHAT MAX_RELATIVE_DIFFERENCE
//   note TEXT
// Exits 1 with a message on standard error when the gradients disagree.
#include <ddx/ddx.hpp>

#include "../tests/lib/scopes.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using fn = void (*)(const double*, double*);

struct implementation {
    std::string name;  // ddx, hand, ginac, sympy
    std::string source;
    std::string symbol;
    fn function = nullptr;
    std::shared_ptr<void> library;
    bool timed = true;
};

struct benchmark_case {
    std::string name;
    std::size_t inputs = 0, outputs = 0;
    long double (*loss)(const long double*) = nullptr;  // long double reference, for the FD check
    std::vector<std::size_t> differentiated;             // out[j] = d loss / d in[differentiated[j]]
    bool value_first = false;                             // out[0] is the loss itself
    std::vector<implementation> impls;
};

implementation make_impl(const std::string& name, const std::string& source, const std::string& symbol,
                         bool timed = true) {
    implementation im;
    im.name = name;
    im.source = source;
    im.symbol = symbol;
    im.timed = timed;
    return im;
}

volatile double sink;

using ddx_test::read_text;
using ddx_test::write_text;
// GiNaC's own C: no shared subexpressions, each component printed by print_csrc_double.
std::string ginac_csrc(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& variables,
                       const std::vector<std::string>& names, const std::string& function) {
    std::ostringstream c;
    c << "#include <math.h>\n\nvoid " << function << "(const double *in, double *out)\n{\n";
    for (std::size_t i = 0; i < variables.size(); ++i)
        c << "    const double " << names[i] << " = in[" << i << "];\n";
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        c << "    out[" << i << "] = ";
        outputs[i].print(GiNaC::print_csrc_double(c));
        c << ";\n";
    }
    c << "}\n";
    return c.str();
}

// --- the network: 2 inputs, 4 tanh hidden units, 1 linear output --------------------------

const std::vector<std::string> nn_names = {"w11", "w12", "w21", "w22", "w31", "w32", "w41",
                                           "w42", "b1",  "b2",  "b3",  "b4",  "v1",  "v2",
                                           "v3",  "v4",  "c",   "x1",  "x2",  "y"};
constexpr std::size_t nn_params = 17;

long double nn_loss(const long double* p) {
    const long double x1 = p[17], x2 = p[18], y = p[19];
    long double f = p[16];
    for (int j = 0; j < 4; ++j) f += p[12 + j] * tanhl(p[2 * j] * x1 + p[2 * j + 1] * x2 + p[8 + j]);
    return (y - f) * (y - f);
}

const std::string nn_text =
    "(y - (c + v1*tanh(w11*x1 + w12*x2 + b1) + v2*tanh(w21*x1 + w22*x2 + b2)"
    " + v3*tanh(w31*x1 + w32*x2 + b3) + v4*tanh(w41*x1 + w42*x2 + b4)))^2";

// --- the least-squares loss: (y - (a*x + b))^2, value and gradient ---------------------------------------

const std::vector<std::string> seed_names = {"a", "b", "x", "y"};

long double seed_loss(const long double* p) {
    const long double r = p[3] - (p[0] * p[2] + p[1]);
    return r * r;
}

const std::string seed_text = "(y - (a*x + b))^2";

struct generated {
    std::string ddx, ginac;
};

generated generate(const std::string& text, const std::vector<std::string>& names, std::size_t params,
                   bool value_first, const std::string& ddx_name, const std::string& ginac_name) {
    ddx::symbol_table symbols;
    GiNaC::ex loss = ddx::parse(text, symbols);
    std::vector<GiNaC::ex> variables, parameters;
    for (std::size_t i = 0; i < names.size(); ++i) {
        variables.push_back(symbols.get(names[i]));
        if (i < params) parameters.push_back(variables.back());
    }
    GiNaC::lst gradient = ddx::gradient(loss, parameters);
    std::vector<GiNaC::ex> ddx_outputs, naive_outputs;
    if (value_first) {
        ddx_outputs.push_back(loss);
        naive_outputs.push_back(loss);
    }
    ddx_outputs.push_back(gradient);
    for (const GiNaC::ex& p : parameters) naive_outputs.push_back(loss.diff(GiNaC::ex_to<GiNaC::symbol>(p)));
    return {ddx::emit_c(ddx_outputs, variables, ddx_name),
            ginac_csrc(naive_outputs, variables, names, ginac_name)};
}

// --- verification ----------------------------------------------------------------------------

double relative_difference(double a, double b) {
    double scale = std::max(std::fabs(a), std::fabs(b));
    if (a == b) return 0.0;
    return std::fabs(a - b) / scale;
}

// Random points: parameters and inputs uniform in [-1, 1].
std::vector<double> random_point(std::mt19937_64& rng, std::size_t n) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> p(n);
    for (double& v : p) v = u(rng);
    return p;
}

// Central difference in long double, one Richardson step (error O(h^4)).
double finite_difference(const benchmark_case& bc, const std::vector<double>& point, std::size_t k) {
    std::vector<long double> p(point.begin(), point.end());
    auto central = [&](long double h) {
        std::vector<long double> q = p;
        q[k] = p[k] + h;
        long double up = bc.loss(q.data());
        q[k] = p[k] - h;
        long double down = bc.loss(q.data());
        return (up - down) / (2 * h);
    };
    const long double h = 1e-3L;
    return static_cast<double>((4 * central(h / 2) - central(h)) / 3);
}

constexpr double agreement_tolerance = 1e-12;
constexpr double fd_tolerance = 1e-9;

bool verify(const benchmark_case& bc, std::mt19937_64& rng) {
    std::cerr << std::setprecision(17);
    double worst_pair = 0, worst_fd = 0, worst_value = 0;
    std::string worst_pair_names;
    bool ok = true;
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<double> point = random_point(rng, bc.inputs);
        std::vector<std::vector<double>> results;
        for (const implementation& im : bc.impls) {
            std::vector<double> out(bc.outputs, std::nan(""));
            im.function(point.data(), out.data());
            results.push_back(out);
        }
        for (std::size_t i = 0; i < bc.impls.size(); ++i) {
            for (std::size_t j = i + 1; j < bc.impls.size(); ++j) {
                for (std::size_t k = 0; k < bc.outputs; ++k) {
                    double d = relative_difference(results[i][k], results[j][k]);
                    if (!(d <= agreement_tolerance)) {
                        std::cerr << "ddx_bench: " << bc.name << ": " << bc.impls[i].name << " and "
                                  << bc.impls[j].name << " disagree in out[" << k << "]: "
                                  << results[i][k] << " vs " << results[j][k] << "\n";
                        ok = false;
                    }
                    if (d > worst_pair || std::isnan(d)) {
                        worst_pair = d;
                        worst_pair_names = bc.impls[i].name + "/" + bc.impls[j].name;
                    }
                }
            }
        }
        // Against the long double loss: the value (when emitted) and a finite difference.
        std::vector<long double> lp(point.begin(), point.end());
        std::size_t first = 0;
        if (bc.value_first) {
            double exact = static_cast<double>(bc.loss(lp.data()));
            for (std::size_t i = 0; i < bc.impls.size(); ++i) {
                double d = relative_difference(results[i][0], exact);
                worst_value = std::max(worst_value, d);
                if (!(d <= agreement_tolerance)) {
                    std::cerr << "ddx_bench: " << bc.name << ": " << bc.impls[i].name
                              << " computes a wrong loss: " << results[i][0] << " vs " << exact << "\n";
                    ok = false;
                }
            }
            first = 1;
        }
        for (std::size_t j = 0; j < bc.differentiated.size(); ++j) {
            double fd = finite_difference(bc, point, bc.differentiated[j]);
            for (std::size_t i = 0; i < bc.impls.size(); ++i) {
                double d = relative_difference(results[i][first + j], fd);
                worst_fd = std::max(worst_fd, d);
                if (!(d <= fd_tolerance)) {
                    std::cerr << "ddx_bench: " << bc.name << ": " << bc.impls[i].name << " out["
                              << first + j << "] = " << results[i][first + j]
                              << " but the finite difference is " << fd << "\n";
                    ok = false;
                }
            }
        }
        if (!ok) return false;
    }
    std::printf("verify %s pairwise %.3g\n", bc.name.c_str(), worst_pair);
    std::printf("verify %s fd %.3g\n", bc.name.c_str(), worst_fd);
    if (bc.value_first) std::printf("verify %s value %.3g\n", bc.name.c_str(), worst_value);
    return true;
}

// --- timing ----------------------------------------------------------------------------------

constexpr std::size_t variants = 64;  // distinct input vectors, cycled through

double time_round(fn f, const std::vector<double>& inputs, std::size_t nin, std::size_t nout, long calls) {
    double out[64];
    double acc = 0;
    std::size_t v = 0, o = 0;
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < calls; ++i) {
        f(&inputs[v * nin], out);
        acc += out[o];  // a different output every call: all are live
        if (++v == variants) v = 0;
        if (++o == nout) o = 0;
    }
    auto stop = std::chrono::steady_clock::now();
    sink = sink + acc;
    return std::chrono::duration<double, std::nano>(stop - start).count() / static_cast<double>(calls);
}

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    double pos = q * static_cast<double>(v.size() - 1);
    std::size_t lo = static_cast<std::size_t>(pos);
    std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

void time_case(const benchmark_case& bc, std::mt19937_64& rng, int rounds) {
    // One base point, then small per-call variations of every input.
    std::vector<double> base = random_point(rng, bc.inputs);
    std::uniform_real_distribution<double> jitter(-1e-3, 1e-3);
    std::vector<double> inputs(variants * bc.inputs);
    for (std::size_t v = 0; v < variants; ++v)
        for (std::size_t i = 0; i < bc.inputs; ++i) inputs[v * bc.inputs + i] = base[i] * (1 + jitter(rng));

    std::vector<const implementation*> timed;
    for (const implementation& im : bc.impls)
        if (im.timed) timed.push_back(&im);

    // Calls per round: about 100 microseconds of the hand-written code.
    const implementation* hand = timed[1];
    long calls = 1000;
    for (;;) {
        double ns = time_round(hand->function, inputs, bc.inputs, bc.outputs, calls);
        if (ns * static_cast<double>(calls) >= 1e5 || calls >= (1L << 24)) break;
        calls *= 2;
    }
    for (int w = 0; w < 20; ++w)  // warm-up, not recorded
        for (const implementation* im : timed) time_round(im->function, inputs, bc.inputs, bc.outputs, calls);

    std::vector<std::vector<double>> samples(timed.size());
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t k = 0; k < timed.size(); ++k) {
            std::size_t i = (k + static_cast<std::size_t>(r)) % timed.size();  // rotate the order: A B C, B C A, ...
            samples[i].push_back(time_round(timed[i]->function, inputs, bc.inputs, bc.outputs, calls));
        }
    }
    for (std::size_t i = 0; i < timed.size(); ++i)
        std::printf("time %s %s %.2f %.2f %.2f\n", bc.name.c_str(), timed[i]->name.c_str(),
                    quantile(samples[i], 0.5), quantile(samples[i], 0.25), quantile(samples[i], 0.75));
    std::printf("note %s: %d interleaved rounds of %ld calls each\n", bc.name.c_str(), rounds, calls);
}

void load(benchmark_case& bc) {
    for (implementation& im : bc.impls)
        im.function = reinterpret_cast<fn>(ddx::load_c(im.source, im.symbol, im.library));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: ddx_bench BENCH_SOURCE_DIR WORK_DIR [--quick]\n";
        return 2;
    }
    const std::string source_dir = argv[1], work = argv[2];
    const bool quick = argc > 3 && std::string(argv[3]) == "--quick";
    const int rounds = quick ? 31 : 1001;
    try {
        std::mt19937_64 rng(20261126);

        benchmark_case nn;
        nn.name = "nn";
        nn.inputs = nn_names.size();
        nn.outputs = nn_params;
        nn.loss = nn_loss;
        for (std::size_t k = 0; k < nn_params; ++k) nn.differentiated.push_back(k);
        generated g = generate(nn_text, nn_names, nn_params, false, "ddx_grad", "ginac_grad");
        write_text(work + "/nn_ddx.c", g.ddx);
        write_text(work + "/nn_ginac.c", g.ginac);
        std::string hand = read_text(source_dir + "/nn_backprop.c");
        if (hand.empty()) throw std::runtime_error("cannot read " + source_dir + "/nn_backprop.c");
        nn.impls.push_back(make_impl("ddx", g.ddx, "ddx_grad"));
        nn.impls.push_back(make_impl("hand", hand, "backprop_grad"));
        nn.impls.push_back(make_impl("ginac", g.ginac, "ginac_grad"));
        if (std::string s = read_text(work + "/nn_sympy.c"); !s.empty())
            nn.impls.push_back(make_impl("sympy", s, "sympy_grad", false));

        benchmark_case seed;
        seed.name = "seed";
        seed.inputs = seed_names.size();
        seed.outputs = 3;
        seed.loss = seed_loss;
        seed.differentiated = {0, 1};
        seed.value_first = true;
        generated s = generate(seed_text, seed_names, 2, true, "ddx_seed", "ginac_seed");
        write_text(work + "/seed_ddx.c", s.ddx);
        write_text(work + "/seed_ginac.c", s.ginac);
        std::string seed_hand = read_text(source_dir + "/seed_hand.c");
        if (seed_hand.empty()) throw std::runtime_error("cannot read " + source_dir + "/seed_hand.c");
        seed.impls.push_back(make_impl("ddx", s.ddx, "ddx_seed"));
        seed.impls.push_back(make_impl("hand", seed_hand, "seed_hand"));
        seed.impls.push_back(make_impl("ginac", s.ginac, "ginac_seed"));
        if (std::string t = read_text(work + "/seed_sympy.c"); !t.empty())
            seed.impls.push_back(make_impl("sympy", t, "sympy_seed", false));

        for (benchmark_case* bc : {&nn, &seed}) {
            load(*bc);
            if (!verify(*bc, rng)) {
                std::cerr << "ddx_bench: " << bc->name << ": the gradients disagree; not timing\n";
                return 1;
            }
        }
        for (benchmark_case* bc : {&nn, &seed}) time_case(*bc, rng, rounds);
    } catch (const std::exception& e) {
        std::cerr << "ddx_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
