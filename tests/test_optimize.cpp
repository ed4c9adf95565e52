// minimize and fit: known minima, closed-form least squares, errors; load's CSV errors.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

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

TEST_CASE("fit: the seed's line through noisy points matches closed-form least squares") {
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
