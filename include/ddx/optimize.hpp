// Numeric minimization with symbolic derivatives, compiled (ddx/codegen.hpp).
#pragma once

#include <ddx/data.hpp>
#include <functional>
#include <ginac/ginac.h>
#include <string>
#include <vector>

namespace ddx {

/// Where a long minimize or fit has got to: ddx::minimize_options::on_progress receives one.
struct minimize_progress {
    long iteration = 0;          ///< the steps taken so far (1 after the first)
    double value = 0;            ///< the function (for fit, the summed loss) after them
    double gradient_norm = 0;    ///< the Euclidean norm of its gradient there
};

/// How minimize and fit search; the defaults are the language's (`minimize(e, [x], [0])`).
/// A method other than "gd", "newton" or "lbfgs", a rate that is not positive, or a negative
/// `steps` or `tol` makes them throw ddx::error.
/// \code
/// ddx::minimize_options options;
/// options.method = "lbfgs";
/// options.steps = 50;
/// // a line on standard error about once a second while a run is long (the ddx program's
/// // "# iteration ..." lines); without it the library writes nothing
/// options.on_progress = [](const ddx::minimize_progress& p) {
///     std::cerr << "iteration " << p.iteration << ": value " << p.value
///               << ", gradient norm " << p.gradient_norm << std::endl;
/// };
/// \endcode
struct minimize_options {
    /// "gd": gradient descent with a backtracking line search and Barzilai-Borwein steps;
    /// "newton": Newton's steps with the symbolic Hessian (gradient steps where it gives no
    /// descent); "lbfgs": limited-memory BFGS (from the last 10 steps and changes of the
    /// gradient) with a line search for the strong Wolfe conditions, which tries the whole
    /// step first (at the first iteration: a gradient step of length 1).
    std::string method = "gd";
    double rate = 0.01;         ///< the first step length of gradient descent
    long steps = 1000;          ///< iterations at most
    double tol = 1e-10;         ///< stop when the gradient norm falls below
    /// Called after a step when more than a second has passed since the start of the run or
    /// since the last call (so never for a run shorter than a second). Empty: no calls.
    std::function<void(const minimize_progress&)> on_progress;
};

/// Where minimize or fit stopped, and why. For `minimize(parse("(x - 1)^2 + (y - 2)^2", s),
/// {x, y}, {0, 0}, {})`: `point` is {1.0, 2.0} (to rounding), `value` about 0, `converged`
/// true and `reason` "converged: gradient norm ... <= tol 1e-10".
struct minimize_result {
    /// The values of the variables (for fit, the parameters), in their order.
    std::vector<double> point;
    /// The function (for fit, the loss summed over the rows) at `point`.
    double value = 0;
    /// The steps taken, at most minimize_options::steps.
    long iterations = 0;
    std::string reason;  ///< why it stopped
    /// Whether it stopped at a minimum: the gradient norm fell to `tol` (or no step could
    /// decrease the value while the norm was at most sqrt(`tol`)).
    bool converged = false;
};

/// Minimizes `f` over `variables` from `start`. The gradient (and for Newton the Hessian)
/// is derived symbolically and compiled; nothing is written to any stream (progress goes
/// to minimize_options::on_progress). Throws ddx::error on non-finite values at `start`
/// (later steps into non-finite values are shortened instead).
/// `minimize(parse("(x - 1)^2 + (y - 2)^2", s), {x, y}, {0, 0}, {})` reaches {1.0, 2.0}.
minimize_result minimize(const GiNaC::ex& f, const std::vector<GiNaC::ex>& variables,
                         const std::vector<double>& start, const minimize_options& options);

/// Minimizes the sum over the rows of `data` of `loss`, whose other symbols are bound to the
/// columns of the same name. The per-row value, gradient (and Hessian) are compiled and
/// summed numerically. Throws ddx::error for a symbol of `loss` that is neither a parameter
/// nor a column, or for a table with no rows. For `points.csv` with columns x and y (see
/// ddx::data_table):
/// \code
/// ddx::symbol_table s;
/// GiNaC::ex loss = ddx::parse("(y - (a*x + b))^2", s);
/// ddx::minimize_result r = ddx::fit(loss, {s.get("a"), s.get("b")}, ddx::load_csv("points.csv"),
///                                   {0, 0}, {});
/// // r.point is {1.95, 1.05}: the least-squares line y = 1.95*x + 1.05
/// \endcode
minimize_result fit(const GiNaC::ex& loss, const std::vector<GiNaC::ex>& parameters,
                    const data_table& data, const std::vector<double>& start,
                    const minimize_options& options);

}  // namespace ddx
