#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/printer.hpp>
#include <ddx/program.hpp>

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

// A name that can stand for a variable inside the function: the user's own name unless it
// would collide with C, the parameters, the temporaries or <math.h>.
std::string local_name(const std::string& name) {
    static const std::set<std::string> taken = {
        "in", "out", "exp", "log", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
        "cosh", "tanh", "asinh", "acosh", "atanh", "fabs", "pow", "y0", "y1", "yn", "j0", "j1",
        "jn", "gamma", "erf", "NAN", "INFINITY", "HUGE_VAL"};
    bool temp_like = name.size() > 1 && name[0] == 't' &&
                     std::all_of(name.begin() + 1, name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (c_keywords().count(name) || taken.count(name) || temp_like || name.rfind("v_", 0) == 0) {
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
    std::vector<ex> outputs;
    for (const ex& e : output_list) {
        for (const ex& x : flatten(e)) outputs.push_back(x);
    }
    if (!is_c_identifier(name)) throw error("'" + name + "' is not a C identifier");
    if (c_keywords().count(name)) throw error("'" + name + "' is a C keyword");
    std::vector<std::string> variable_names;
    for (const ex& v : variables) {
        if (!GiNaC::is_a<GiNaC::symbol>(v)) throw error("the variables must be names, got " + to_string(v));
        std::string n = GiNaC::ex_to<GiNaC::symbol>(v).get_name();
        if (std::find(variable_names.begin(), variable_names.end(), n) != variable_names.end()) {
            throw error("variable " + n + " is listed twice");
        }
        variable_names.push_back(n);
    }
    std::set<std::string> missing;
    for (const ex& e : outputs) {
        for (const ex& s : free_symbols(e)) {
            std::string n = GiNaC::ex_to<GiNaC::symbol>(s).get_name();
            if (std::find(variable_names.begin(), variable_names.end(), n) == variable_names.end()) missing.insert(n);
        }
    }
    if (!missing.empty()) {
        std::string list;
        for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw error("not in the variable list: " + list);
    }
    program p = lower(outputs, variables);

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
        case instruction::kind::call: rhs = std::string(c_name(x.function)) + "(" + operand(x.a) + ")"; break;
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
    out << body.str();
    for (size_t j = 0; j < p.outputs.size(); ++j) out << "    out[" << j << "] = " << text[p.outputs[j]] << ";\n";
    out << "}\n";
    return out.str();
}

}  // namespace ddx
