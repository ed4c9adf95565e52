#include "core/reporting.hpp"

namespace ddx {

// GiNaC throws pole_error, std::domain_error, ... with texts like
// "power::eval(): division by zero"; keep the part a user can read.
std::string readable(const std::exception& e) {
    std::string what = e.what();
    // "atanh_eval(): logarithmic pole": the function's name, then the message
    std::string function;
    auto colon = what.find("): ");
    if (colon != std::string::npos) {
        auto eval = what.find("_eval(");
        if (eval != std::string::npos && eval < colon) function = what.substr(0, eval);
        what = what.substr(colon + 3);
    }
    bool pole = what.find("logarithmic pole") != std::string::npos;
    if (what == "log(0)" || (pole && (function.empty() || function == "log"))) return "log(0) is undefined";
    if (pole) return function + " is infinite here (a logarithmic pole)";
    return what;
}

}  // namespace ddx
