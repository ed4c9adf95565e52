#include "numeric/minimize_steps.hpp"

#include <cmath>

namespace ddx::minimizing {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

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

std::vector<double> along(const std::vector<double>& x, double t, const std::vector<double>& d) {
    std::vector<double> out(x.size());
    for (size_t i = 0; i < x.size(); ++i) out[i] = x[i] + t * d[i];
    return out;
}

}  // namespace ddx::minimizing
