// A seeded random generator of ddx expressions, as text in the ddx language (so the
// parser is exercised too). Used by the derivative tests and the benchmarks.
//
// Deterministic on every platform: only the raw output of std::mt19937 is used, which the
// standard fixes bit for bit (std::uniform_*_distribution is implementation-defined), and
// every random draw is its own statement (C++ leaves the evaluation order of the operands
// of `a() + b()` unspecified).
//
// The variables are x and y. Functions with a restricted real domain get arguments built
// to lie inside it on x, y > 0 (log and sqrt of positive expressions, asin of values in
// (-1, 1), ...), so that almost every expression is defined on the box [0.2, 1.8]^2;
// poles (tan, 1/u, u^-2) and kinks (abs) are still generated.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>

namespace ddx_test {

class expression_generator {
public:
    /// The top-level shapes; next() cycles through them so every kind is covered evenly.
    enum class category {
        polynomial,
        rational,
        exp_log,
        trig,
        hyperbolic,
        inverse_trig,
        root,
        absolute,
        symbolic_power,
        nested,
        count
    };

    static const char* name(category c) {
        static const char* const names[] = {"polynomial", "rational",     "exp/log", "trig",
                                            "hyperbolic", "inverse trig", "sqrt",    "abs",
                                            "x^y",        "nested"};
        return names[static_cast<int>(c)];
    }

    /// `max_depth` is the nesting depth of function calls and operators (3 or 4 is typical).
    explicit expression_generator(std::uint32_t seed, int max_depth = 4)
        : rng_(seed), max_depth_(max_depth) {}

    /// The next expression; the category of the n-th call is n mod category::count.
    std::string next() {
        auto c = static_cast<category>(counter_++ % static_cast<int>(category::count));
        return generate(c);
    }

    /// The category the last next() used.
    category last_category() const {
        int n = static_cast<int>(category::count);
        return static_cast<category>((counter_ + n - 1) % n);
    }

    std::string generate(category c) {
        const int d = max_depth_;
        switch (c) {
            case category::polynomial: return polynomial();
            case category::rational: {
                std::string num = polynomial(), den = polynomial();
                // Half the denominators stay away from zero on the box.
                if (chance(0.5)) den = "1 + " + paren(den) + "^2";
                return paren(num) + "/" + paren(den);
            }
            case category::exp_log:
                return combine(chance(0.5) ? "exp(" + any(d - 1) + ")" : "log(" + positive(d - 1) + ")", d);
            case category::trig: return combine(call({"sin", "cos", "tan"}, d - 1), d);
            case category::hyperbolic: return combine(call({"sinh", "cosh", "tanh"}, d - 1), d);
            case category::inverse_trig: return combine(restricted_function(d - 1), d);
            case category::root: return combine("sqrt(" + positive(d - 1) + ")", d);
            case category::absolute: return combine("abs(" + any(d - 1) + ")", d);
            case category::symbolic_power: return combine(symbolic_power(d - 1), d);
            case category::nested:
            case category::count: break;
        }
        return any(d);
    }

    std::mt19937& engine() { return rng_; }

private:
    // --- randomness from raw mt19937 output only ---
    int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint32_t>(n)); }
    bool chance(double p) { return rng_() < p * 4294967296.0; }
    std::string pick(std::initializer_list<const char*> options) {
        return *(options.begin() + below(static_cast<int>(options.size())));
    }

    // --- text helpers ---
    static bool is_name_char(char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ch == '_' || ch == '.';
    }

    // Whether `s` needs no parentheses as an operand: a name, an unsigned number, or one
    // whole function call / bracketed group.
    static bool atomic(const std::string& s) {
        size_t i = 0;
        while (i < s.size() && is_name_char(s[i])) ++i;
        if (i == s.size()) return !s.empty();
        if (s[i] != '(' || s.back() != ')') return false;
        int depth = 0;
        for (size_t j = i; j < s.size(); ++j) {
            if (s[j] == '(') ++depth;
            if (s[j] == ')' && --depth == 0 && j + 1 != s.size()) return false;
        }
        return true;
    }

    static std::string paren(const std::string& s) { return atomic(s) ? s : "(" + s + ")"; }

    // One of `names` applied to any expression.
    std::string call(std::initializer_list<const char*> names, int depth) {
        std::string name = pick(names);
        std::string argument = any(depth);
        return name + "(" + argument + ")";
    }

    // --- grammar ---
    std::string variable() { return below(3) == 0 ? "y" : "x"; }

    std::string number() {
        switch (below(10)) {
            case 0: return pick({"3/2", "1/3", "2/5", "5/4"});
            case 1: return pick({"0.5", "1.5", "0.25"});
            case 2: return pick({"-1", "-2", "-3"});
            default: return std::to_string(1 + below(5));
        }
    }

    std::string positive_number() {
        switch (below(8)) {
            case 0: return pick({"3/2", "1/3", "2/5"});
            case 1: return pick({"0.5", "2.5"});
            case 2: return pick({"E", "pi"});
            default: return std::to_string(2 + below(4));
        }
    }

    std::string leaf() { return below(3) == 0 ? number() : variable(); }

    // A binary operation with `rest` at the top: keeps the tested function on top while
    // nesting the expression 3-4 deep.
    std::string combine(const std::string& head, int depth) {
        switch (below(4)) {
            case 0: return head;
            case 1: {
                std::string op = pick({" + ", " - "});
                std::string rest = any(depth - 2);
                return head + op + paren(rest);
            }
            case 2: return paren(any(depth - 2)) + "*" + paren(head);
            default: return paren(head) + "/" + paren(positive(depth - 2));
        }
    }

    std::string polynomial() {
        int terms = 2 + below(3);
        std::string out;
        for (int t = 0; t < terms; ++t) {
            std::string term;
            int a = below(5), b = below(3);
            std::string c = below(4) == 0 ? pick({"3/2", "1/2", "2/3"}) : std::to_string(1 + below(6));
            term = c;
            if (a > 0) term += "*x" + (a > 1 ? "^" + std::to_string(a) : std::string());
            if (b > 0) term += "*y" + (b > 1 ? "^" + std::to_string(b) : std::string());
            out += t == 0 ? term : (below(3) == 0 ? " - " : " + ") + term;
        }
        return out;
    }

    // Any real expression of x and y.
    std::string any(int depth) {
        if (depth <= 0) return leaf();
        int r = below(100);
        if (r < 10) return leaf();
        if (r < 42) {
            static const char* const ops[] = {" + ", " - ", "*", "/"};
            int op = below(4);
            std::string left = any(depth - 1);
            // Half the denominators are positive, so that not every quotient has poles.
            std::string right = op == 3 && below(2) ? positive(depth - 2) : any(depth - 2);
            return (op < 2 ? left : paren(left)) + ops[op] + paren(right);
        }
        if (r < 56) {
            // Integer powers -3..4 (not 0 or 1).
            static const int powers[] = {-3, -2, -1, 2, 2, 3, 3, 4};
            int k = powers[below(8)];
            std::string base = below(2) ? variable() : any(depth - 1);
            return paren(base) + "^" + (k < 0 ? "(" + std::to_string(k) + ")" : std::to_string(k));
        }
        if (r < 66) return symbolic_power(depth - 1);
        return function(depth - 1);
    }

    // x^y style powers: a positive base raised to a symbolic exponent.
    std::string symbolic_power(int depth) {
        switch (below(4)) {
            case 0: return pick({"x^y", "y^x", "x^x"});
            case 1: {
                std::string base = positive_number();
                std::string power = exponent(depth);
                return base + "^" + paren(power);
            }
            default: {
                std::string base = positive(depth);
                std::string power = exponent(depth);
                return paren(base) + "^" + paren(power);
            }
        }
    }

    // A moderate exponent: towers like 3^(5^(exp(4)^4)) overflow every double.
    std::string exponent(int depth) {
        switch (below(5)) {
            case 0: return variable();
            case 1: return pick({"x*y", "y - x", "x/2", "-x", "1 - y"});
            case 2: return "2*" + unit(depth);
            case 3: return call({"sin", "cos", "atan"}, depth);
            default: return any(depth > 1 ? 1 : depth);
        }
    }

    // An expression that is > 0 for x, y > 0.
    std::string positive(int depth) {
        if (depth <= 0) return below(3) == 0 ? positive_number() : variable();
        int kind = below(9);
        switch (kind) {
            case 0: return variable();
            case 1: return "exp(" + any(depth - 1) + ")";
            case 2: return "1 + " + paren(any(depth - 1)) + "^2";
            case 3: return "cosh(" + any(depth - 1) + ")";
            case 4:
            case 5:
            case 6: {
                std::string left = positive(depth - 1);
                std::string right = positive(depth - 2);
                if (kind == 4) return left + " + " + paren(right);
                return paren(left) + (kind == 5 ? "*" : "/") + paren(right);
            }
            case 7: return "2 + " + call({"sin", "cos", "tanh"}, depth - 1);
            default: return "sqrt(" + positive(depth - 1) + ")";
        }
    }

    // A value in (-1, 1) for any x, y.
    std::string unit(int depth) {
        switch (below(5)) {
            case 0: return "tanh(" + any(depth) + ")";
            case 1: return "sin(" + any(depth) + ")/2";
            case 2: return pick({"x/2", "y/2", "y - 1", "x - 1", "1/(1 + x^2)"});
            case 3: {
                std::string u = any(depth - 1);
                return paren(u) + "/(1 + " + paren(u) + "^2)";
            }
            default: return "atan(" + any(depth) + ")/2";
        }
    }

    // The inverse trigonometric and hyperbolic functions, inside their domains.
    std::string restricted_function(int depth) {
        switch (below(6)) {
            case 0: return "asin(" + unit(depth) + ")";
            case 1: return "acos(" + unit(depth) + ")";
            case 2: return "atan(" + any(depth) + ")";
            case 3: return "asinh(" + any(depth) + ")";
            case 4: return "acosh(1 + " + paren(positive(depth)) + ")";
            default: return "atanh(" + unit(depth) + ")";
        }
    }

    std::string function(int depth) {
        switch (below(9)) {
            case 0: return call({"exp", "sin", "cos"}, depth);
            case 1: return call({"sinh", "cosh", "tanh"}, depth);
            case 2: return "tan(" + any(depth) + ")";
            case 3: return "log(" + positive(depth) + ")";
            case 4: return "sqrt(" + positive(depth) + ")";
            case 5: return "abs(" + any(depth) + ")";
            default: return restricted_function(depth);
        }
    }

    std::mt19937 rng_;
    int max_depth_;
    int counter_ = 0;
};

}  // namespace ddx_test
