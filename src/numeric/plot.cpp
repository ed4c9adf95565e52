#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/plot.hpp>
#include <ddx/printer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ddx {

namespace {

std::string extension(const std::string& file) {
    auto dot = file.rfind('.');
    return dot == std::string::npos ? "" : file.substr(dot);
}

// gnuplot reads strings in double quotes with backslash escapes.
std::string gnuplot_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

// A y range that poles do not flatten: the central 96% of the finite values, widened.
std::pair<double, double> y_range(std::vector<double> values) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
                 values.end());
    if (values.empty()) return {-1, 1};
    std::sort(values.begin(), values.end());
    double lo = values[values.size() / 50], hi = values[values.size() - 1 - values.size() / 50];
    double full_lo = values.front(), full_hi = values.back();
    // keep the true range when it is not much wider than the central one
    if (full_hi - full_lo <= 4 * (hi - lo) + 1e-12) {
        lo = full_lo;
        hi = full_hi;
    }
    double pad = (hi - lo) * 0.05;
    if (pad == 0) pad = std::max(1.0, std::fabs(hi)) * 0.1;
    return {lo - pad, hi + pad};
}

}  // namespace

std::string plot(const plot_request& r) {
    if (!(r.lo < r.hi)) throw error("the range is empty: " + format_double(r.lo) + ".." + format_double(r.hi));
    if (!std::isfinite(r.lo) || !std::isfinite(r.hi)) throw error("the range must be finite");
    if (r.curves.empty()) throw error("nothing to plot");
    std::string ext = extension(r.file);
    if (!r.file.empty() && ext != ".png" && ext != ".svg") {
        throw error("the file must end in .png or .svg, got " + r.file);
    }
    if (!have_gnuplot()) throw error("plot needs gnuplot (Debian package gnuplot-nox)");

    compiled_function f = compile(r.curves, {r.variable});
    int n = std::max(2, r.samples);
    std::vector<double> xs(static_cast<size_t>(n)), ys(static_cast<size_t>(n) * r.curves.size());
    for (int i = 0; i < n; ++i) {
        double x = r.lo + (r.hi - r.lo) * i / (n - 1);
        xs[static_cast<size_t>(i)] = x;
        f(&x, &ys[static_cast<size_t>(i) * r.curves.size()]);
    }
    auto [ylo, yhi] = y_range(ys);

    char dir_template[] = "/tmp/ddx-plot-XXXXXX";
    if (!mkdtemp(dir_template)) throw error("cannot create a temporary directory");
    std::string dir = dir_template, script = dir + "/plot.gp", text = dir + "/out.txt";
    std::vector<std::string> files;
    for (size_t c = 0; c < r.curves.size(); ++c) {
        // one file per curve; a blank line (a gap) where a value is not finite or leaves the
        // y range far, so that poles do not draw vertical lines
        files.push_back(dir + "/curve" + std::to_string(c));
        std::ofstream out(files.back());
        bool in_gap = true;
        for (int i = 0; i < n; ++i) {
            double y = ys[static_cast<size_t>(i) * r.curves.size() + c];
            if (!std::isfinite(y) || y < ylo - (yhi - ylo) || y > yhi + (yhi - ylo)) {
                if (!in_gap) out << "\n";
                in_gap = true;
                continue;
            }
            char line[64];
            std::snprintf(line, sizeof line, "%.17g %.17g\n", xs[static_cast<size_t>(i)], y);
            out << line;
            in_gap = false;
        }
    }
    std::string variable = to_string(r.variable);
    std::ostringstream gp;
    // the legend (the expressions' text, often long) goes below the plot, one line each
    size_t height = 560 + 20 * r.curves.size();
    if (ext == ".png") {
        gp << "set terminal pngcairo size 1000," << height << "\nset output " << gnuplot_string(r.file) << "\n";
    } else if (ext == ".svg") {
        gp << "set terminal svg size 1000," << height << "\nset output " << gnuplot_string(r.file) << "\n";
    } else {
        gp << "set terminal dumb 79 24\nset output " << gnuplot_string(text) << "\n";
    }
    gp << "set termoption noenhanced\n";  // the legend is the expressions' text, literally
    gp << "set xlabel " << gnuplot_string(variable) << "\nset ylabel \"y\"\nset key below left vertical Left reverse\n"
       << "set grid\nset xrange [" << r.lo << ":" << r.hi << "]\nset yrange [" << ylo << ":" << yhi << "]\nplot ";
    for (size_t c = 0; c < r.curves.size(); ++c) {
        if (c) gp << ", ";
        gp << gnuplot_string(files[c]) << " with lines title " << gnuplot_string(to_string(r.curves[c]));
    }
    gp << "\n";
    {
        std::ofstream out(script);
        out << gp.str();
    }
    std::string command = "gnuplot " + gnuplot_string(script) + " 2>" + gnuplot_string(dir + "/err.txt");
    int rc = std::system(command.c_str());
    std::string drawing, messages;
    {
        std::ifstream t(text), e(dir + "/err.txt");
        std::stringstream ts, es;
        ts << t.rdbuf();
        es << e.rdbuf();
        drawing = ts.str();
        messages = es.str();
    }
    files.insert(files.end(), {script, text, dir + "/err.txt"});
    for (const std::string& p : files) std::remove(p.c_str());
    ::rmdir(dir.c_str());
    if (rc != 0) throw error("gnuplot failed: " + messages);
    return drawing;
}

}  // namespace ddx
