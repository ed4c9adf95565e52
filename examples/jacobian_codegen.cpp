// The Jacobian of a two-link arm's forward kinematics, emitted as C, compiled and called.
//
// The hand of an arm with links l1, l2 and joint angles q1, q2 is at
//     (l1*cos(q1) + l2*cos(q1 + q2), l1*sin(q1) + l2*sin(q1 + q2)).
// Its Jacobian with respect to the angles is what inverse kinematics needs at every step.
//
//     build/examples/jacobian_codegen
#include <ddx/ddx.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

int main() {
    try {
        ddx::symbol_table symbols;
        GiNaC::lst hand = {ddx::parse("l1*cos(q1) + l2*cos(q1 + q2)", symbols),
                           ddx::parse("l1*sin(q1) + l2*sin(q1 + q2)", symbols)};
        GiNaC::ex q1 = symbols.get("q1"), q2 = symbols.get("q2");
        GiNaC::ex l1 = symbols.get("l1"), l2 = symbols.get("l2");

        GiNaC::lst J = ddx::jacobian(hand, {q1, q2});
        std::cout << "hand:     " << ddx::to_string(hand) << "\n";
        std::cout << "jacobian: " << ddx::to_string(J) << "\n\n";

        // The C source: void arm_jacobian(const double *in, double *out), in = {q1, q2, l1, l2},
        // out = the 2x2 Jacobian row-major. sin(q1 + q2) and cos(q1 + q2) are computed once.
        std::vector<GiNaC::ex> inputs = {q1, q2, l1, l2};
        std::string source = ddx::emit_c({J}, inputs, "arm_jacobian");
        std::cout << source << "\n";

        // Compiled: ddx::compile emits the same code, compiles it with the system C compiler and
        // loads it (cached by content in ~/.cache/ddx).
        ddx::compiled_function jacobian = ddx::compile({J}, inputs);
        // The printed source itself can be loaded too, by name.
        std::shared_ptr<void> library;
        auto arm_jacobian = reinterpret_cast<void (*)(const double*, double*)>(
            ddx::load_c(source, "arm_jacobian", library));

        const double in[4] = {0.3, 1.1, 1.0, 0.5};
        double out[4], printed[4];
        jacobian(in, out);
        arm_jacobian(in, printed);
        std::printf("at q1 = %.1f, q2 = %.1f, l1 = %.1f, l2 = %.1f (%s):\n", in[0], in[1], in[2], in[3],
                    jacobian.is_native() ? "native code" : "interpreted fallback");
        std::printf("  [[%.12f, %.12f],\n   [%.12f, %.12f]]\n", out[0], out[1], out[2], out[3]);

        // Checks: the loaded source gives the same bits; central differences of the hand
        // position agree; the determinant is l1*l2*sin(q2).
        bool same = true;
        for (int i = 0; i < 4; ++i) same = same && out[i] == printed[i];
        auto position = [&](double a, double b) {
            std::vector<double> p = ddx::evaluate_double(hand, {{"q1", a}, {"q2", b}, {"l1", in[2]}, {"l2", in[3]}});
            return p;
        };
        const double h = 1e-6;
        double worst = 0.0;
        for (int column = 0; column < 2; ++column) {
            double dq1 = column == 0 ? h : 0.0, dq2 = column == 1 ? h : 0.0;
            std::vector<double> plus = position(in[0] + dq1, in[1] + dq2);
            std::vector<double> minus = position(in[0] - dq1, in[1] - dq2);
            for (int row = 0; row < 2; ++row) {
                double fd = (plus[row] - minus[row]) / (2 * h);
                worst = std::fmax(worst, std::fabs(fd - out[2 * row + column]));
            }
        }
        double det = out[0] * out[3] - out[1] * out[2];
        bool det_ok = std::fabs(det - in[2] * in[3] * std::sin(in[1])) < 1e-14;
        std::printf("emitted source and ddx::compile agree: %s\n", same ? "yes" : "NO");
        std::printf("central differences agree: %s (largest difference %.1e)\n", worst < 1e-8 ? "yes" : "NO", worst);
        std::printf("determinant = l1*l2*sin(q2): %s\n", det_ok ? "yes" : "NO");
        return same && worst < 1e-8 && det_ok ? 0 : 1;
    } catch (const ddx::error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
