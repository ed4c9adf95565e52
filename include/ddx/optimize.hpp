// Numeric minimization with symbolic derivatives, compiled (ddx/codegen.hpp).
#pragma once

#include <ddx/data.hpp>
#include <ginac/ginac.h>
#include <string>
#include <vector>

namespace ddx {

struct minimize_options {
    std::string method = "gd";  // "gd": gradient descent with a line search; "newton"
    double rate = 0.01;         // the first step length of gradient descent
    long steps = 1000;          // iterations at most
    double tol = 1e-10;         // stop when the gradient norm falls below
};

struct minimize_result {
    std::vector<double> point;
    double value = 0;
    long iterations = 0;
    std::string reason;  // why it stopped
    bool converged = false;
};

/// Minimizes `f` over `variables` from `start`. The gradient (and for Newton the Hessian)
/// is derived symbolically and compiled. Throws ddx::error on non-finite values.
/// `minimize(parse("(x - 1)^2 + (y - 2)^2", s), {x, y}, {0, 0}, {})`
minimize_result minimize(const GiNaC::ex& f, const std::vector<GiNaC::ex>& variables,
                         const std::vector<double>& start, const minimize_options& options);

/// Minimizes the sum over the rows of `data` of `loss`, whose other symbols are bound to the
/// columns of the same name. The per-row value, gradient (and Hessian) are compiled and
/// summed numerically.
minimize_result fit(const GiNaC::ex& loss, const std::vector<GiNaC::ex>& parameters,
                    const data_table& data, const std::vector<double>& start,
                    const minimize_options& options);

}  // namespace ddx
