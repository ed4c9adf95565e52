// The first six derivatives of (1 - exp(-x))/(1 + exp(-x)) (which is tanh(x/2)), in closed
// form and tabulated on [-7, 7].
//
//     build/examples/tanh_derivatives
#include <ddx/ddx.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <vector>

int main() {
    try {
        ddx::symbol_table symbols;
        GiNaC::ex t = ddx::parse("(1 - exp(-x))/(1 + exp(-x))", symbols);
        GiNaC::ex x = symbols.get("x");

        // ddx::diff(t, x, n) for each n: t is a rational function of exp(-x), so ddx
        // differentiates it by polynomial arithmetic and keeps that work for the next order.
        std::vector<GiNaC::ex> derivatives = {t};
        std::cout << "t(x) = " << ddx::to_string(t) << "\n";
        for (int n = 1; n <= 6; ++n) {
            derivatives.push_back(ddx::diff(t, x, n));
            std::cout << "d" << n << "(x) = " << ddx::to_string(derivatives.back()) << "\n";
        }
        // The sixth again, by six single steps from the previous result (simplified after each).
        GiNaC::ex stepwise = t;
        for (int n = 1; n <= 6; ++n) stepwise = ddx::diff(stepwise, x, 1);
        bool same = true;
        for (double at : {-2.0, -0.5, 0.3, 1.7}) {
            double a = ddx::evaluate_double(derivatives[6], {{"x", at}})[0];
            double b = ddx::evaluate_double(stepwise, {{"x", at}})[0];
            same = same && std::fabs(a - b) <= 1e-12 * (1 + std::fabs(a));
        }
        std::cout << "six single steps " << (same ? "agree" : "do NOT agree") << " with ddx::diff(t, x, 6)\n";

        // All seven functions lowered into one program: exp(-x) and the powers of (1 + exp(-x))
        // are computed once per point for all of them.
        ddx::tape tape = ddx::lower(derivatives, {x});
        std::vector<double> registers, row(derivatives.size());
        std::printf("\n%5s %10s", "x", "t");
        for (int n = 1; n <= 6; ++n) std::printf(" %10s", ("d" + std::to_string(n)).c_str());
        std::printf("\n");
        double worst = 0.0;
        for (int i = -7; i <= 7; ++i) {
            double in = i;
            ddx::execute(tape, &in, row.data(), registers);
            std::printf("%5d", i);
            for (double v : row) std::printf(" %10.6f", std::fabs(v) < 5e-7 ? 0.0 : v);  // no -0.000000
            std::printf("\n");
            // t = tanh(x/2), so t' = (1 - t^2)/2 and t'' = -t*t'.
            worst = std::fmax(worst, std::fabs(row[1] - (1 - row[0] * row[0]) / 2));
            worst = std::fmax(worst, std::fabs(row[2] + row[0] * row[1]));
        }
        bool ok = worst < 1e-14 && same;
        std::printf("\ncheck against tanh(x/2): largest difference %.1e, %s\n", worst, ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    } catch (const ddx::error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
