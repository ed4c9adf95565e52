// Gradient descent (Armijo backtracking, Barzilai-Borwein steps) and Newton's method.
#include "numeric/minimize_steps.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace ddx::minimizing {

namespace {

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

// A direction to move in and the slope of the function along it (its gradient . d).
struct direction {
    std::vector<double> d;
    double slope = 0;
    bool newton = false;  // Newton's step, else the negative gradient
};

// The negative gradient, whose slope is -|g|^2.
direction steepest_descent(const evaluation& at, double gradient_norm) {
    direction out;
    out.d.resize(at.gradient.size());
    for (size_t i = 0; i < out.d.size(); ++i) out.d[i] = -at.gradient[i];
    out.slope = -gradient_norm * gradient_norm;
    return out;
}

// Newton's step where the Hessian is regular and gives a descent, else the negative gradient.
direction newton_or_steepest(const evaluation& at, double gradient_norm) {
    direction out;
    out.d.resize(at.gradient.size());
    out.newton = newton_direction(at.hessian, at.gradient, out.d);
    out.slope = dot(out.d, at.gradient);
    if (!out.newton || !(out.slope < 0)) return steepest_descent(at, gradient_norm);
    return out;
}

// Backtracking (Armijo) line search: halves `t` until the value decreases enough, at most 60
// times. The accepted step and the point it reaches, or nothing.
std::optional<std::pair<double, iterate>> backtrack(const objective& f, const iterate& current,
                                                     const direction& dir, double t, bool with_hessian) {
    for (int halvings = 0; halvings < 60; ++halvings) {
        iterate trial{along(current.x, t, dir.d), {}};
        trial.at = f(trial.x, with_hessian);
        // Armijo's sufficient decrease, and a real one: equal values would let the steps
        // shrink forever at the limit of double precision
        if (finite(trial.at) && trial.at.value <= current.at.value + 1e-4 * t * dir.slope &&
            trial.at.value < current.at.value) {
            return std::make_pair(t, std::move(trial));
        }
        t /= 2;
    }
    return std::nullopt;
}

// Barzilai-Borwein: the step that a quadratic with this change of gradient would want; it
// turns gradient descent's zig-zag into steady progress. `t` was the step from `from` to `to`.
double barzilai_borwein_step(const iterate& from, const iterate& to, double t) {
    double ss = 0, sy = 0;
    for (size_t i = 0; i < from.x.size(); ++i) {
        double si = to.x[i] - from.x[i], yi = to.at.gradient[i] - from.at.gradient[i];
        ss += si * si;
        sy += si * yi;
    }
    return sy > 0 && std::isfinite(ss / sy) ? std::min(ss / sy, 1e12) : std::min(t * 2, 1e12);
}

// "gd" and "newton": Newton's steps are tried whole; gradient steps start from `rate`, then
// from the step that the last one suggests, so that a small `rate` costs few iterations.
class descent final : public method_steps {
public:
    descent(bool newton, double rate) : newton_(newton), gradient_step_(rate) {}

    bool step(const objective& f, iterate& current, double gradient_norm) override {
        direction dir = newton_ ? newton_or_steepest(current.at, gradient_norm)
                                : steepest_descent(current.at, gradient_norm);
        auto found = backtrack(f, current, dir, dir.newton ? 1.0 : gradient_step_, newton_);
        if (!found) return false;
        auto& [t, next] = *found;
        if (!dir.newton) gradient_step_ = barzilai_borwein_step(current, next, t);
        current = std::move(next);
        return true;
    }

    std::string stuck_reason() const override { return "no step decreases the value"; }

private:
    bool newton_;
    double gradient_step_;  // where the next gradient step's line search starts
};

}  // namespace

std::unique_ptr<method_steps> descent_method(bool newton, double rate) {
    return std::make_unique<descent>(newton, rate);
}

}  // namespace ddx::minimizing
