// Numeric minimization with symbolic derivatives, compiled (ddx/codegen.hpp).
#pragma once

#include <ddx/data.hpp>
#include <ginac/ginac.h>
#include <string>
#include <vector>

namespace ddx {

/// How minimize and fit search; the defaults are the language's (`minimize(e, [x], [0])`).
/// A method other than "gd" or "newton", a rate that is not positive, or a negative `steps`
/// or `tol` makes them throw ddx::error.
/// \code
/// ddx::minimize_options options;
/// options.method = "newton";
/// options.steps = 50;
/// \endcode
struct minimize_options {
    std::string method = "gd";  ///< "gd": gradient descent with a line search; "newton"
    double rate = 0.01;         ///< the first step length of gradient descent
    long steps = 1000;          ///< iterations at most
    double tol = 1e-10;         ///< stop when the gradient norm falls below
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
/// is derived symbolically and compiled. Throws ddx::error on non-finite values at `start`
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
