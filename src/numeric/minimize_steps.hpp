// The steps of the methods behind minimize and fit (internal): an objective given as a
// function of the point, and what gradient descent, Newton and L-BFGS do at each iteration.
// The loop around them (stop tests, the step limit, progress) is run_method in optimize.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

// In a namespace of their own: the short names (norm, dot, evaluation) are common.
namespace ddx::minimizing {

// f, its gradient and (for Newton) its Hessian at a point: what a method needs.
struct evaluation {
    double value = 0;
    std::vector<double> gradient;
    std::vector<double> hessian;  // row-major n x n, empty unless asked for
};

using objective = std::function<evaluation(const std::vector<double>&, bool with_hessian)>;

// A point and the objective there.
struct iterate {
    std::vector<double> x;
    evaluation at;
};

// What one method does at each iteration: moves to a point of lower value, or says why it
// cannot.
class method_steps {
public:
    virtual ~method_steps() = default;
    // Moves `current` to the next point; false (leaving `current` as it was) if no step is found.
    virtual bool step(const objective& f, iterate& current, double gradient_norm) = 0;
    // Why the last step failed, for minimize_result::reason ("no step decreases the value").
    virtual std::string stuck_reason() const = 0;
};

// Gradient descent ("gd": from the step `rate`) or Newton ("newton"), in descent.cpp.
std::unique_ptr<method_steps> descent_method(bool newton, double rate);
// L-BFGS ("lbfgs"), in lbfgs.cpp.
std::unique_ptr<method_steps> lbfgs_method();

// Vector helpers of the methods.
double dot(const std::vector<double>& a, const std::vector<double>& b);
double norm(const std::vector<double>& v);
bool finite(const evaluation& e);
// x + t*d
std::vector<double> along(const std::vector<double>& x, double t, const std::vector<double>& d);

}  // namespace ddx::minimizing
