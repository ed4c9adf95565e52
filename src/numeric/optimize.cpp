// minimize and fit: the compiled objective (value, gradient, Hessian) of a function or of a
// loss summed over a table's rows, and the loop of the methods (their steps are in
// minimize_steps.hpp).
#include <ddx/calculus.hpp>
#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/optimize.hpp>
#include <ddx/printer.hpp>
#include <ddx/tape.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "numeric/free_symbols.hpp"
#include "numeric/minimize_steps.hpp"

namespace ddx {

using GiNaC::ex;

using minimizing::evaluation;
using minimizing::iterate;
using minimizing::method_steps;
using minimizing::norm;
using minimizing::objective;

namespace {

std::string describe(double v) { return format_double(v); }

// Throws for an unknown method, a rate that is not positive, negative steps or tol.
void check_minimize_options(const minimize_options& o) {
    if (o.method != "gd" && o.method != "newton" && o.method != "lbfgs") {
        throw error("method must be \"gd\", \"newton\" or \"lbfgs\", got \"" + o.method + "\"");
    }
    if (!(o.rate > 0) || o.steps < 0 || !(o.tol >= 0)) {
        throw error("rate must be positive, steps and tol not negative");
    }
}

// Only Newton's method evaluates the Hessian.
bool needs_hessian(const minimize_options& o) { return o.method == "newton"; }

// Calls minimize_options::on_progress after a step once more than a second has passed since
// it was made (at the start of a run) or since the last call.
class progress_reporter {
public:
    explicit progress_reporter(const std::function<void(const minimize_progress&)>& callback)
        : callback_(callback), last_report_(std::chrono::steady_clock::now()) {}

    void after_step(long iteration, const evaluation& at) {
        if (!callback_) return;
        auto now = std::chrono::steady_clock::now();
        if (now - last_report_ <= std::chrono::seconds(1)) return;
        last_report_ = now;
        callback_(minimize_progress{iteration, at.value, norm(at.gradient)});
    }

private:
    const std::function<void(const minimize_progress&)>& callback_;
    std::chrono::steady_clock::time_point last_report_;
};

// Runs the method of `o` (checked) from `start`: the loop that all methods share, with the
// stop checks, the gradient-norm test, the step limit and progress.
minimize_result run_method(const objective& f, std::vector<double> start, const minimize_options& o) {
    std::unique_ptr<method_steps> method = o.method == "lbfgs" ? minimizing::lbfgs_method()
                                                               : minimizing::descent_method(needs_hessian(o), o.rate);
    minimize_result r;
    evaluation at_start = f(start, needs_hessian(o));
    iterate current{std::move(start), std::move(at_start)};
    if (!minimizing::finite(current.at)) throw error("the function or its gradient is not finite at the start point");
    progress_reporter progress(o.on_progress);
    for (r.iterations = 0; r.iterations < o.steps; ++r.iterations) {
        check_stop();
        double gnorm = norm(current.at.gradient);
        if (gnorm <= o.tol) {
            r.converged = true;
            r.reason = "converged: gradient norm " + describe(gnorm) + " <= tol " + describe(o.tol);
            break;
        }
        if (!method->step(f, current, gnorm)) {
            // at the limit of double precision the value cannot decrease any more
            r.converged = gnorm <= std::sqrt(o.tol);
            r.reason = std::string(r.converged ? "converged" : "stopped") + ": " + method->stuck_reason() +
                       " (gradient norm " + describe(gnorm) + ")";
            break;
        }
        progress.after_step(r.iterations + 1, current.at);
    }
    if (r.reason.empty()) {
        r.reason = "not converged: step limit " + std::to_string(o.steps) + " reached (gradient norm " +
                   describe(norm(current.at.gradient)) + "; raise steps)";
    }
    r.point = current.x;
    r.value = current.at.value;
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
    outputs.push_back(d.gradient);  // as one list: lowering may take it as its reverse sweep
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

// The symbols of a loss other than its parameters, each with the index of the column of
// the same name.
struct loss_columns {
    std::vector<ex> symbols;
    std::vector<size_t> index;
};

// Every other symbol of the loss is a column; throws for those that are not.
loss_columns columns_of(const ex& loss, const std::vector<ex>& parameters, const data_table& data) {
    loss_columns out;
    std::set<std::string> unknown;
    for (const ex& s : free_symbols(loss)) {
        if (std::any_of(parameters.begin(), parameters.end(), [&](const ex& p) { return p.is_equal(s); })) continue;
        std::string name = GiNaC::ex_to<GiNaC::symbol>(s).get_name();
        auto it = std::find(data.names.begin(), data.names.end(), name);
        if (it == data.names.end()) {
            unknown.insert(name);
            continue;
        }
        out.symbols.push_back(s);
        out.index.push_back(static_cast<size_t>(it - data.names.begin()));
    }
    if (!unknown.empty()) {
        std::string list;
        for (const std::string& u : unknown) list += (list.empty() ? "" : ", ") + u;
        throw error("the loss uses " + list + ", which is neither a parameter nor a column of the data");
    }
    return out;
}

// fit's objective: the compiled per-row value, gradient (and Hessian) of the loss, whose
// inputs are the n parameters and then the columns, summed over the rows.
struct row_sum {
    const compiled_function& fn;
    size_t n;
    const std::vector<size_t>& columns;
    const data_table& data;
    std::vector<double> in, out;

    evaluation operator()(const std::vector<double>& x, bool with_hessian) {
        evaluation sum;
        sum.gradient.assign(n, 0);
        if (with_hessian) sum.hessian.assign(n * n, 0);
        std::copy(x.begin(), x.end(), in.begin());
        for (size_t row = 0; row < data.rows(); ++row) {
            if ((row & 0xffff) == 0) check_stop();
            for (size_t c = 0; c < columns.size(); ++c) in[n + c] = data.columns[columns[c]][row];
            fn(in.data(), out.data());
            sum.value += out[0];
            for (size_t i = 0; i < n; ++i) sum.gradient[i] += out[1 + i];
            if (with_hessian) {
                for (size_t k = 0; k < n * n; ++k) sum.hessian[k] += out[1 + n + k];
            }
        }
        return sum;
    }
};

}  // namespace

minimize_result minimize(const ex& f, const std::vector<ex>& variables, const std::vector<double>& start,
                         const minimize_options& options) {
    check_start(variables, start);
    check_minimize_options(options);
    bool newton = needs_hessian(options);
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
    check_minimize_options(options);
    loss_columns columns = columns_of(loss, parameters, data);
    if (data.rows() == 0) throw error("the data has no rows");
    std::vector<ex> inputs = parameters;
    inputs.insert(inputs.end(), columns.symbols.begin(), columns.symbols.end());
    bool newton = needs_hessian(options);
    compiled_function fn = compile(objective_outputs(loss, parameters, newton), inputs);
    row_sum sum{fn, parameters.size(), columns.index, data, std::vector<double>(inputs.size()),
                std::vector<double>(fn.outputs())};
    return run_method([&](const std::vector<double>& x, bool with_hessian) { return sum(x, with_hessian); },
                                  start, options);
}

}  // namespace ddx
