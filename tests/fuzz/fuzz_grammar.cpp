// libFuzzer target: the bytes are read as the choices of a generator of well-formed ddx
// statements (expressions with functions, powers, lists, user functions and every built-in),
// so that the mutated inputs reach the interpreter instead of dying in the parser. The text
// is run like fuzz_interpreter's (fresh session, time and memory limit per input).
//
//   fuzz_grammar FILE...    runs inputs as usual
//   DDX_FUZZ_PRINT=1 fuzz_grammar -runs=0 FILE   prints the script an input stands for
//   DDX_FUZZ_STRICT=1       also a finding: an error without LINE:COLUMN, or a printed line
//                           that does not parse back (ddx's output is valid ddx input)
#include "fuzz_session.hpp"

#include <ddx/parser.hpp>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace {

class generator {
public:
    generator(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::string program() {
        std::string out;
        int statements = 1 + static_cast<int>(pick(6));
        for (int i = 0; i < statements; ++i) {
            out += statement();
            switch (pick(6)) {
            case 1: out += "; "; break;
            case 2: out += "  # comment\n"; break;
            case 3: out += "\r\n"; break;
            default: out += "\n"; break;
            }
            if (exhausted()) break;
        }
        return out;
    }

    bool uses_strings = false;

private:
    bool exhausted() const { return next_ >= size_; }
    unsigned byte() { return next_ < size_ ? data_[next_++] : 0; }
    unsigned pick(unsigned n) { return n <= 1 ? 0 : byte() % n; }
    template <std::size_t N>
    const char* one_of(const char* const (&options)[N]) {
        return options[pick(N)];
    }

    std::string variable() {
        static const char* const names[] = {"x", "y", "z", "a", "b", "t", "u"};
        return one_of(names);
    }

    std::string number() {
        static const char* const numbers[] = {
            "0", "1", "2", "3", "5", "10", "1/3", "-1", "2/7", "0.5", "2.0", "1e-3", "1e300", "1e-300",
            "12345678901234567890", "0.1", "7", "100", "-2", "3.14159", "1e20", "0.0", "4"};
        return one_of(numbers);
    }

    std::string atom() {
        switch (pick(8)) {
        case 0: case 1: case 2: return variable();
        case 3: case 4: return number();
        case 5: return pick(2) ? "pi" : "E";
        case 6:
            if (!bound_.empty()) return bound_[pick(static_cast<unsigned>(bound_.size()))];
            return variable();
        default: return variable();
        }
    }

    std::string exponent() {
        static const char* const exponents[] = {"2", "3", "-1", "1/2", "-2", "0", "4", "5", "2.5",
                                                "-1/2", "x", "y", "1/3", "9", "-3", "6", "0.5"};
        return one_of(exponents);
    }

    std::string function_name() {
        static const char* const names[] = {"exp", "log", "sqrt", "sin", "cos", "tan", "asin", "acos",
                                            "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
                                            "abs", "conjugate"};
        return one_of(names);
    }

    // x = 1, y = 2, ...: usually every variable, so that eval has a value
    std::string bindings() {
        static const char* const names[] = {"x", "y", "z", "a", "b", "t", "u"};
        std::string out;
        unsigned mask = pick(4) ? 0x7f : 1u + pick(0x7f);
        for (unsigned i = 0; i < 7; ++i) {
            if (!(mask & (1u << i))) continue;
            out += (out.empty() ? "" : ", ") + std::string(names[i]) + " = " + number();
        }
        return out;
    }

    std::string vars(int n) {
        std::string out = "[";
        for (int i = 0; i < n; ++i) out += (i ? ", " : "") + variable();
        return out + "]";
    }

    std::string expr(int depth) {
        if (depth >= 6 || exhausted()) return atom();
        switch (pick(16)) {
        case 0: case 1: return atom();
        case 2: case 3: {
            static const char* const ops[] = {" + ", " - ", "*", "/", "^", "**", " - ", " + "};
            return expr(depth + 1) + one_of(ops) + expr(depth + 1);
        }
        case 4: return "-" + expr(depth + 1);
        case 5: case 6: return function_name() + "(" + expr(depth + 1) + ")";
        case 7: return "(" + expr(depth + 1) + ")";
        case 8: return "(" + expr(depth + 1) + ")^" + exponent();
        case 9: return builtin(depth + 1);
        case 10: {
            int n = 1 + static_cast<int>(pick(3));
            std::string out = "[";
            for (int i = 0; i < n; ++i) out += (i ? ", " : "") + expr(depth + 1);
            return out + "]";
        }
        case 11:
            if (!functions_.empty()) {
                const auto& f = functions_[pick(static_cast<unsigned>(functions_.size()))];
                if (f.second == 1 && pick(3) == 0) return f.first + std::string(1 + pick(2), '\'') + "(" + expr(depth + 1) + ")";
                std::string out = f.first + "(";
                for (int i = 0; i < f.second; ++i) out += (i ? ", " : "") + expr(depth + 1);
                return out + ")";
            }
            return function_name() + "'(" + expr(depth + 1) + ")";
        case 12: return function_name() + std::string(1 + pick(3), '\'') + "(" + expr(depth + 1) + ")";
        case 13: return "eval(" + expr(depth + 1) + ", " + bindings() + ")";
        case 14: return "(" + expr(depth + 1) + " + " + expr(depth + 1) + ")^" + exponent();
        default: return expr(depth + 1) + "*" + atom();
        }
    }

    std::string builtin(int depth) {
        switch (pick(19)) {
        case 0: return "diff(" + expr(depth) + ", " + variable() + ")";
        case 1: return "diff(" + expr(depth) + ", " + variable() + ", " + std::to_string(pick(5)) + ")";
        case 2:
            return "diff(" + expr(depth) + ", " + variable() + ", " + std::to_string(pick(3)) + ", " + variable() + ")";
        case 3: return "grad(" + expr(depth) + ", " + vars(1 + static_cast<int>(pick(3))) + ")";
        case 4: return "jacobian([" + expr(depth) + ", " + expr(depth) + "], " + vars(2) + ")";
        case 5: return "hessian(" + expr(depth) + ", " + vars(1 + static_cast<int>(pick(2))) + ")";
        case 6: return "simplify(" + expr(depth) + ")";
        case 7: return "expand(" + expr(depth) + ")";
        case 8: return "factor(" + expr(depth) + ")";
        case 9: return "normal(" + expr(depth) + ")";
        case 10: return "collect(" + expr(depth) + ", " + (pick(2) ? variable() : vars(2)) + ")";
        case 11: return "subs(" + expr(depth) + ", " + variable() + " = " + expr(depth) + ")";
        case 12:
            return "eval(" + expr(depth) + ", " + bindings() + ")";
        case 13:
            return "evalf(" + expr(depth) + ", " + bindings() + ", digits = " + std::to_string(1 + pick(60)) + ")";
        case 14:
            return "series(" + expr(depth) + ", " + variable() + ", " + (pick(2) ? "0" : number()) + ", " +
                   std::to_string(pick(7)) + ")";
        case 15: return "diff(" + expr(depth) + ")";
        case 16: return "subs(" + expr(depth) + ", x = " + number() + ", y = " + variable() + ")";
        case 17:
            return "grad(" + expr(depth) + ", " + (bound_.empty() ? vars(2) : bound_[0]) + ")";
        default: return "diff(" + expr(depth) + ", " + variable() + ", " + variable() + ")";
        }
    }

    std::string junk() {
        static const char* const tokens[] = {"(", ")", "[", "]", ",", "=", "..", "'", "^", "**", "+", "-", "*",
                                             "/", ";", "x", "2", "diff", "\"s\"", "sin", "f", "1e5", "#", ".."};
        std::string out;
        int n = 1 + static_cast<int>(pick(8));
        for (int i = 0; i < n; ++i) out += std::string(one_of(tokens)) + (pick(2) ? " " : "");
        uses_strings = true;
        return out;
    }

    std::string statement() {
        switch (pick(12)) {
        case 0: case 1: case 2: return expr(0);
        case 3: case 4: return builtin(0);
        case 5: {
            std::string name = pick(4) ? "v" + std::to_string(pick(3)) : variable();
            std::string s = name + " = " + expr(1);
            bound_.push_back(name);
            return s;
        }
        case 6: {
            int arity = 1 + static_cast<int>(pick(2));
            std::string name = arity == 1 ? (pick(2) ? "f" : "h") : "g";
            std::string s = name + (arity == 1 ? "(x)" : "(x, y)") + " = " + expr(1);
            functions_.push_back({name, arity});
            return s;
        }
        case 7: uses_strings = true; return "latex(" + expr(0) + ")";
        case 8: uses_strings = true; return "ccode(" + expr(0) + ", " + vars(2) + ", \"fn\")";
        case 9:
            return "eval(" + expr(0) + ", " + bindings() + ")";
        case 10: return pick(4) == 0 ? junk() : builtin(0);
        default: return expr(0);
        }
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t next_ = 0;
    std::vector<std::string> bound_;
    std::vector<std::pair<std::string, int>> functions_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ddx_fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return -1;
    generator g(data, size);
    std::string text = g.program();
    static const bool print = std::getenv("DDX_FUZZ_PRINT") != nullptr;
    if (print) std::cerr << "---- script:\n" << text << "----\n";
    ddx_fuzz::result r = ddx_fuzz::run_script(text);
    static const bool strict = std::getenv("DDX_FUZZ_STRICT") != nullptr;
    if (strict && !g.uses_strings) {
        // Every printed value is valid ddx input.
        std::size_t start = 0;
        while (start < r.output.size()) {
            std::size_t end = r.output.find('\n', start);
            if (end == std::string::npos) end = r.output.size();
            std::string line = r.output.substr(start, end - start);
            start = end + 1;
            try {
                ddx::parse_program(line);
            } catch (const ddx::error& e) {
                ddx_fuzz::fail("a printed value does not parse back", text, line + "\n" + e.what());
            }
        }
    }
    return 0;
}
