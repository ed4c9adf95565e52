// minimize and fit: known minima, closed-form least squares, errors; load's CSV errors.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

using GiNaC::ex;

namespace {

std::string temp_csv(const std::string& content) {
    char name[] = "/tmp/ddx-test-XXXXXX.csv";
    int fd = mkstemps(name, 4);
    REQUIRE(fd >= 0);
    std::FILE* f = fdopen(fd, "w");
    std::fputs(content.c_str(), f);
    std::fclose(f);
    return name;
}

std::string error_text(const std::function<void()>& f) {
    try {
        f();
    } catch (const ddx::error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("minimize: Rosenbrock from (-1.2, 1) with Newton and with gradient descent") {
    ddx::symbol_table s;
    ex x = s.get("x"), y = s.get("y");
    ex rosenbrock = ddx::parse("(1 - x)^2 + 100*(y - x^2)^2", s);
    ddx::minimize_options newton;
    newton.method = "newton";
    ddx::minimize_result r = ddx::minimize(rosenbrock, {x, y}, {-1.2, 1}, newton);
    CHECK(r.converged);
    CHECK(r.point[0] == doctest::Approx(1).epsilon(1e-8));
    CHECK(r.point[1] == doctest::Approx(1).epsilon(1e-8));
    CHECK(r.iterations < 100);

    ddx::minimize_options gd;
    gd.steps = 100000;
    gd.tol = 1e-8;
    r = ddx::minimize(rosenbrock, {x, y}, {-1.2, 1}, gd);
    CHECK(std::fabs(r.point[0] - 1) < 1e-3);
    CHECK(std::fabs(r.point[1] - 1) < 1e-3);
}

TEST_CASE("minimize reports a step limit honestly") {
    ddx::symbol_table s;
    ddx::minimize_options o;
    o.steps = 3;
    ddx::minimize_result r = ddx::minimize(ddx::parse("(1 - x)^2 + 100*(y - x^2)^2", s), {s.get("x"), s.get("y")}, {-1.2, 1}, o);
    CHECK_FALSE(r.converged);
    CHECK(r.iterations == 3);
    CHECK(r.reason.find("step limit") != std::string::npos);
}

TEST_CASE("fit: the least-squares line through noisy points matches closed-form least squares") {
    std::mt19937 random(7);
    std::normal_distribution<double> noise(0, 0.3);
    std::string csv = "x,y\n";
    std::vector<double> xs, ys;
    for (int i = 0; i < 200; ++i) {
        double x = i * 0.05, y = 2 * x + 1 + noise(random);
        xs.push_back(x);
        ys.push_back(y);
        char line[80];
        std::snprintf(line, sizeof line, "%.17g,%.17g\n", x, y);
        csv += line;
    }
    // closed form: slope = cov(x, y)/var(x), intercept = mean(y) - slope*mean(x)
    double mx = 0, my = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
        mx += xs[i];
        my += ys[i];
    }
    mx /= xs.size();
    my /= ys.size();
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
        sxy += (xs[i] - mx) * (ys[i] - my);
        sxx += (xs[i] - mx) * (xs[i] - mx);
    }
    double slope = sxy / sxx, intercept = my - slope * mx;

    std::string path = temp_csv(csv);
    ddx::data_table data = ddx::load_csv(path);
    std::remove(path.c_str());
    REQUIRE(data.rows() == 200);
    ddx::symbol_table s;
    ex loss = ddx::parse("(y - (a*x + b))^2", s);
    for (std::string method : {"newton", "gd"}) {
        ddx::minimize_options o;
        o.method = method;
        o.steps = 100000;
        o.tol = 1e-9;
        ddx::minimize_result r = ddx::fit(loss, {s.get("a"), s.get("b")}, data, {0, 0}, o);
        INFO(method << ": " << r.reason);
        CHECK(std::fabs(r.point[0] - slope) < 1e-8);
        CHECK(std::fabs(r.point[1] - intercept) < 1e-8);
    }
}

TEST_CASE("lbfgs: Rosenbrock from (-1.2, 1) in fewer than 100 iterations") {
    ddx::symbol_table s;
    ddx::minimize_options o;
    o.method = "lbfgs";
    ddx::minimize_result r =
        ddx::minimize(ddx::parse("(1 - x)^2 + 100*(y - x^2)^2", s), {s.get("x"), s.get("y")}, {-1.2, 1}, o);
    INFO(r.iterations << " iterations; " << r.reason);
    CHECK(r.converged);
    CHECK(r.reason.rfind("converged: gradient norm", 0) == 0);
    CHECK(std::fabs(r.point[0] - 1) < 1e-6);
    CHECK(std::fabs(r.point[1] - 1) < 1e-6);
    CHECK(r.iterations < 100);
}

TEST_CASE("lbfgs: a 20-dimensional convex quadratic reaches the solution of its linear system") {
    // f = sum_i (i + 2)/2 x_i^2 + sum_i x_i x_(i+1)/4 - sum_i (i - 7) x_i: its gradient is A x - b
    // with A tridiagonal (diagonal i + 2, off-diagonal 1/4: diagonally dominant, so positive
    // definite) and b_i = i - 7; the minimum solves A x = b (Thomas' algorithm below).
    const int n = 20;
    ddx::symbol_table s;
    std::vector<ex> variables;
    std::string text;
    for (int i = 0; i < n; ++i) {
        std::string x = "x" + std::to_string(i);
        variables.push_back(s.get(x));
        text += " + " + std::to_string(i + 2) + "/2*" + x + "^2 - (" + std::to_string(i - 7) + ")*" + x;
        if (i + 1 < n) text += " + " + x + "*x" + std::to_string(i + 1) + "/4";
    }
    std::vector<double> diagonal(n), b(n), solution(n);
    for (int i = 0; i < n; ++i) {
        diagonal[i] = i + 2;
        b[i] = i - 7;
    }
    for (int i = 1; i < n; ++i) {  // forward elimination with the off-diagonal 1/4
        double m = 0.25 / diagonal[i - 1];
        diagonal[i] -= m * 0.25;
        b[i] -= m * b[i - 1];
    }
    for (int i = n; i-- > 0;) solution[i] = (b[i] - (i + 1 < n ? 0.25 * solution[i + 1] : 0)) / diagonal[i];

    ddx::minimize_options o;
    o.method = "lbfgs";
    ddx::minimize_result r = ddx::minimize(ddx::parse(text, s), variables, std::vector<double>(n, 0.0), o);
    INFO(r.iterations << " iterations; " << r.reason);
    CHECK(r.converged);
    CHECK(r.iterations < 60);
    for (int i = 0; i < n; ++i) CHECK(std::fabs(r.point[i] - solution[i]) < 1e-10);
}

TEST_CASE("lbfgs: a least-squares line matches the normal equations") {
    std::mt19937 random(11);
    std::uniform_real_distribution<double> xs(-3, 5);
    std::normal_distribution<double> noise(0, 0.5);
    ddx::data_table data;
    data.names = {"x", "y"};
    data.columns.assign(2, {});
    for (int i = 0; i < 500; ++i) {
        double x = xs(random);
        data.columns[0].push_back(x);
        data.columns[1].push_back(-0.75 * x + 3 + noise(random));
    }
    // the normal equations [sxx sx; sx n] [a; b] = [sxy; sy], by Cramer's rule
    double sx = 0, sy = 0, sxx = 0, sxy = 0, count = static_cast<double>(data.rows());
    for (size_t i = 0; i < data.rows(); ++i) {
        double x = data.columns[0][i], y = data.columns[1][i];
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    double det = sxx * count - sx * sx;
    double a = (sxy * count - sx * sy) / det, b = (sxx * sy - sx * sxy) / det;

    ddx::symbol_table s;
    ddx::minimize_options o;
    o.method = "lbfgs";
    o.tol = 1e-9;
    ddx::minimize_result r = ddx::fit(ddx::parse("(y - (a*x + b))^2", s), {s.get("a"), s.get("b")}, data, {0, 0}, o);
    INFO(r.iterations << " iterations; " << r.reason);
    CHECK(r.converged);
    CHECK(std::fabs(r.point[0] - a) < 1e-9);
    CHECK(std::fabs(r.point[1] - b) < 1e-9);
}

TEST_CASE("lbfgs: the line search stops at the limit of double precision and says so") {
    // |x|^1.5-like valley where the last steps cannot lower the value: the run must end with a
    // reason, not loop to the step limit
    ddx::symbol_table s;
    ddx::minimize_options o;
    o.method = "lbfgs";
    o.tol = 0;
    o.steps = 100000;
    ddx::minimize_result r = ddx::minimize(ddx::parse("(x - 1)^4 + (y + 2)^2", s), {s.get("x"), s.get("y")}, {0, 0}, o);
    INFO(r.iterations << " iterations; " << r.reason);
    CHECK(r.iterations < 1000);
    CHECK(r.reason.find("step limit") == std::string::npos);
    CHECK(std::fabs(r.point[0] - 1) < 1e-3);
    CHECK(std::fabs(r.point[1] + 2) < 1e-6);
}

TEST_CASE("minimize reports progress through on_progress and writes nothing itself") {
    // x alone decreases forever (the gradient steps double), so the run lasts until the
    // callback, called after a second, stops it
    struct enough {};
    std::vector<ddx::minimize_progress> reports;
    ddx::symbol_table s;
    ddx::minimize_options o;
    o.steps = 100000000;
    o.on_progress = [&](const ddx::minimize_progress& p) {
        reports.push_back(p);
        throw enough{};
    };
    std::ostringstream captured_err, captured_out;
    std::streambuf* err = std::cerr.rdbuf(captured_err.rdbuf());
    std::streambuf* out = std::cout.rdbuf(captured_out.rdbuf());
    auto started = std::chrono::steady_clock::now();
    bool stopped = false;
    try {
        ddx::minimize(ddx::parse("x", s), {s.get("x")}, {0}, o);
    } catch (const enough&) {
        stopped = true;
    }
    std::cerr.rdbuf(err);
    std::cout.rdbuf(out);
    CHECK(stopped);
    CHECK(std::chrono::steady_clock::now() - started > std::chrono::seconds(1));
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].iteration > 1);
    CHECK(reports[0].value < 0);
    CHECK(reports[0].gradient_norm == 1);
    CHECK(captured_err.str().empty());
    CHECK(captured_out.str().empty());
}

TEST_CASE("a session sends minimize's progress lines to its sink") {
    struct enough {};
    std::vector<std::string> lines;
    ddx::session interpreter;
    interpreter.set_progress_sink([&](const std::string& line) {
        lines.push_back(line);
        throw enough{};
    });
    std::ostringstream out;
    CHECK_THROWS_AS(interpreter.run("minimize(x, [x], [0], steps = 1e9)", out), enough);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind("# iteration ", 0) == 0);
    CHECK(lines[0].find(": value -") != std::string::npos);
    CHECK(lines[0].find(", gradient norm 1.0") != std::string::npos);
    CHECK(lines[0].find('\n') == std::string::npos);
    CHECK(out.str().empty());
}

TEST_CASE("fit and minimize errors") {
    ddx::symbol_table s;
    ex a = s.get("a");
    std::string path = temp_csv("x,y\n1,2\n");
    ddx::data_table data = ddx::load_csv(path);
    std::remove(path.c_str());
    CHECK(error_text([&] { ddx::fit(ddx::parse("(y - a*x - c*z)^2", s), {a}, data, {0}, {}); })
              .find("c, z") != std::string::npos);
    CHECK(error_text([&] { ddx::minimize(ddx::parse("x", s), {s.get("x")}, {0, 1}, {}); }).find("start point") !=
          std::string::npos);
    CHECK(error_text([&] { ddx::minimize(ddx::parse("log(x)", s), {s.get("x")}, {-1}, {}); }).find("not finite") !=
          std::string::npos);
    ddx::minimize_options simplex;
    simplex.method = "simplex";
    CHECK(error_text([&] { ddx::minimize(ddx::parse("x^2", s), {s.get("x")}, {1}, simplex); }) ==
          "method must be \"gd\", \"newton\" or \"lbfgs\", got \"simplex\"");
}

TEST_CASE("load: CSV errors name file, line and column") {
    std::string path = temp_csv("x, y\n1, 2\n3, abc\n");
    std::string message = error_text([&] { ddx::load_csv(path); });
    CHECK(message == path + ":3:4: 'abc' is not a number");
    std::remove(path.c_str());
    path = temp_csv("x, 2y\n");
    CHECK(error_text([&] { ddx::load_csv(path); }).find(":1:4: '2y' is not a column name") != std::string::npos);
    std::remove(path.c_str());
    path = temp_csv("# comment\nx,y\n\n1,2,3\n");
    CHECK(error_text([&] { ddx::load_csv(path); }).find(":4:1: expected 2 values, found 3") != std::string::npos);
    std::remove(path.c_str());
    CHECK(error_text([] { ddx::load_csv("/nonexistent/points.csv"); }).find("cannot open") != std::string::npos);
}
