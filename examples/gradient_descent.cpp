// Fitting a line by gradient descent with a symbolic gradient.
//
// The loss of one point is (y - (a*x + b))^2. ddx differentiates it with respect to the
// parameters a and b once, symbolically; gradient descent then evaluates that gradient at every
// point of the data, summed, thousands of times: first through ddx's interpreter (ddx::lower,
// ddx::execute), then through native code compiled from the same formula (ddx::compile). Both
// reach the least-squares line of the data.
//
//     build/examples/gradient_descent
#include <ddx/ddx.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <vector>

namespace {

struct point {
    double x, y;
};

// 21 points on y = 2x + 1 for x in [-2, 2], with small deterministic noise.
std::vector<point> make_data() {
    std::vector<point> data;
    for (int i = 0; i <= 20; ++i) {
        double x = -2.0 + 0.2 * i;
        double noise = 0.05 * std::sin(12.9898 * i);
        data.push_back({x, 2.0 * x + 1.0 + noise});
    }
    return data;
}

// The least-squares line, in closed form, to check what gradient descent finds.
void least_squares(const std::vector<point>& data, double& a, double& b) {
    double n = static_cast<double>(data.size()), sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const point& p : data) {
        sx += p.x;
        sy += p.y;
        sxx += p.x * p.x;
        sxy += p.x * p.y;
    }
    a = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    b = (sy - a * sx) / n;
}

struct fit_result {
    double a, b;
    int steps;
};

// Gradient descent on the mean loss. `gradient(in, out)` computes the per-point gradient:
// in = {a, b, x, y}, out = {dloss/da, dloss/db}.
template <class Gradient>
fit_result descend(const std::vector<point>& data, Gradient gradient) {
    const double rate = 0.1;
    double a = 0.0, b = 0.0;
    int step = 0;
    for (; step < 100000; ++step) {
        double ga = 0.0, gb = 0.0;
        for (const point& p : data) {
            double in[4] = {a, b, p.x, p.y}, out[2];
            gradient(in, out);
            ga += out[0];
            gb += out[1];
        }
        ga /= static_cast<double>(data.size());
        gb /= static_cast<double>(data.size());
        if (std::hypot(ga, gb) < 1e-12) break;
        a -= rate * ga;
        b -= rate * gb;
    }
    return {a, b, step};
}

}  // namespace

int main() {
    try {
        ddx::symbol_table symbols;
        GiNaC::ex loss = ddx::parse("(y - (a*x + b))^2", symbols);
        GiNaC::ex a = symbols.get("a"), b = symbols.get("b");
        GiNaC::ex x = symbols.get("x"), y = symbols.get("y");

        GiNaC::lst gradient = ddx::gradient(loss, {a, b});
        std::cout << "loss:     " << ddx::to_string(loss) << "\n";
        std::cout << "gradient: " << ddx::to_string(gradient) << "\n";

        // One evaluation by name, the simplest way in: the gradient at a = 1, b = 0, (2, 3).
        std::vector<double> g = ddx::evaluate_double(gradient, {{"a", 1}, {"b", 0}, {"x", 2}, {"y", 3}});
        std::cout << "gradient at a = 1, b = 0, x = 2, y = 3: [" << ddx::format_double(g[0]) << ", "
                  << ddx::format_double(g[1]) << "]\n";

        std::vector<point> data = make_data();
        std::vector<GiNaC::ex> inputs = {a, b, x, y};

        // Interpreted: the gradient lowered once to straight-line code, run per point.
        ddx::tape tape = ddx::lower(ddx::flatten(gradient), inputs);
        std::vector<double> registers;
        fit_result interpreted = descend(data, [&](const double* in, double* out) {
            ddx::execute(tape, in, out, registers);
        });

        // Compiled: the same gradient as C, compiled and loaded.
        ddx::compiled_function compiled = ddx::compile({gradient}, inputs);
        fit_result native = descend(data, compiled);

        double la, lb;
        least_squares(data, la, lb);
        std::printf("interpreted (ddx::lower + ddx::execute): a = %.6f, b = %.6f after %d steps\n",
                    interpreted.a, interpreted.b, interpreted.steps);
        std::printf("compiled (ddx::compile, %s):      a = %.6f, b = %.6f after %d steps\n",
                    compiled.is_native() ? "native" : "interpreted fallback", native.a, native.b,
                    native.steps);
        std::printf("least squares (closed form):         a = %.6f, b = %.6f\n", la, lb);

        bool agree = std::fabs(interpreted.a - native.a) < 1e-12 && std::fabs(interpreted.b - native.b) < 1e-12;
        bool fitted = std::fabs(native.a - la) < 1e-9 && std::fabs(native.b - lb) < 1e-9;
        std::cout << (agree ? "interpreted and compiled agree" : "interpreted and compiled DIFFER") << "\n";
        std::cout << (fitted ? "gradient descent reached the least-squares line"
                             : "gradient descent MISSED the least-squares line")
                  << "\n";
        return agree && fitted ? 0 : 1;
    } catch (const ddx::error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
