// plot: checking the request, sampling the curves (compiled), files in a temporary
// directory, and gnuplot run on them.
#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/plot.hpp>
#include <ddx/printer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <tuple>

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

// The range, the curves and the file name, and gnuplot's presence; the file's extension.
std::string check_request(const plot_request& r) {
    if (!(r.lo < r.hi)) throw error("the range is empty: " + format_double(r.lo) + ".." + format_double(r.hi));
    if (!std::isfinite(r.lo) || !std::isfinite(r.hi)) throw error("the range must be finite");
    if (r.curves.empty()) throw error("nothing to plot");
    std::string ext = extension(r.file);
    if (!r.file.empty() && ext != ".png" && ext != ".svg") {
        throw error("the file must end in .png or .svg, got " + r.file);
    }
    if (!have_gnuplot()) throw error("plot needs gnuplot (Debian package gnuplot-nox)");
    return ext;
}

// The curves' values at evenly spaced points, and the y range to show.
struct samples {
    std::vector<double> xs;
    std::vector<double> ys;  // row by row: the value of each curve at xs[i]
    size_t curves = 0;
    double ylo = 0, yhi = 0;

    double y(size_t i, size_t curve) const { return ys[i * curves + curve]; }
};

samples sample(const plot_request& r) {
    compiled_function f = compile(r.curves, {r.variable});
    int n = std::max(2, r.samples);
    samples s;
    s.curves = r.curves.size();
    s.xs.resize(static_cast<size_t>(n));
    s.ys.resize(static_cast<size_t>(n) * s.curves);
    for (int i = 0; i < n; ++i) {
        double x = r.lo + (r.hi - r.lo) * i / (n - 1);
        s.xs[static_cast<size_t>(i)] = x;
        f(&x, &s.ys[static_cast<size_t>(i) * s.curves]);
    }
    std::tie(s.ylo, s.yhi) = y_range(s.ys);
    return s;
}

// A fresh directory /tmp/ddx-plot-XXXXXX, removed with everything in it when the guard goes,
// also when an exception leaves plot.
class temporary_directory {
public:
    temporary_directory() {
        char name[] = "/tmp/ddx-plot-XXXXXX";
        if (!mkdtemp(name)) throw error("cannot create a temporary directory");
        path_ = name;
    }
    ~temporary_directory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temporary_directory(const temporary_directory&) = delete;
    temporary_directory& operator=(const temporary_directory&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// One file per curve in `dir`; a blank line (a gap) where a value is not finite or leaves
// the y range far, so that poles do not draw vertical lines. Returns their paths.
std::vector<std::string> write_curves(const std::string& dir, const samples& s) {
    std::vector<std::string> files;
    double reach = s.yhi - s.ylo;
    for (size_t c = 0; c < s.curves; ++c) {
        files.push_back(dir + "/curve" + std::to_string(c));
        std::ofstream out(files.back());
        bool in_gap = true;
        for (size_t i = 0; i < s.xs.size(); ++i) {
            double y = s.y(i, c);
            if (!std::isfinite(y) || y < s.ylo - reach || y > s.yhi + reach) {
                if (!in_gap) out << "\n";
                in_gap = true;
                continue;
            }
            char line[64];
            std::snprintf(line, sizeof line, "%.17g %.17g\n", s.xs[i], y);
            out << line;
            in_gap = false;
        }
    }
    return files;
}

// gnuplot's commands: the terminal (png, svg, or text into `text_file`), axes, the ranges and
// one line per curve file, titled with its expression.
std::string gnuplot_script(const plot_request& r, const std::string& ext, const samples& s,
                           const std::vector<std::string>& files, const std::string& text_file) {
    std::ostringstream gp;
    // the legend (the expressions' text, often long) goes below the plot, one line each
    size_t height = 560 + 20 * r.curves.size();
    if (ext == ".png") {
        gp << "set terminal pngcairo size 1000," << height << "\nset output " << gnuplot_string(r.file) << "\n";
    } else if (ext == ".svg") {
        gp << "set terminal svg size 1000," << height << "\nset output " << gnuplot_string(r.file) << "\n";
    } else {
        gp << "set terminal dumb 79 24\nset output " << gnuplot_string(text_file) << "\n";
    }
    gp << "set termoption noenhanced\n";  // the legend is the expressions' text, literally
    gp << "set xlabel " << gnuplot_string(to_string(r.variable)) << "\nset ylabel \"y\"\nset key below left vertical Left reverse\n"
       << "set grid\nset xrange [" << r.lo << ":" << r.hi << "]\nset yrange [" << s.ylo << ":" << s.yhi << "]\nplot ";
    for (size_t c = 0; c < r.curves.size(); ++c) {
        if (c) gp << ", ";
        gp << gnuplot_string(files[c]) << " with lines title " << gnuplot_string(to_string(r.curves[c]));
    }
    gp << "\n";
    return gp.str();
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

// Writes `script` into `dir` and runs gnuplot on it (std::system); throws with gnuplot's
// messages if it fails.
void run_gnuplot(const std::string& script, const std::string& dir) {
    std::string script_file = dir + "/plot.gp", messages_file = dir + "/err.txt";
    {
        std::ofstream out(script_file);
        out << script;
    }
    std::string command = "gnuplot " + gnuplot_string(script_file) + " 2>" + gnuplot_string(messages_file);
    if (std::system(command.c_str()) != 0) throw error("gnuplot failed: " + read_file(messages_file));
}

}  // namespace

std::string plot(const plot_request& r) {
    std::string ext = check_request(r);
    samples s = sample(r);
    temporary_directory dir;
    std::string text_file = dir.path() + "/out.txt";
    std::vector<std::string> files = write_curves(dir.path(), s);
    run_gnuplot(gnuplot_script(r, ext, s, files, text_file), dir.path());
    return read_file(text_file);
}

}  // namespace ddx
