// plot: real PNG and SVG files with one curve per expression, the terminal drawing, errors.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

using GiNaC::ex;

namespace {

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("plot to PNG and SVG") {
    // make test installs gnuplot-nox; without it this is a failed set-up, not a skip
    REQUIRE_MESSAGE(std::system("command -v gnuplot >/dev/null 2>&1") == 0, "gnuplot is not installed");
    ddx::symbol_table s;
    ex x = s.get("x");
    ddx::plot_request r;
    r.curves = {ddx::parse("tanh(x)", s), ddx::parse("1 - tanh(x)^2", s), ddx::parse("tan(x)", s)};
    r.variable = x;
    r.lo = -3;
    r.hi = 3;
    r.file = "/tmp/ddx-test-plot.svg";
    ddx::plot(r);
    std::string svg = read(r.file);
    CHECK(svg.find("<svg") != std::string::npos);
    // gnuplot's SVG titles each plotted line with its legend text: one per expression
    CHECK(count(svg, "1 - tanh(x)^2") >= 1);
    CHECK(count(svg, "tan(x)") >= 1);
    std::remove(r.file.c_str());
    r.file = "/tmp/ddx-test-plot.png";
    ddx::plot(r);
    std::string png = read(r.file);
    REQUIRE(png.size() > 1000);
    CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    std::remove(r.file.c_str());
}

TEST_CASE("plot in the terminal has the size of a terminal") {
    REQUIRE_MESSAGE(std::system("command -v gnuplot >/dev/null 2>&1") == 0, "gnuplot is not installed");
    ddx::symbol_table s;
    ddx::plot_request r;
    r.curves = {ddx::parse("sin(x)", s)};
    r.variable = s.get("x");
    std::string drawing = ddx::plot(r);
    std::istringstream lines(drawing);
    int n = 0;
    size_t widest = 0;
    for (std::string line; std::getline(lines, line); ++n) widest = std::max(widest, line.size());
    CHECK(n >= 20);
    CHECK(n <= 25);
    CHECK(widest <= 80);
}

TEST_CASE("plot errors") {
    ddx::symbol_table s;
    ddx::plot_request r;
    r.curves = {ddx::parse("x", s)};
    r.variable = s.get("x");
    r.lo = 1;
    r.hi = 1;
    CHECK_THROWS_AS(ddx::plot(r), ddx::error);
    r.hi = 2;
    r.file = "out.pdf";
    CHECK_THROWS_AS(ddx::plot(r), ddx::error);
    r.file = "";
    r.curves = {ddx::parse("x*y", s)};
    CHECK_THROWS_AS(ddx::plot(r), ddx::error);
}
