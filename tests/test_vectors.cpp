// Vectors and matrices: vars, `@` (NumPy's matmul), sum, transpose, element-wise arithmetic
// on shapes, and lists or matrices of variables wherever a list of variables is expected.
#include <doctest/doctest.h>

#include "lib/session_run.hpp"

#include <ddx/ddx.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using GiNaC::ex;

namespace {

using ddx_test::error_of;
using ddx_test::run;

// The first line of the error: "error: L:C: message".
std::string first_line(const std::string& text) { return error_of(text).substr(0, error_of(text).find('\n')); }

std::vector<ex> leaves(const ex& e) {
    std::vector<ex> out;
    std::function<void(const ex&)> walk = [&](const ex& x) {
        if (!GiNaC::is_a<GiNaC::lst>(x)) {
            out.push_back(x);
            return;
        }
        for (size_t i = 0; i < x.nops(); ++i) walk(x.op(i));
    };
    walk(e);
    return out;
}

}  // namespace

TEST_CASE("vectors: '@' parses like '*': same precedence, from the left") {
    ddx::node n = ddx::parse_program("a*B @ C")[0].body;
    REQUIRE(n.type == ddx::node::kind::binary);
    CHECK(n.op == '@');
    CHECK(n.where.column == 5);
    CHECK(n.children[0].op == '*');
    n = ddx::parse_program("A @ B + c")[0].body;
    CHECK(n.op == '+');
    CHECK(n.children[0].op == '@');
    n = ddx::parse_program("A @ B^2")[0].body;  // ^ binds tighter
    CHECK(n.op == '@');
    CHECK(n.children[1].op == '^');
    n = ddx::parse_program("-A @ B")[0].body;  // as in NumPy: (-A) @ B
    CHECK(n.op == '@');
    CHECK(n.children[0].type == ddx::node::kind::negate);
    CHECK(ddx::parse_program("A @ B @ C")[0].body.children[0].op == '@');
}

TEST_CASE("vectors: '@' is NumPy's matmul") {
    CHECK(run("[a, b] @ [c, d]") == "a*c + b*d\n");                                        // dot
    CHECK(run("[[1, 2], [3, 4]] @ [x, y] - [x + 2*y, 3*x + 4*y]") == "[0, 0]\n");         // matrix-vector
    CHECK(run("[x, y] @ [[1, 2], [3, 4]] - [x + 3*y, 2*x + 4*y]") == "[0, 0]\n");         // vector-matrix
    CHECK(run("[[1, 2], [3, 4]] @ [[5, 6], [7, 8]]") == "[[19, 22], [43, 50]]\n");         // matrix-matrix
    CHECK(run("[[1, 2, 3]] @ [[1], [2], [3]]") == "[[14]]\n");                             // 1x3 @ 3x1
    CHECK(run("[[1], [2]] @ [[3, 4]]") == "[[3, 4], [6, 8]]\n");                           // outer product
    CHECK(run("[] @ []") == "0\n");
    CHECK(run("A = [[1, 2], [3, 4]]; A @ A @ [1, 0]") == "[7, 15]\n");                     // from the left
    CHECK(run("2*[[1, 0], [0, 1]] @ [x, y] + [1, 1]") == "[2*x + 1, 2*y + 1]\n");
}

TEST_CASE("vectors: shape errors of '@' name both shapes at the operator") {
    CHECK(first_line("W = [[1, 2, 3], [4, 5, 6]]; W @ [x, y]") == "error: 1:31: '@': shapes 2x3 and 2 do not match");
    CHECK(first_line("[1, 2] @ [1, 2, 3]") == "error: 1:8: '@': shapes 2 and 3 do not match");
    CHECK(first_line("[[1, 2]] @ [[1, 2]]") == "error: 1:10: '@': shapes 1x2 and 1x2 do not match");
    CHECK(first_line("x @ [1]").find("error: 1:3: '@' multiplies lists and matrices, not a scalar (shapes scalar and 1)") == 0);
    CHECK(first_line("[1] @ 2").find("error: 1:5: '@' multiplies lists and matrices, not a scalar (shapes 1 and scalar)") == 0);
    CHECK(first_line("[[1, 2], [3]] @ [1, 2]").find("error: 1:15: '@'") == 0);
    CHECK(first_line("[[1, 2], [3]] @ [1, 2]").find("shapes ragged and 2") != std::string::npos);
    CHECK(first_line("[[[1]]] @ [1]").find("shapes 1x1x1 and 1") != std::string::npos);
    CHECK(first_line("y = 1\nz = [1] @ [[1, 2]] @ [[1], [2], [3]]") == "error: 2:20: '@': shapes 2 and 3x1 do not match");
}

TEST_CASE("vectors: element-wise arithmetic and functions on matrices") {
    CHECK(run("[[1, 2], [3, 4]] + [[x, y], [z, t]]") == "[[x + 1, y + 2], [z + 3, t + 4]]\n");
    CHECK(run("[[1, 2], [3, 4]] * [[x, y], [z, t]]") == "[[x, 2*y], [3*z, 4*t]]\n");
    CHECK(run("2*[[1, 2], [3, 4]] - 1") == "[[1, 3], [5, 7]]\n");
    CHECK(run("1/[[1, 2], [4, 8]]") == "[[1, 1/2], [1/4, 1/8]]\n");
    CHECK(run("[[x, y]]^2") == "[[x^2, y^2]]\n");
    CHECK(run("-[[x, 1]]") == "[[-x, -1]]\n");
    CHECK(run("exp([[0, x]])") == "[[1, exp(x)]]\n");
    CHECK(run("[x, [y, z]] + [1, 2]") == "[x + 1, [y + 2, z + 2]]\n");  // a ragged list pairs entries, as before
    CHECK(first_line("[[1, 2], [3, 4]] + [1, 2]") == "error: 1:18: '+': shapes 2x2 and 2 do not match");
    CHECK(first_line("[1, 2] * [1, 2, 3]") == "error: 1:8: '*': shapes 2 and 3 do not match");
    CHECK(first_line("[[1, 2]] - [[1], [2]]") == "error: 1:10: '-': shapes 1x2 and 2x1 do not match");
    CHECK(first_line("[[1, 2]] ^ [[1, 2, 3]]") == "error: 1:10: '^': shapes 1x2 and 1x3 do not match");
    CHECK(first_line("[1, 2] / [[1, 2]]") == "error: 1:8: '/': shapes 2 and 1x2 do not match");
}

TEST_CASE("vectors: sum and transpose") {
    CHECK(run("sum([x, y, z])") == "x + y + z\n");
    CHECK(run("sum([[1, 2], [3, x]])") == "x + 6\n");
    CHECK(run("sum(x)") == "x\n");
    CHECK(run("sum([])") == "0\n");
    CHECK(run("sum([x, y]^2)") == "x^2 + y^2\n");
    CHECK(run("transpose([[1, 2, 3], [4, 5, 6]])") == "[[1, 4], [2, 5], [3, 6]]\n");
    CHECK(run("transpose([x, y])") == "[x, y]\n");  // NumPy: a 1-D array is its own transpose
    CHECK(run("transpose(x)") == "x\n");
    CHECK(run("A = [[1, 2], [3, 4]]; transpose(transpose(A)) - A") == "[[0, 0], [0, 0]]\n");
    CHECK(run("A = [[1, 2], [3, 4]]; transpose(A) @ [1, 1] - [1, 1] @ A") == "[0, 0]\n");
    CHECK(first_line("transpose([[1, 2], [3]])") ==
          "error: 1:11: transpose: argument 1 must be a list or a matrix (a list of rows of equal length), got shape ragged");
    CHECK(first_line("transpose([[[1]]])").find("got shape 1x1x1") != std::string::npos);
    CHECK(first_line("sum(\"s\")") == "error: 1:5: sum: argument 1 must be an expression, not a string");
    CHECK(first_line("sum(x, y)").find("error: 1:1: sum takes 1 argument, got 2") == 0);
}

TEST_CASE("vectors: vars makes named real symbols of the session") {
    CHECK(run("vars(\"w\", 3)") == "[w_0, w_1, w_2]\n");
    CHECK(run("vars(\"W1\", 2, 3)") == "[[W1_0_0, W1_0_1, W1_0_2], [W1_1_0, W1_1_1, W1_1_2]]\n");
    CHECK(run("vars(\"_a\", 1, 1)") == "[[_a_0_0]]\n");
    // typing w_1 later is the same symbol
    CHECK(run("w = vars(\"w\", 3); sum(w) - w_0 - w_1 - w_2") == "0\n");
    CHECK(run("w = vars(\"w\", 2); diff(sum(w)^2, w_1)") == "2*w_0 + 2*w_1\n");
    CHECK(run("w = vars(\"w\", 2); conjugate(w_0)") == "w_0\n");  // real
    ddx::session s;
    run(s, "W = vars(\"W\", 2, 2)");
    CHECK(s.symbols().contains("W_1_1"));
    ex w11 = ddx::parse("W_1_1", s.symbols());
    CHECK(ddx::as_expression(s.bindings().at("W")).op(1).op(1).is_equal(w11));
}

TEST_CASE("vectors: vars checks its arguments and the limit before making anything") {
    CHECK(first_line("vars(\"1w\", 2)") ==
          "error: 1:6: vars: argument 1 must be a name (letters, digits and '_', not starting with a digit), got \"1w\"");
    CHECK(first_line("vars(\"w x\", 2)").find("error: 1:6: vars: argument 1 must be a name") == 0);
    CHECK(first_line("vars(\"\", 2)").find("error: 1:6: vars: argument 1 must be a name") == 0);
    CHECK(first_line("vars(\"w\u00e9\", 2)").find("error: 1:6: vars: argument 1 must be a name") == 0);
    CHECK(first_line("vars(w, 2)") == "error: 1:6: vars: argument 1 must be a string in double quotes");
    CHECK(first_line("vars(\"w\", 0)") == "error: 1:11: vars: argument 2 must be a positive integer, got 0");
    CHECK(first_line("vars(\"w\", -1)") == "error: 1:11: vars: argument 2 must be a positive integer, got -1");
    CHECK(first_line("vars(\"w\", 2.0)") == "error: 1:11: vars: argument 2 must be a positive integer, got 2.0");
    CHECK(first_line("vars(\"w\", 2, 1/2)") == "error: 1:15: vars: argument 3 must be a positive integer, got 1/2");
    CHECK(first_line("vars(\"w\", x)") == "error: 1:11: vars: argument 2 must be a positive integer, got x");
    CHECK(first_line("vars(\"w\")").find("error: 1:1: vars takes 2 to 3 arguments, got 1") == 0);
    CHECK(first_line("vars(\"w\", 2, k = 1)").find("takes no 'name = value' options") != std::string::npos);
    // refused before a single symbol is made (10^9 or 10^30 would not wrap around)
    CHECK(ddx::limits::vars_symbols == 1000000);
    CHECK(first_line("vars(\"w\", 10^9)") == "error: 1:13: vars: 1000000000 variables are more than the limit of 1000000");
    CHECK(first_line("vars(\"w\", 10^30)").find("more than the limit of 1000000") != std::string::npos);
    CHECK(first_line("vars(\"w\", 1001, 1000)") == "error: 1:1: vars: 1001000 variables are more than the limit of 1000000");
    CHECK(first_line("vars(\"w\", 2^40, 2^40)").find("more than the limit") != std::string::npos);
    ddx::session s;
    std::ostringstream out;
    CHECK_THROWS(s.run("vars(\"w\", 1000, 1001)", out));
    CHECK_FALSE(s.symbols().contains("w_0_0"));
    CHECK(run("w = vars(\"w\", 1000, 1000); 1") == "1\n");  // the limit itself is allowed
}

TEST_CASE("vectors: lists and matrices of variables are flattened row-major") {
    CHECK(run("W = vars(\"W\", 2, 2); b = vars(\"b\", 2); grad(sum(W @ [x, y] + b) + c^2, [W, b, c])") ==
          "[x, y, x, y, 1, 1, 2*c]\n");
    CHECK(run("grad(x*y*z, [[x, y], z])") == "[y*z, x*z, x*y]\n");
    CHECK(run("grad(x*y*z, [[[x], [y]], [z]])") == "[y*z, x*z, x*y]\n");
    CHECK(run("W = vars(\"W\", 2, 2); jacobian(W @ [x, y], [W])") == "[[x, y, 0, 0], [0, 0, x, y]]\n");
    CHECK(run("v = vars(\"v\", 2); hessian((v @ v)^2, [v])") ==
          run("hessian((v_0^2 + v_1^2)^2, [v_0, v_1])"));
    CHECK(run("v = vars(\"v\", 2); hessian(v_0^2*x, [v, x])") == "[[2*x, 0, 2*v_0], [0, 0, 0], [2*v_0, 0, 0]]\n");
    CHECK(run("collect(a*x + b*y + x*y, [[x, y]])") == run("collect(a*x + b*y + x*y, [x, y])"));
    std::string code = run("b = vars(\"b\", 2); ccode(sum(b)^2 + x, [b, [x]], \"f\")");
    CHECK(code.find("const double b_0 = in[0];") != std::string::npos);
    CHECK(code.find("const double b_1 = in[1];") != std::string::npos);
    CHECK(code.find("const double x = in[2];") != std::string::npos);
    CHECK(first_line("grad(x, [[x, 1]])") == "error: 1:9: grad: argument 2 must list variable names, got 1");
    CHECK(first_line("grad(x, x)").find("must be a list of variables like [x, y]") != std::string::npos);
}

TEST_CASE("vectors: minimize and fit take nested variables and start points") {
    std::string m = run("P = vars(\"P\", 2, 2); minimize(sum((P - [[1, 2], [3, 4]])^2), [P], [[0, 0], [0, 0]], method = \"newton\")");
    CHECK(m.rfind("[P_0_0 = 1.0, P_0_1 = 2.0, P_1_0 = 3.0, P_1_1 = 4.0]\n# value 0.0", 0) == 0);
    m = run("v = vars(\"v\", 2); minimize((v_0 - 1)^2 + (v_1 + 2)^2 + (c - 3)^2, [v, c], [[5, 5], 0], method = \"newton\")");
    CHECK(m.rfind("[v_0 = 1.0, v_1 = -2.0, c = 3.0]", 0) == 0);
    CHECK(error_of("v = vars(\"v\", 2); minimize(sum(v^2), [v], [0])").find("start") != std::string::npos);
    std::string dir = DDX_TEST_DIR;
    std::string fit = run("data = load(\"" + dir + "/e2e/cases/points.csv\"); p = vars(\"p\", 2)\n"
                          "fit((y - [x, 1] @ p)^2, [p], data, start = [[1], [0]], method = \"newton\")");
    CHECK(fit.rfind("[p_0 = 1.9", 0) == 0);
    CHECK(fit.find(", p_1 = 1.04") != std::string::npos);
}

TEST_CASE("vectors: the gradient of a small tanh network matches finite differences") {
    ddx::session s;
    run(s,
        "W1 = vars(\"W1\", 4, 2); b1 = vars(\"b1\", 4); W2 = vars(\"W2\", 4)\n"
        "h = tanh(W1 @ [x1, x2] + b1)\n"
        "loss = (y - (W2 @ h + c))^2\n"
        "params = [W1, b1, W2, c]\n"
        "g = grad(loss, params)\n");
    ex loss = ddx::as_expression(s.bindings().at("loss"));
    ex g = ddx::as_expression(s.bindings().at("g"));
    std::vector<ex> params = leaves(ddx::as_expression(s.bindings().at("params")));
    REQUIRE(params.size() == 4 * 2 + 4 + 4 + 1);
    REQUIRE(g.nops() == params.size());

    ddx::symbol_values point{{"x1", GiNaC::numeric(0.3)}, {"x2", GiNaC::numeric(-0.7)}, {"y", GiNaC::numeric(0.5)}};
    for (size_t i = 0; i < params.size(); ++i) {
        point[ddx::to_string(params[i])] = GiNaC::numeric(0.4 * std::sin(1.7 * static_cast<double>(i) + 0.3));
    }
    std::vector<double> analytic = ddx::evaluate_double(g, point);
    REQUIRE(analytic.size() == params.size());
    const double h = 1e-6;
    for (size_t i = 0; i < params.size(); ++i) {
        std::string name = ddx::to_string(params[i]);
        double v = GiNaC::ex_to<GiNaC::numeric>(point[name]).to_double();
        point[name] = GiNaC::numeric(v + h);
        double up = ddx::evaluate_double(loss, point)[0];
        point[name] = GiNaC::numeric(v - h);
        double down = ddx::evaluate_double(loss, point)[0];
        point[name] = GiNaC::numeric(v);
        double numeric = (up - down) / (2 * h);
        INFO(name << ": analytic " << analytic[i] << ", finite differences " << numeric);
        CHECK(std::fabs(analytic[i] - numeric) < 1e-7 * std::max(1.0, std::fabs(numeric)));
    }
    // and the same gradient through eval in the language
    std::string at;
    for (const auto& [name, value] : point) at += ", " + name + " = " + ddx::to_string(value);
    std::string shown = run(s, "eval(g" + at + ")");
    CHECK(shown.front() == '[');
    CHECK(std::count(shown.begin(), shown.end(), ',') == static_cast<long>(params.size()) - 1);
}
