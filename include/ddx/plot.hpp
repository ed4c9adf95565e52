// Plots of functions of one variable, drawn by gnuplot.
#pragma once

#include <ginac/ginac.h>
#include <string>
#include <vector>

namespace ddx {

struct plot_request {
    std::vector<GiNaC::ex> curves;
    GiNaC::ex variable;
    double lo = -1, hi = 1;
    std::string file;  // .png or .svg; empty: drawn as text for the terminal
    int samples = 1000;
};

/// Samples the curves (compiled), leaves gaps where a value is not finite, and draws them
/// with a legend of their printed forms. Returns the text drawing for an empty `file`, else
/// "". Throws ddx::error if gnuplot is missing, the range is empty or drawing fails.
std::string plot(const plot_request& request);

}  // namespace ddx
