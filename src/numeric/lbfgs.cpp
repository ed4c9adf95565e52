// Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.: algorithm 7.4 for
// the two-loop recursion, algorithms 3.5 and 3.6 for the line search).
#include "numeric/minimize_steps.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>

namespace ddx::minimizing {

namespace {

constexpr size_t memory_size = 10;  // the (s, y) pairs kept
constexpr double c1 = 1e-4;         // sufficient decrease (Armijo)
constexpr double c2 = 0.9;          // curvature (strong Wolfe)
constexpr int most_extrapolations = 50;
constexpr int most_zoom_steps = 40;

// One step s = x' - x with its change of gradient y = g' - g, and rho = 1/(y . s).
struct correction {
    std::vector<double> s, y;
    double rho = 0;
};

// -H g, where H approximates the inverse Hessian from the corrections (oldest first) and
// the scaling gamma = s.y/y.y of the newest (N&W 7.20): the two-loop recursion.
std::vector<double> two_loop_direction(const std::deque<correction>& memory, const std::vector<double>& g) {
    std::vector<double> q = g, alpha(memory.size());
    for (size_t k = memory.size(); k-- > 0;) {
        const correction& c = memory[k];
        alpha[k] = c.rho * dot(c.s, q);
        for (size_t i = 0; i < q.size(); ++i) q[i] -= alpha[k] * c.y[i];
    }
    if (!memory.empty()) {
        const correction& newest = memory.back();
        double gamma = dot(newest.s, newest.y) / dot(newest.y, newest.y);
        for (double& v : q) v *= gamma;
    }
    for (size_t k = 0; k < memory.size(); ++k) {
        const correction& c = memory[k];
        double beta = c.rho * dot(c.y, q);
        for (size_t i = 0; i < q.size(); ++i) q[i] += c.s[i] * (alpha[k] - beta);
    }
    for (double& v : q) v = -v;
    return q;
}

// The objective along a line: phi(t) = f(x + t d), phi'(t) = grad f(x + t d) . d.
struct line_point {
    double t = 0;
    iterate point;
    double phi = 0, slope = 0;
    bool finite = true;
};

class line {
public:
    line(const objective& f, const iterate& from, const std::vector<double>& d, double slope)
        : f_(f), from_(from), d_(d) {
        origin_.t = 0;
        origin_.point = from;
        origin_.phi = from.at.value;
        origin_.slope = slope;
    }

    const line_point& origin() const { return origin_; }

    line_point at(double t) const {
        line_point p;
        p.t = t;
        p.point.x = along(from_.x, t, d_);
        p.point.at = f_(p.point.x, false);
        p.finite = ddx::minimizing::finite(p.point.at);
        p.phi = p.point.at.value;
        p.slope = p.finite ? dot(p.point.at.gradient, d_) : std::numeric_limits<double>::quiet_NaN();
        return p;
    }

    // Armijo's sufficient decrease, and a real one: equal values would let the search go on
    // at the limit of double precision
    bool sufficient_decrease(const line_point& p) const {
        return p.finite && p.phi <= origin_.phi + c1 * p.t * origin_.slope && p.phi < origin_.phi;
    }

    bool strong_curvature(const line_point& p) const { return std::fabs(p.slope) <= -c2 * origin_.slope; }

    // Whether t and u reach the same point in double precision.
    bool same_point(double t, double u) const {
        for (size_t i = 0; i < d_.size(); ++i) {
            if (from_.x[i] + t * d_[i] != from_.x[i] + u * d_[i]) return false;
        }
        return true;
    }

private:
    const objective& f_;
    const iterate& from_;
    const std::vector<double>& d_;
    line_point origin_;
};

// The minimizer of the cubic through phi and phi' at lo and hi (N&W 3.59), kept in the middle
// 80% of the interval; the midpoint where the cubic has none or hi's slope is not known.
double cubic_trial(const line_point& lo, const line_point& hi) {
    double mid = (lo.t + hi.t) / 2;
    if (!hi.finite) return mid;
    double d1 = lo.slope + hi.slope - 3 * (lo.phi - hi.phi) / (lo.t - hi.t);
    double root = d1 * d1 - lo.slope * hi.slope;
    if (!(root >= 0)) return mid;
    double d2 = std::copysign(std::sqrt(root), hi.t - lo.t);
    double t = hi.t - (hi.t - lo.t) * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2);
    double a = std::min(lo.t, hi.t), b = std::max(lo.t, hi.t), margin = (b - a) / 10;
    if (!std::isfinite(t) || t < a + margin || t > b - margin) return mid;
    return t;
}

// N&W algorithm 3.6: `lo` satisfies sufficient decrease and has the lowest value seen, and
// the interval between lo and hi holds points with the strong Wolfe conditions. Returns one,
// or at the end of the search lo itself if it is a step at all.
std::optional<line_point> zoom(const line& l, line_point lo, line_point hi) {
    for (int k = 0; k < most_zoom_steps && !l.same_point(lo.t, hi.t); ++k) {
        line_point p = l.at(cubic_trial(lo, hi));
        if (!l.sufficient_decrease(p) || p.phi >= lo.phi) {
            hi = std::move(p);
            continue;
        }
        if (l.strong_curvature(p)) return p;
        if (p.slope * (hi.t - lo.t) >= 0) hi = std::move(lo);
        lo = std::move(p);
    }
    // no point with the curvature condition in reach: lo still decreases the value
    if (lo.t > 0) return lo;
    return std::nullopt;
}

// N&W algorithm 3.5: tries `t`, then doubles it while the value keeps decreasing and the
// slope stays steep, and zooms in on the first interval that brackets a strong Wolfe point.
std::optional<line_point> strong_wolfe_search(const line& l, double t) {
    line_point previous = l.origin();
    for (int k = 0; k < most_extrapolations; ++k) {
        line_point p = l.at(t);
        if (!l.sufficient_decrease(p) || (k > 0 && p.phi >= previous.phi)) return zoom(l, previous, p);
        if (l.strong_curvature(p)) return p;
        if (p.slope >= 0) return zoom(l, p, previous);
        previous = std::move(p);
        t *= 2;
    }
    return previous;  // still going down steeply: take the longest step tried
}

// At the limit of double precision the values along the line no longer tell which point is
// lower (the decrease is below their rounding), while the slopes still do: this search
// brackets a point where the slope is flat (|phi'| <= c2 |phi'(0)|) by the signs of the
// slopes alone, and accepts it if its value is at most `value_ceiling` and its gradient is
// shorter than at the start.
std::optional<line_point> flat_slope_search(const line& l, double t, double value_ceiling) {
    const line_point& origin = l.origin();
    double start_norm = norm(origin.point.at.gradient);
    auto acceptable = [&](const line_point& p) {
        return p.finite && l.strong_curvature(p) && p.phi <= value_ceiling && norm(p.point.at.gradient) < start_norm;
    };
    line_point lo = origin, hi;
    bool bracketed = false;
    for (int k = 0; k < most_extrapolations && !bracketed; ++k, t *= 2) {
        line_point p = l.at(t);
        if (acceptable(p)) return p;
        bracketed = !p.finite || p.slope > 0;
        (bracketed ? hi : lo) = std::move(p);
    }
    for (int k = 0; bracketed && k < most_zoom_steps && !l.same_point(lo.t, hi.t); ++k) {
        double mid = (lo.t + hi.t) / 2, u = mid;
        if (hi.finite) {  // the secant's zero of the slope, kept in the middle 80%
            u = lo.t - lo.slope * (hi.t - lo.t) / (hi.slope - lo.slope);
            double margin = (hi.t - lo.t) / 10;
            if (!std::isfinite(u) || u < lo.t + margin || u > hi.t - margin) u = mid;
        }
        line_point p = l.at(u);
        if (acceptable(p)) return p;
        (!p.finite || p.slope > 0 ? hi : lo) = std::move(p);
    }
    return std::nullopt;
}

class lbfgs final : public method_steps {
public:
    // A strong Wolfe step along the L-BFGS direction, else along the gradient (the memory
    // is then dropped). Once neither lowers the value, at the limit of precision, from then
    // on a flat step (flat_slope_search) whose value is that of the lowest point reached up
    // to rounding (1e-12 relative): every such step shortens the gradient, so the run ends
    // rather than wander at the same value.
    bool step(const objective& f, iterate& current, double gradient_norm) override {
        std::optional<line_point> found;
        if (!value_ceiling_) found = along_either(f, current, gradient_norm, strong_wolfe_search);
        if (!found) {
            double ceiling = value_ceiling_.value_or(current.at.value + 1e-12 * std::fabs(current.at.value));
            found = along_either(f, current, gradient_norm,
                                 [&](const line& l, double t) { return flat_slope_search(l, t, ceiling); });
            if (found) value_ceiling_ = ceiling;
        }
        if (!found) return false;
        remember(current, found->point);
        current = std::move(found->point);
        return true;
    }

    std::string stuck_reason() const override {
        return "no step along the L-BFGS direction or the gradient lowers the value or the gradient norm";
    }

private:
    // `search` along the L-BFGS direction from the step 1, else along the negative gradient
    // from a step of length 1 (the first iteration's, and where the memory leads nowhere).
    template <class line_search>
    std::optional<line_point> along_either(const objective& f, const iterate& current, double gradient_norm,
                                           const line_search& search) {
        const std::vector<double>& g = current.at.gradient;
        if (!memory_.empty()) {
            std::vector<double> d = two_loop_direction(memory_, g);
            double slope = dot(d, g);
            if (slope < 0) {
                if (auto p = search(line(f, current, d, slope), 1.0)) return p;
            }
        }
        std::vector<double> d(g.size());
        for (size_t i = 0; i < d.size(); ++i) d[i] = -g[i];
        auto p = search(line(f, current, d, -gradient_norm * gradient_norm), 1 / gradient_norm);
        if (p) memory_.clear();
        return p;
    }

    // Keeps the step from `from` to `to` if its curvature y.s is positive (the strong Wolfe
    // conditions ensure it, up to rounding), dropping the oldest beyond memory_size.
    void remember(const iterate& from, const iterate& to) {
        correction c;
        c.s.resize(from.x.size());
        c.y.resize(from.x.size());
        for (size_t i = 0; i < c.s.size(); ++i) {
            c.s[i] = to.x[i] - from.x[i];
            c.y[i] = to.at.gradient[i] - from.at.gradient[i];
        }
        double ys = dot(c.y, c.s);
        if (!(ys > std::numeric_limits<double>::epsilon() * dot(c.y, c.y)) || !std::isfinite(ys)) return;
        c.rho = 1 / ys;
        memory_.push_back(std::move(c));
        if (memory_.size() > memory_size) memory_.pop_front();
    }

    std::deque<correction> memory_;
    std::optional<double> value_ceiling_;  // set at the limit of precision (see step)
};

}  // namespace

std::unique_ptr<method_steps> lbfgs_method() { return std::make_unique<lbfgs>(); }

}  // namespace ddx::minimizing
