// The installed library as a user sees it: parse, differentiate, print, evaluate.
#include <ddx/ddx.hpp>
#include <ddx/version.hpp>

#include <cmath>
#include <iostream>
#include <string>

static_assert(DDX_VERSION_MAJOR >= 0 && DDX_VERSION_MINOR >= 0 && DDX_VERSION_PATCH >= 0,
              "ddx/version.hpp defines the version numbers");

int main() {
    int failures = 0;
    auto check = [&](bool ok, const std::string& what) {
        if (!ok) {
            std::cout << "FAILED: " << what << "\n";
            ++failures;
        }
    };
    try {
        std::cout << "ddx " << DDX_VERSION << "\n";
        ddx::symbol_table symbols;
        GiNaC::ex x = symbols.get("x");

        GiNaC::ex d = ddx::diff(ddx::parse("x^3 + sin(x)", symbols), x);
        std::string text = ddx::to_string(d);
        std::cout << "d/dx(x^3 + sin(x)) = " << text << "\n";
        check(text == "3*x^2 + cos(x)" || text == "cos(x) + 3*x^2", "derivative text");

        GiNaC::ex loss = ddx::parse("(y - (a*x + b))^2", symbols);
        GiNaC::lst g = ddx::gradient(loss, {symbols.get("a"), symbols.get("b")});
        std::cout << "gradient = " << ddx::to_string(g) << "\n";
        std::vector<double> v = ddx::evaluate_double(g, {{"a", 1}, {"b", 0}, {"x", 2}, {"y", 3}});
        check(v.size() == 2 && v[0] == -4.0 && v[1] == -2.0, "gradient values");

        try {
            ddx::parse("x +* 2", symbols);
            check(false, "a syntax error throws");
        } catch (const ddx::error& e) {
            check(e.where().line == 1, "a syntax error has a position");
        }
    } catch (const std::exception& e) {
        std::cout << "FAILED: " << e.what() << "\n";
        return 1;
    }
    if (failures == 0) std::cout << "consumer ok\n";
    return failures == 0 ? 0 : 1;
}
