#include <ddx/calculus.hpp>
#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/optimize.hpp>
#include <ddx/printer.hpp>
#include <ddx/program.hpp>

#include "numeric/free_symbols.hpp"
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <set>

namespace ddx {

using GiNaC::ex;

namespace {

// f, its gradient and (for Newton) its Hessian at a point: what a method needs.
struct evaluation {
    double value = 0;
    std::vector<double> gradient;
    std::vector<double> hessian;  // row-major n x n, empty for gradient descent
};

using objective = std::function<evaluation(const std::vector<double>&, bool with_hessian)>;

double norm(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    return std::sqrt(s);
}

bool finite(const evaluation& e) {
    if (!std::isfinite(e.value)) return false;
    for (double g : e.gradient) {
        if (!std::isfinite(g)) return false;
    }
    return true;
}

// Solves H d = -g by Gaussian elimination with partial pivoting; false if H is singular.
bool newton_direction(std::vector<double> h, std::vector<double> g, std::vector<double>& d) {
    size_t n = g.size();
    for (size_t c = 0; c < n; ++c) {
        size_t pivot = c;
        for (size_t r = c + 1; r < n; ++r) {
            if (std::fabs(h[r * n + c]) > std::fabs(h[pivot * n + c])) pivot = r;
        }
        if (std::fabs(h[pivot * n + c]) < 1e-300) return false;
        for (size_t k = 0; k < n; ++k) std::swap(h[c * n + k], h[pivot * n + k]);
        std::swap(g[c], g[pivot]);
        for (size_t r = c + 1; r < n; ++r) {
            double m = h[r * n + c] / h[c * n + c];
            for (size_t k = c; k < n; ++k) h[r * n + k] -= m * h[c * n + k];
            g[r] -= m * g[c];
        }
    }
    d.assign(n, 0);
    for (size_t i = n; i-- > 0;) {
        double s = -g[i];
        for (size_t k = i + 1; k < n; ++k) s -= h[i * n + k] * d[k];
        d[i] = s / h[i * n + i];
    }
    return true;
}

std::string describe(double v) { return format_double(v); }

minimize_result run_method(const objective& f, std::vector<double> x, const minimize_options& o) {
    if (o.method != "gd" && o.method != "newton") {
        throw error("method must be \"gd\" or \"newton\", got \"" + o.method + "\"");
    }
    if (!(o.rate > 0) || o.steps < 0 || !(o.tol >= 0)) {
        throw error("rate must be positive, steps and tol not negative");
    }
    bool newton = o.method == "newton";
    minimize_result r;
    evaluation current = f(x, newton);
    if (!finite(current)) throw error("the function or its gradient is not finite at the start point");
    double step = o.rate;
    auto started = std::chrono::steady_clock::now(), last_report = started;
    for (r.iterations = 0; r.iterations < o.steps; ++r.iterations) {
        check_stop();
        double gnorm = norm(current.gradient);
        if (gnorm <= o.tol) {
            r.converged = true;
            r.reason = "converged: gradient norm " + describe(gnorm) + " <= tol " + describe(o.tol);
            break;
        }
        std::vector<double> d(x.size());
        bool use_newton = newton && newton_direction(current.hessian, current.gradient, d);
        double slope = 0;
        for (size_t i = 0; i < x.size(); ++i) slope += d[i] * current.gradient[i];
        if (!use_newton || !(slope < 0)) {
            for (size_t i = 0; i < x.size(); ++i) d[i] = -current.gradient[i];
            slope = -gnorm * gnorm;
            use_newton = false;
        }
        // Backtracking (Armijo) line search from `rate` at first, then from the step that the
        // last one suggests (below), so that a small `rate` costs few iterations.
        double t = use_newton ? 1.0 : step;
        evaluation next;
        std::vector<double> trial(x.size());
        bool accepted = false;
        for (int halvings = 0; halvings < 60; ++halvings) {
            for (size_t i = 0; i < x.size(); ++i) trial[i] = x[i] + t * d[i];
            next = f(trial, newton);
            // Armijo's sufficient decrease, and a real one: equal values would let the steps
            // shrink forever at the limit of double precision
            if (finite(next) && next.value <= current.value + 1e-4 * t * slope && next.value < current.value) {
                accepted = true;
                break;
            }
            t /= 2;
        }
        if (!accepted) {
            // at the limit of double precision the value cannot decrease any more
            r.converged = gnorm <= std::sqrt(o.tol);
            r.reason = std::string(r.converged ? "converged" : "stopped") +
                       ": no step decreases the value (gradient norm " + describe(gnorm) + ")";
            break;
        }
        if (!use_newton) {
            // Barzilai-Borwein: the step that a quadratic with this change of gradient
            // would want; it turns gradient descent's zig-zag into steady progress.
            double ss = 0, sy = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                double si = trial[i] - x[i], yi = next.gradient[i] - current.gradient[i];
                ss += si * si;
                sy += si * yi;
            }
            step = sy > 0 && std::isfinite(ss / sy) ? std::min(ss / sy, 1e12) : std::min(t * 2, 1e12);
        }
        x = trial;
        current = next;
        auto now = std::chrono::steady_clock::now();
        if (now - last_report > std::chrono::seconds(1)) {
            last_report = now;
            std::cerr << "# iteration " << r.iterations + 1 << ": value " << describe(current.value)
                      << ", gradient norm " << describe(norm(current.gradient)) << std::endl;
        }
    }
    if (r.reason.empty()) {
        r.reason = "not converged: step limit " + std::to_string(o.steps) + " reached (gradient norm " +
                   describe(norm(current.gradient)) + "; raise steps)";
    }
    r.point = x;
    r.value = current.value;
    return r;
}

// value, gradient and optionally the Hessian's entries as outputs of one compiled function
std::vector<ex> objective_outputs(const ex& f, const std::vector<ex>& variables, bool with_hessian) {
    std::vector<ex> outputs{f};
    first_and_second_partials d;
    if (with_hessian) {
        d = gradient_and_hessian(f, variables);
    } else {
        d.gradient = gradient(f, variables);
    }
    for (const ex& g : d.gradient) outputs.push_back(g);
    for (const ex& row : d.hessian) {
        for (const ex& h : row) outputs.push_back(h);
    }
    return outputs;
}

void check_start(const std::vector<ex>& variables, const std::vector<double>& start) {
    if (variables.size() != start.size()) {
        throw error("the start point has " + std::to_string(start.size()) + " values for " +
                    std::to_string(variables.size()) + " variables");
    }
    if (variables.empty()) throw error("no variables to minimize over");
}

}  // namespace

minimize_result minimize(const ex& f, const std::vector<ex>& variables, const std::vector<double>& start,
                         const minimize_options& options) {
    check_start(variables, start);
    bool newton = options.method == "newton";
    size_t n = variables.size();
    compiled_function fn = compile(objective_outputs(f, variables, newton), variables);
    std::vector<double> out(fn.outputs());
    objective obj = [&](const std::vector<double>& x, bool with_hessian) {
        fn(x.data(), out.data());
        evaluation e;
        e.value = out[0];
        e.gradient.assign(out.begin() + 1, out.begin() + 1 + static_cast<long>(n));
        if (with_hessian) e.hessian.assign(out.begin() + 1 + static_cast<long>(n), out.end());
        return e;
    };
    return run_method(obj, start, options);
}

minimize_result fit(const ex& loss, const std::vector<ex>& parameters, const data_table& data,
                    const std::vector<double>& start, const minimize_options& options) {
    check_start(parameters, start);
    // Every other symbol of the loss is a column.
    std::vector<ex> inputs = parameters;
    std::vector<size_t> column_of;
    std::set<std::string> unknown;
    for (const ex& s : free_symbols(loss)) {
        if (std::any_of(parameters.begin(), parameters.end(), [&](const ex& p) { return p.is_equal(s); })) continue;
        std::string name = GiNaC::ex_to<GiNaC::symbol>(s).get_name();
        auto it = std::find(data.names.begin(), data.names.end(), name);
        if (it == data.names.end()) {
            unknown.insert(name);
            continue;
        }
        inputs.push_back(s);
        column_of.push_back(static_cast<size_t>(it - data.names.begin()));
    }
    if (!unknown.empty()) {
        std::string list;
        for (const std::string& u : unknown) list += (list.empty() ? "" : ", ") + u;
        throw error("the loss uses " + list + ", which is neither a parameter nor a column of the data");
    }
    if (data.rows() == 0) throw error("the data has no rows");
    bool newton = options.method == "newton";
    size_t n = parameters.size();
    compiled_function fn = compile(objective_outputs(loss, parameters, newton), inputs);
    std::vector<double> in(inputs.size()), out(fn.outputs());
    objective obj = [&](const std::vector<double>& x, bool with_hessian) {
        evaluation sum;
        sum.gradient.assign(n, 0);
        if (with_hessian) sum.hessian.assign(n * n, 0);
        std::copy(x.begin(), x.end(), in.begin());
        for (size_t row = 0; row < data.rows(); ++row) {
            if ((row & 0xffff) == 0) check_stop();
            for (size_t c = 0; c < column_of.size(); ++c) in[n + c] = data.columns[column_of[c]][row];
            fn(in.data(), out.data());
            sum.value += out[0];
            for (size_t i = 0; i < n; ++i) sum.gradient[i] += out[1 + i];
            if (with_hessian) {
                for (size_t k = 0; k < n * n; ++k) sum.hessian[k] += out[1 + n + k];
            }
        }
        return sum;
    };
    return run_method(obj, start, options);
}

}  // namespace ddx
