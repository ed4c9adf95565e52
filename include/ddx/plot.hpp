// Plots of functions of one variable, drawn by gnuplot.
#pragma once

#include <ginac/ginac.h>
#include <string>
#include <vector>

namespace ddx {

/// What to plot: curves of one variable over `lo`..`hi`, to a file or as text.
/// \code
/// ddx::symbol_table s;
/// ddx::plot_request request;
/// request.curves = {ddx::parse("sin(x)", s), ddx::parse("cos(x)", s)};
/// request.variable = s.get("x");
/// request.lo = -3;
/// request.hi = 3;
/// request.file = "trig.png";  // or leave it empty for a text drawing
/// \endcode
struct plot_request {
    /// The expressions to draw, one curve each; their only symbol is `variable`.
    std::vector<GiNaC::ex> curves;
    /// The symbol along the horizontal axis (and its label).
    GiNaC::ex variable;
    /// The start of the range of `variable`; `lo` and `hi` must be finite, with `lo` < `hi`.
    double lo = -1, hi = 1;
    std::string file;  ///< .png or .svg; empty: drawn as text for the terminal
    /// How many evenly spaced values of `variable`, ends included, are evaluated (at least 2).
    int samples = 1000;
};

/// \var double plot_request::hi
/// The end of the range of `variable` (see `lo`).

/// Samples the curves (compiled), leaves gaps where a value is not finite, and draws them
/// with a legend of their printed forms. Returns the text drawing for an empty `file`, else
/// "". Throws ddx::error if gnuplot is missing, the range is empty or drawing fails.
/// With `request` as in ddx::plot_request: `ddx::plot(request)` writes trig.png and returns
/// ""; with `request.file` empty, `std::cout << ddx::plot(request)` shows the curves as text.
std::string plot(const plot_request& request);

}  // namespace ddx
