// The term order (src/algebra/ordering.hpp): how the printer orders the terms of a sum and
// the factors of a product, whatever order GiNaC holds them in.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <string>

namespace {

std::string print(const std::string& text) {
    ddx::symbol_table s;
    return ddx::to_string(ddx::parse(text, s));
}

}  // namespace

TEST_CASE("ordering: terms of higher total degree in the symbols come first") {
    CHECK(print("1 + x + x^2") == "x^2 + x + 1");
    CHECK(print("3 + 2*x + x^2") == "x^2 + 2*x + 3");
    CHECK(print("x*y + x^3 + 1") == "x^3 + x*y + 1");              // x*y has degree 2
    CHECK(print("x*y*z + x^2 + 1") == "x*y*z + x^2 + 1");          // 3 before 2
    CHECK(print("x^2/2 + x/3 + 1/4") == "x^2/2 + x/3 + 1/4");      // coefficients do not count
    CHECK(print("x*sin(y) + x^2") == "x^2 + x*sin(y)");            // a call has degree 0
}

TEST_CASE("ordering: exp(k*x) counts as degree k, like u^k with u = exp(x)") {
    CHECK(print("exp(2*x) + 1 - 2*exp(x)") == "exp(2*x) - 2*exp(x) + 1");
    CHECK(print("exp(x) + x^2") == "x^2 + exp(x)");                 // degree 1 after 2
    CHECK(print("exp(3*x) + x^2") == "exp(3*x) + x^2");             // degree 3 before 2
    CHECK(print("exp(x/2) + 1") == "exp(x/2) + 1");                 // degree 1/2 before 0
    CHECK(print("exp(-x) + 1") == "1 + exp(-x)");                   // degree -1 after 0
    CHECK(print("exp(-2*x) + exp(-x) + 1") == "1 + exp(-x) + exp(-2*x)");
    CHECK(print("x*exp(x) + x^3 + x") == "x^3 + x*exp(x) + x");     // x*exp(x): 1 + 1
    CHECK(print("x*exp(-x) + 1") == "1 + x*exp(-x)");               // x*exp(-x): 1 - 1
    CHECK(print("exp(x + y) + 1") == "exp(x + y) + 1");             // another argument: degree 1
    CHECK(print("exp(2) + x") == "x + exp(2)");                     // a number's: degree 0
}

TEST_CASE("ordering: calls of multiples of one argument read as harmonics, the highest first") {
    CHECK(print("cosh(4*x) + 14608*cosh(2*x) - 502*cosh(3*x) - 88234*cosh(x) + 78095") ==
          "cosh(4*x) - 502*cosh(3*x) + 14608*cosh(2*x) - 88234*cosh(x) + 78095");
    CHECK(print("sin(x/2) + sin(3*x/2)") == "sin(3*x/2) + sin(x/2)");
    CHECK(print("sin(-3*x) + sin(2*x)") == "sin(2*x) - sin(3*x)");  // odd: sin(-3*x) is -sin(3*x)
    // a lower harmonic is a lower power: it does not move ahead to lead with a plus
    CHECK(print("sin(x) - sin(3*x) - sin(2*x)") == "-sin(3*x) - sin(2*x) + sin(x)");
    CHECK(print("sin(x) - cos(3*x) - cos(2*x)") == "sin(x) - cos(3*x) - cos(2*x)");  // another function: it does
}

TEST_CASE("ordering: only a name's positive integer powers have a degree, however high") {
    CHECK(print("sqrt(x) + 1") == "1 + sqrt(x)");     // x^(1/2): degree 0, the number first
    CHECK(print("1/x + 1") == "1 + 1/x");             // x^(-1): degree 0
    CHECK(print("x^y + x") == "x + x^y");             // a symbolic power: degree 0
    CHECK(print("x^999 + x^1000") == "x^1000 + x^999");
    CHECK(print("x^2 + x^1001") == "x^1001 + x^2");
    // a factor of x^100000 - 1 printed -x^500 + 1 + x^1000 - x^1500 + x^2000
    CHECK(print("1 - x^500 + x^1000 - x^1500 + x^2000") == "x^2000 - x^1500 + x^1000 - x^500 + 1");
    CHECK(print("x^3 + x^(10^30)") == "x^1000000000000000000000000000000 + x^3");  // past a long
}

TEST_CASE("ordering: powers of functions by degree, then numbers, then names alphabetically, higher powers first") {
    CHECK(print("cos(x) + 1") == "cos(x) + 1");          // a polynomial in cos(x) reads by degree
    CHECK(print("sin(x) + 2 + sin(x)^2") == "sin(x)^2 + sin(x) + 2");
    CHECK(print("log(x) + 1") == "log(x) + 1");
    CHECK(print("60*tanh(x)^3 - 17*tanh(x) - 45*tanh(x)^5") == "-45*tanh(x)^5 + 60*tanh(x)^3 - 17*tanh(x)");
    CHECK(print("2 + x") == "x + 2");                     // x has degree 1: before the number
    CHECK(print("y + x") == "x + y");
    CHECK(print("z + y + x") == "x + y + z");
    CHECK(print("sin(x) + cos(x)") == "cos(x) + sin(x)");
    CHECK(print("x^2 + y^2 + x*y") == "x^2 + x*y + y^2");
    CHECK(print("b^3 + 3*a*b^2 + a^3 + 3*a^2*b") == "a^3 + 3*a^2*b + 3*a*b^2 + b^3");
    CHECK(print("x*exp(x) + x^2") == "x^2 + x*exp(x)");
    CHECK(print("2*x^2 + 3*x^2*y") == "3*x^2*y + 2*x^2");  // degree 3 before 2
}

TEST_CASE("ordering: a sum starts with a positive term unless that breaks a polynomial's degree order") {
    CHECK(print("-x + 1") == "1 - x");
    CHECK(print("-x + y") == "y - x");
    CHECK(print("-3*x + 2*y") == "2*y - 3*x");
    CHECK(print("-x - y + z") == "z - x - y");
    CHECK(print("-x^3 + x") == "x - x^3");          // two terms read best positive first
    CHECK(print("1 - x^2 + x") == "-x^2 + x + 1");  // x and 1 are lower powers of x^2
    CHECK(print("x^3 - 2*x + 1") == "x^3 - 2*x + 1");
    CHECK(print("1 - x^2/6 + x^4/120") == "x^4/120 - x^2/6 + 1");
    CHECK(print("-x^6 + x^4/120 + 1") == "-x^6 + x^4/120 + 1");
    CHECK(print("y - a*x - b") == "y - a*x - b");   // y is not a power of a*x: it moves first
    CHECK(print("y - x^2 - 1") == "y - x^2 - 1");
    CHECK(print("-1 + exp(-x)") == "exp(-x) - 1");
    CHECK(print("-a - b") == "-a - b");            // no positive term: degree order
    CHECK(print("-1 - x") == "-x - 1");
}

TEST_CASE("ordering: factors are names and their powers, then functions, then sums") {
    CHECK(print("y*x*2") == "2*x*y");
    CHECK(print("y^2*x") == "x*y^2");
    CHECK(print("sin(x)*x") == "x*sin(x)");
    CHECK(print("b*sin(x)*a") == "a*b*sin(x)");
    CHECK(print("x*pi") == "pi*x");                  // a constant is a name
    CHECK(print("sin(x)^2*x^3") == "x^3*sin(x)^2");
    CHECK(print("(x+1)*sin(x)*x") == "x*sin(x)*(x + 1)");
    CHECK(print("(x+1)*exp(x)*2*x") == "2*x*exp(x)*(x + 1)");
    CHECK(print("tan(x)*(y+1)*x^2") == "x^2*tan(x)*(y + 1)");
    CHECK(print("sin(x)*cos(x)") == "cos(x)*sin(x)");  // within a group by text
    CHECK(print("(x - 1)*(x + 1)*x") == "x*(x + 1)*(x - 1)");
}

TEST_CASE("ordering: the text does not depend on the order in which symbols were made") {
    // GiNaC orders terms by hash values that follow the symbols' creation order; the
    // printed order must not.
    const char* inputs[] = {"x + y + z", "z*y*x + x^2 + 1", "exp(-x) + exp(y) + 1", "c - b + a"};
    for (const char* text : inputs) {
        ddx::symbol_table forward, backward;
        for (const char* name : {"a", "b", "c", "x", "y", "z"}) forward.get(name);
        for (const char* name : {"z", "y", "x", "c", "b", "a"}) backward.get(name);
        INFO(text);
        CHECK(ddx::to_string(ddx::parse(text, forward)) == ddx::to_string(ddx::parse(text, backward)));
    }
    CHECK(print("c - b + a") == "a - b + c");  // terms ordered by their text without the sign
}

TEST_CASE("ordering: factors that are polynomials in one name read by ascending degree, in their places") {
    // by text, (x^16 + 1) came before (x^2 + 1)
    CHECK(print("(x^16 + 1)*(x^2 + 1)*(x + 3)") == "(x + 3)*(x^2 + 1)*(x^16 + 1)");
    CHECK(print("(x^16 + 1)^2/((x^2 + 3)^3*(1 - x))") == "(x^16 + 1)^2/((1 - x)*(x^2 + 3)^3)");
    // other factors keep their places: sums of several names, polynomials in another name
    CHECK(print("(y + 1)*(x^16 + 1)*(x + y)*(a + b)*(x^2 + 1)") == "(a + b)*(x + y)*(x^2 + 1)*(x^16 + 1)*(y + 1)");
    CHECK(print("(y^12 + 2)*(x^10 + 1)*(y + 2)*(x + 5)") == "(x + 5)*(x^10 + 1)*(y + 2)*(y^12 + 2)");
}
