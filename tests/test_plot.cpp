// plot: real PNG and SVG files with one curve per expression, the terminal drawing, errors.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

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

// A `gnuplot` first on PATH that notes the script it is given (in the temporary directory of
// plot) and then runs the real one, or fails at once; PATH is restored when it goes.
class recording_gnuplot {
public:
    explicit recording_gnuplot(bool run_the_real_one) {
        char name[] = "/tmp/ddx-test-gnuplot-XXXXXX";
        REQUIRE(mkdtemp(name) != nullptr);
        dir_ = name;
        std::string real = run_the_real_one ? "PATH=\"" + std::string(std::getenv("PATH")) + "\" exec gnuplot \"$@\"" : "exit 3";
        {
            std::ofstream script(dir_ + "/gnuplot");
            script << "#!/bin/sh\necho \"$1\" > " << dir_ << "/script-path\n" << real << "\n";
        }
        ::chmod((dir_ + "/gnuplot").c_str(), 0755);
        saved_path_ = std::getenv("PATH");
        ::setenv("PATH", (dir_ + ":" + saved_path_).c_str(), 1);
    }
    ~recording_gnuplot() {
        ::setenv("PATH", saved_path_.c_str(), 1);
        std::filesystem::remove_all(dir_);
    }
    // The directory that held the script plot gave to gnuplot ("" if it was not run).
    std::string plot_directory() const {
        std::string path = read(dir_ + "/script-path");
        while (!path.empty() && path.back() == '\n') path.pop_back();
        return path.empty() ? "" : std::filesystem::path(path).parent_path().string();
    }

private:
    std::string dir_, saved_path_;
};

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

TEST_CASE("plot removes its temporary directory, also when gnuplot fails") {
    ddx::symbol_table s;
    ddx::plot_request r;
    r.curves = {ddx::parse("sin(x)", s)};
    r.variable = s.get("x");
    SUBCASE("gnuplot fails at once") {
        recording_gnuplot gnuplot(false);
        CHECK_THROWS_WITH_AS(ddx::plot(r), "gnuplot failed: ", ddx::error);
        std::string dir = gnuplot.plot_directory();
        REQUIRE(dir.rfind("/tmp/ddx-plot-", 0) == 0);
        CHECK_FALSE(std::filesystem::exists(dir));
    }
    SUBCASE("gnuplot cannot write the file") {
        REQUIRE_MESSAGE(std::system("command -v gnuplot >/dev/null 2>&1") == 0, "gnuplot is not installed");
        recording_gnuplot gnuplot(true);
        r.file = "/nonexistent-directory/plot.png";
        std::string message;
        try {
            ddx::plot(r);
        } catch (const ddx::error& e) {
            message = e.what();
        }
        CHECK(message.find("cannot open file") != std::string::npos);
        std::string dir = gnuplot.plot_directory();
        REQUIRE(dir.rfind("/tmp/ddx-plot-", 0) == 0);
        CHECK_FALSE(std::filesystem::exists(dir));
    }
    SUBCASE("gnuplot succeeds") {
        REQUIRE_MESSAGE(std::system("command -v gnuplot >/dev/null 2>&1") == 0, "gnuplot is not installed");
        recording_gnuplot gnuplot(true);
        CHECK(ddx::plot(r).size() > 100);
        std::string dir = gnuplot.plot_directory();
        REQUIRE(dir.rfind("/tmp/ddx-plot-", 0) == 0);
        CHECK_FALSE(std::filesystem::exists(dir));
    }
}
