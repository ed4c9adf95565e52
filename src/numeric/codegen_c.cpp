#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/printer.hpp>
#include <ddx/tape.hpp>

#include "core/class_test.hpp"
#include "numeric/free_symbols.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace ddx {

using GiNaC::ex;

namespace {

const std::set<std::string>& c_keywords() {
    static const std::set<std::string> words = {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
        "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
        "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
        "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex",
        "_Imaginary"};
    return words;
}

bool is_c_identifier(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

// Identifiers <math.h> declares (C99 and glibc's common extensions): a generated function
// or local of that name would not compile.
const std::set<std::string>& math_h_names() {
    static const std::set<std::string> names = {
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "copysign",
        "cos", "cosh", "erf", "erfc", "exp", "exp2", "expm1", "fabs", "fdim", "floor", "fma", "fmax",
        "fmin", "fmod", "frexp", "hypot", "ilogb", "ldexp", "lgamma", "llrint", "llround", "log",
        "log10", "log1p", "log2", "logb", "lrint", "lround", "modf", "nan", "nearbyint",
        "nextafter", "nexttoward", "pow", "remainder", "remquo", "rint", "round", "scalbln",
        "scalbn", "sin", "sinh", "sqrt", "tan", "tanh", "tgamma", "trunc", "fpclassify",
        "isfinite", "isinf", "isnan", "isnormal", "signbit", "isgreater", "isgreaterequal",
        "isless", "islessequal", "islessgreater", "isunordered", "math_errhandling", "j0", "j1",
        "jn", "y0", "y1", "yn", "gamma", "drem", "finite", "significand", "signgam", "double_t",
        "float_t", "main", "in", "out"};
    return names;
}

// Upper-case names may be macros (NAN, HUGE_VALF, FP_NAN, M_PI, ...).
bool looks_like_macro(const std::string& name) {
    return std::none_of(name.begin(), name.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
}

// A name that can stand for a variable inside the function: the user's own name unless it
// would collide with C, <math.h>, the parameters or the temporaries.
std::string local_name(const std::string& name) {
    bool temp_like = name.size() > 1 && name[0] == 't' &&
                     std::all_of(name.begin() + 1, name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (c_keywords().count(name) || math_h_names().count(name) || looks_like_macro(name) || temp_like ||
        name.rfind("v_", 0) == 0 || name.rfind("__", 0) == 0) {
        return "v_" + name;
    }
    return name;
}

std::string c_literal(double v) {
    if (std::isnan(v)) return "NAN";
    if (std::isinf(v)) return v > 0 ? "HUGE_VAL" : "(-HUGE_VAL)";
    std::string s = format_double(v);
    return v < 0 ? "(" + s + ")" : s;
}

}  // namespace

std::string emit_c(const std::vector<ex>& output_list, const std::vector<ex>& variables,
                   const std::string& name) {
    std::vector<ex> outputs = flatten(output_list);
    if (!is_c_identifier(name)) throw error("'" + name + "' is not a C identifier");
    if (c_keywords().count(name)) throw error("'" + name + "' is a C keyword");
    if (math_h_names().count(name) || looks_like_macro(name) || name.rfind("__", 0) == 0) {
        throw error("'" + name + "' is taken by <math.h> or reserved in C; choose another name");
    }
    std::vector<std::string> variable_names;
    std::set<std::string> listed;  // (a search of variable_names was quadratic in thousands of names)
    for (const ex& v : variables) {
        if (!is_class<GiNaC::symbol>(v)) throw error("the variables must be names, got " + to_string(v));
        std::string n = GiNaC::ex_to<GiNaC::symbol>(v).get_name();
        if (!listed.insert(n).second) throw error("variable " + n + " is listed twice");
        variable_names.push_back(n);
    }
    std::set<std::string> missing;
    GiNaC::exprseq all;  // one walk: the outputs of a gradient share most of their nodes
    for (const ex& e : outputs) all.append(e);
    for (const ex& s : free_symbols(all)) {
        std::string n = GiNaC::ex_to<GiNaC::symbol>(s).get_name();
        if (!listed.count(n)) missing.insert(n);
    }
    if (!missing.empty()) {
        std::string list;
        for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw error("not in the variable list: " + list);
    }
    tape p = lower(outputs, variables);

    // Constants and inputs are written in place; every other instruction is one line.
    std::vector<std::string> text(p.code.size());
    std::vector<bool> input_used(p.inputs, false);
    std::ostringstream body;
    int temporaries = 0;
    for (size_t i = 0; i < p.code.size(); ++i) {
        const instruction& x = p.code[i];
        auto operand = [&](int r) { return text[r]; };
        std::string rhs;
        switch (x.op) {
        case instruction::kind::constant: text[i] = c_literal(x.value); continue;
        case instruction::kind::input:
            text[i] = local_name(variable_names[x.a]);
            input_used[x.a] = true;
            continue;
        case instruction::kind::add: rhs = operand(x.a) + " + " + operand(x.b); break;
        case instruction::kind::sub: rhs = operand(x.a) + " - " + operand(x.b); break;
        case instruction::kind::mul: rhs = operand(x.a) + " * " + operand(x.b); break;
        case instruction::kind::div: rhs = operand(x.a) + " / " + operand(x.b); break;
        case instruction::kind::neg: rhs = "-" + operand(x.a); break;
        case instruction::kind::call: rhs = std::string(x.function->c_name) + "(" + operand(x.a) + ")"; break;
        case instruction::kind::pow: rhs = "pow(" + operand(x.a) + ", " + operand(x.b) + ")"; break;
        }
        text[i] = "t" + std::to_string(temporaries++);
        body << "    const double " << text[i] << " = " << rhs << ";\n";
    }
    std::ostringstream out;
    out << "/* Generated by ddx. */\n#include <math.h>\n\n";
    out << "void " << name << "(const double *in, double *out)\n{\n";
    bool any_input = false;
    for (size_t i = 0; i < p.inputs; ++i) {
        if (!input_used[i]) continue;
        any_input = true;
        out << "    const double " << local_name(variable_names[i]) << " = in[" << i << "];\n";
    }
    if (!any_input) out << "    (void)in;\n";
    if (p.outputs.empty()) out << "    (void)out;\n";
    out << body.str();
    for (size_t j = 0; j < p.outputs.size(); ++j) out << "    out[" << j << "] = " << text[p.outputs[j]] << ";\n";
    out << "}\n";
    return out.str();
}

}  // namespace ddx
