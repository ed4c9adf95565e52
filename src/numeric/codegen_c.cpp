#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/functions.hpp>
#include <ddx/printer.hpp>
#include <ddx/tape.hpp>

#include "core/class_test.hpp"
#include "numeric/c_tanh.hpp"
#include "numeric/free_symbols.hpp"
#include "numeric/loops.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <map>
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
    tape p = lower(output_list, variables);  // lists kept: a gradient in them may lower as its sweep
    loop_plan loops = plan_loops(p);

    // Constants and inputs are written in place; every other instruction is one line, but
    // for what runs in loops (loops.hpp): a sum with runs of products is written where its
    // last step stood, a run of outputs where its operands are known.
    std::vector<std::string> text(p.code.size());
    std::vector<bool> input_used(p.inputs, false);
    bool in_read = false;  // by a loop
    std::ostringstream body;
    int temporaries = 0;
    auto fresh = [&] { return "t" + std::to_string(temporaries++); };
    auto operand = [&](int r) {
        if (p.code[r].op == instruction::kind::input) input_used[p.code[r].a] = true;
        return text[r];
    };
    // An array whose registers are computed by statements of their own (a layer's
    // activations) is where they are computed: `t7[3] = tanh(t6);`, read as t7[3] after.
    // Any other array is a copy, filled once its last register is computed.
    const size_t arrays = loops.arrays.size();
    std::vector<std::string> array_names(arrays);
    std::vector<bool> owned(arrays, false);
    std::vector<std::pair<int, int>> home(p.code.size(), {-1, -1});  // register -> (array, place)
    std::map<int, std::vector<size_t>> declare_before, fill_after;
    for (size_t a = 0; a < arrays; ++a) {
        const std::vector<int>& regs = loops.arrays[a];
        std::set<int> distinct(regs.begin(), regs.end());
        owned[a] = distinct.size() == regs.size() && std::all_of(regs.begin(), regs.end(), [&](int r) {
            const instruction& x = p.code[r];
            return x.op != instruction::kind::constant && x.op != instruction::kind::input && !loops.in_loop[r] &&
                   !loops.sums.count(r) && home[r].first < 0;
        });
        if (owned[a]) {
            for (size_t e = 0; e < regs.size(); ++e) home[regs[e]] = {static_cast<int>(a), static_cast<int>(e)};
            declare_before[*std::min_element(regs.begin(), regs.end())].push_back(a);
        } else {
            fill_after[*std::max_element(regs.begin(), regs.end())].push_back(a);
        }
    }
    // An owned array of min_call_loop or more calls of one function (a layer's tanh) whose
    // values nothing reads before the last of them: its arguments go into an array where
    // they are computed, and one loop after the last calls the function on them all. The
    // calls then run back to back (the function's latency overlaps the next call, not the
    // sums in between) and no live values are spilled around each: 2-16-16-16-1 7%,
    // 4-64-64-64-1 11% faster; at 8 calls, 2-8-8-1 measured 1% slower, hence 16.
    // A tape of min_tanh_loop or more tanh calls computes tanh by arithmetic
    // (tape::arithmetic_tanh): here NAME_tanh (c_tanh.hpp), which the C compiler inlines and,
    // in a loop, turns into vector instructions, and the interpreter the same operations. Its
    // tanh loops start at min_tanh_loop calls: at 8, 2-8-8-1's value and gradient take 108
    // instead of 182 ns (value alone 68 instead of 148), at 16, 2-16-16-1's 222 instead of 379
    // ns. (A tape of fewer keeps glibc's tanh: not vectorized, the arithmetic is slower, 2-4-1
    // took 58 ns instead of 41 with it.)
    constexpr size_t min_call_loop = 16;
    const math_function* const tanh_row = find_math_function("tanh");
    const std::string vector_tanh = name + "_tanh";
    // Where each register is first read in the C: by a statement, or by a loop where the
    // loop is written (the products and partial sums a loop computes have no statement).
    std::vector<int> first_reader(p.code.size(), INT_MAX), first_fill(p.code.size(), INT_MAX);
    auto read = [&](int r, int at) {
        if (r >= 0) first_reader[static_cast<size_t>(r)] = std::min(first_reader[static_cast<size_t>(r)], at);
    };
    auto read_operand = [&](const loop_operand& o, int at) {
        if (o.k == loop_operand::kind::scalar) read(o.reg, at);
        if (o.k == loop_operand::kind::array) {
            for (int r : loops.arrays[static_cast<size_t>(o.array)]) read(r, at);
        }
    };
    for (size_t k = 0; k < p.code.size(); ++k) {
        const instruction& x = p.code[k];
        if (x.op == instruction::kind::constant || x.op == instruction::kind::input || loops.in_loop[k] ||
            loops.sums.count(static_cast<int>(k))) {
            continue;
        }
        read(x.a, static_cast<int>(k));
        read(x.b, static_cast<int>(k));
    }
    for (const auto& [root, parts] : loops.sums) {
        for (const sum_part& part : parts) {
            read(part.reg, root);
            if (part.reg < 0) {
                read_operand(part.run.p, root);
                read_operand(part.run.q, root);
            }
        }
    }
    for (const lane_group& g : loops.lanes) read_operand(g.q, *std::min_element(g.sums.begin(), g.sums.end()));
    // (outputs, and the scalars of runs of outputs, are stored as soon as they are known)
    for (int o : p.outputs) first_reader[static_cast<size_t>(o)] = -1;
    for (const auto& [first, run] : loops.outputs) {
        for (const loop_operand* o : {&run.p, &run.q}) {
            if (o->k == loop_operand::kind::scalar) first_reader[static_cast<size_t>(o->reg)] = -1;
        }
    }
    for (size_t a = 0; a < arrays; ++a) {
        const std::vector<int>& regs = loops.arrays[a];
        int top = *std::max_element(regs.begin(), regs.end());
        for (int r : regs) first_fill[static_cast<size_t>(r)] = std::min(first_fill[static_cast<size_t>(r)], top);
    }
    std::vector<bool> call_loop(arrays, false);
    const bool uses_vector_tanh = p.arithmetic_tanh;  // (tape.hpp)
    std::vector<std::string> argument_names(arrays);
    std::map<int, std::vector<size_t>> calls_after;
    for (size_t a = 0; a < arrays; ++a) {
        const std::vector<int>& regs = loops.arrays[a];
        const math_function* f = p.code[static_cast<size_t>(regs[0])].function;
        if (!owned[a] || regs.size() < (f == tanh_row ? min_tanh_loop : min_call_loop)) continue;
        const int top = *std::max_element(regs.begin(), regs.end());
        call_loop[a] = std::all_of(regs.begin(), regs.end(), [&](int r) {
            const instruction& x = p.code[static_cast<size_t>(r)];
            return x.op == instruction::kind::call && x.function == f && first_reader[static_cast<size_t>(r)] > top &&
                   first_fill[static_cast<size_t>(r)] >= top;
        });
        if (call_loop[a]) calls_after[top].push_back(a);
    }
    // (a variable of the helper's name would hide it inside the function)
    auto local = [&](const std::string& variable) {
        std::string n = local_name(variable);
        return uses_vector_tanh && n == vector_tanh ? "v_" + n : n;
    };

    // Operand o of product i + offset of a run, i a loop variable or "" (then i = 0).
    auto term = [&](const loop_operand& o, const std::string& i, long offset) -> std::string {
        auto index = [&](long base, long stride) {
            long start = base + stride * offset;
            if (i.empty()) return std::to_string(start);
            std::string walk = stride == 1 || stride == -1 ? i : std::to_string(std::labs(stride)) + " * " + i;
            return (start ? std::to_string(start) + (stride < 0 ? " - " : " + ") : stride < 0 ? "-" : "") + walk;
        };
        switch (o.k) {
        case loop_operand::kind::scalar: return operand(o.reg);
        case loop_operand::kind::input: in_read = true; return "in[" + index(o.base, o.stride) + "]";
        case loop_operand::kind::array: return array_names[static_cast<size_t>(o.array)] + "[" + index(0, 1) + "]";
        }
        return {};
    };
    auto product = [&](const product_run& r, const std::string& i, long offset = 0) {
        return term(r.p, i, offset) + " * " + term(r.q, i, offset);
    };

    // With loops, each output is stored as soon as its value is known (kept to the end, a
    // network's gradient entries were spilled to the stack and read back: 3-5% of its time),
    // a run of outputs once its scalar operands and its array are. Without, all at the end
    // after all inputs are read, as before loops: the same text for the small functions.
    const bool early = !loops.sums.empty() || !loops.outputs.empty();
    const int last = static_cast<int>(p.code.size()) - 1;
    std::map<int, std::vector<size_t>> store_after;
    auto ready = [&](const loop_operand& o) {
        if (!early) return last;
        if (o.k == loop_operand::kind::scalar) return o.reg;
        if (o.k == loop_operand::kind::array) {
            const std::vector<int>& regs = loops.arrays[static_cast<size_t>(o.array)];
            return *std::max_element(regs.begin(), regs.end());
        }
        return 0;
    };
    // Runs of outputs equal to one value (a Hessian's constant entries: 40,000 lines of
    // `out[j] = 2.0;` took cc 35 s) are stored by one loop.
    constexpr size_t min_same_outputs = 8;
    std::map<size_t, size_t> same_outputs;  // first output -> length of the run
    for (size_t j = 0; j < p.outputs.size();) {
        auto run = loops.outputs.find(j);
        if (run == loops.outputs.end()) {
            size_t end = j + 1;
            while (end < p.outputs.size() && p.outputs[end] == p.outputs[j] && !loops.outputs.count(end)) ++end;
            store_after[early ? p.outputs[j] : last].push_back(j);
            if (end - j >= min_same_outputs) {
                same_outputs.emplace(j, end - j);
                j = end;
            } else {
                ++j;
            }
            continue;
        }
        store_after[std::max(ready(run->second.p), ready(run->second.q))].push_back(j);
        j += run->second.length;
    }
    auto store = [&](size_t j) {
        if (auto same = same_outputs.find(j); same != same_outputs.end()) {
            std::string k = fresh();
            body << "    for (int " << k << " = 0; " << k << " < " << same->second << "; ++" << k << ") out[" << j << " + " << k
                 << "] = " << operand(p.outputs[j]) << ";\n";
            return;
        }
        auto run = loops.outputs.find(j);
        if (run == loops.outputs.end()) {
            body << "    out[" << j << "] = " << operand(p.outputs[j]) << ";\n";
            return;
        }
        std::string k = fresh();
        body << "    for (int " << k << " = 0; " << k << " < " << run->second.length << "; ++" << k << ") out[" << j
             << " + " << k << "] = " << product(run->second, k) << ";\n";
    };

    // Sums side by side (loops.hpp, lane_group): all lanes where the first of them stood.
    std::map<int, size_t> group_of;  // a sum's register -> its group
    for (size_t g = 0; g < loops.lanes.size(); ++g) {
        for (int r : loops.lanes[g].sums) group_of.emplace(r, g);
    }
    std::vector<bool> group_written(loops.lanes.size(), false);
    auto write_lanes = [&](const lane_group& g) {
        // a[k] = in[base + k] * q(0); then for each i, a[k] = a[k] + in[base + k + stride*i] * q(i)
        const std::string a = fresh(), i = fresh(), k = fresh(), d = fresh(), m = fresh();
        const size_t lanes = g.sums.size();
        auto walk = [&](const std::string& step) {
            in_read = true;
            std::string index = g.base ? std::to_string(g.base) : "";
            if (!step.empty()) {
                const long s = g.stride;
                const std::string walk = (std::labs(s) == 1 ? "" : std::to_string(std::labs(s)) + " * ") + step;
                index += index.empty() ? (s < 0 ? "-" : "") + walk : (s < 0 ? " - " : " + ") + walk;
            }
            return "in[" + (index.empty() ? k : index + " + " + k) + "]";
        };
        body << "    double " << a << "[" << lanes << "];\n";
        body << "    for (int " << k << " = 0; " << k << " < " << lanes << "; ++" << k << ") " << a << "[" << k << "] = " << walk("")
             << " * " << term(g.q, "", 0) << ";\n";
        body << "    for (int " << i << " = 1; " << i << " < " << g.length << "; ++" << i << ") {\n";
        body << "        const double " << d << " = " << term(g.q, i, 0) << ";\n";
        body << "        for (int " << k << " = 0; " << k << " < " << lanes << "; ++" << k << ") {\n";
        body << "            const double " << m << " = " << walk(i) << " * " << d << ";\n";
        body << "            " << a << "[" << k << "] = " << a << "[" << k << "] + " << m << ";\n";
        body << "        }\n    }\n";
        for (size_t lane = 0; lane < lanes; ++lane) text[g.sums[lane]] = a + "[" + std::to_string(lane) + "]";
    };

    for (size_t i = 0; i < p.code.size(); ++i) {
        const instruction& x = p.code[i];
        if (auto declared = declare_before.find(static_cast<int>(i)); declared != declare_before.end()) {
            for (size_t a : declared->second) {
                array_names[a] = fresh();
                body << "    double " << array_names[a] << "[" << loops.arrays[a].size() << "];\n";
                if (call_loop[a]) {
                    argument_names[a] = fresh();
                    body << "    double " << argument_names[a] << "[" << loops.arrays[a].size() << "];\n";
                }
            }
        }
        std::string rhs;
        auto sum = loops.sums.find(static_cast<int>(i));
        if (auto group = group_of.find(static_cast<int>(i)); group != group_of.end()) {
            if (!group_written[group->second]) write_lanes(loops.lanes[group->second]);
            group_written[group->second] = true;
        } else if (sum != loops.sums.end()) {
            // acc = first; acc = acc + next; ...: the tape's order of additions.
            std::string acc = fresh();
            bool first = true;
            for (const sum_part& part : sum->second) {
                std::string sign = part.subtract ? " - " : " + ";
                if (part.reg >= 0) {
                    body << "    " << (first ? "double " + acc + " = " : acc + " = " + acc + sign) << operand(part.reg) << ";\n";
                    first = false;
                    continue;
                }
                const product_run& run = part.run;
                // (each product a statement of its own: `acc = acc + a * b` may be contracted
                // to a fused multiply-add, which the tape does not do)
                auto add = [&](const std::string& to, const std::string& i, long offset, const std::string& indent) {
                    std::string m = fresh();
                    body << indent << "const double " << m << " = " << product(run, i, offset) << ";\n"
                         << indent << to << " = " << to << sign << m << ";\n";
                };
                size_t start = 0;
                if (first) {
                    body << "    double " << acc << " = " << product(run, "", 0) << ";\n";
                    start = 1;
                    first = false;
                }
                if (part.chains > 1) {
                    // product i into chain i mod C (chain 0 is acc), whole groups of C in
                    // the loop, the chains added to acc in turn after it
                    const size_t chains = part.chains, whole = run.length / chains * chains;
                    if (start == 0) add(acc, "", 0, "    ");
                    std::vector<std::string> chain = {acc};
                    for (size_t c = 1; c < chains; ++c) {
                        chain.push_back(fresh());
                        body << "    double " << chain[c] << " = " << product(run, "", static_cast<long>(c)) << ";\n";
                    }
                    if (whole > chains) {
                        std::string k = fresh();
                        body << "    for (int " << k << " = " << chains << "; " << k << " < " << whole << "; " << k << " += " << chains << ") {\n";
                        for (size_t c = 0; c < chains; ++c) add(chain[c], k, static_cast<long>(c), "        ");
                        body << "    }\n";
                    }
                    for (size_t i = whole; i < run.length; ++i) add(chain[i % chains], "", static_cast<long>(i), "    ");
                    for (size_t c = 1; c < chains; ++c) body << "    " << acc << " = " << acc << " + " << chain[c] << ";\n";
                    continue;
                }
                std::string k = fresh();
                body << "    for (int " << k << " = " << start << "; " << k << " < " << run.length << "; ++" << k << ") {\n";
                add(acc, k, 0, "        ");
                body << "    }\n";
            }
            text[i] = acc;
        } else if (!loops.in_loop[i]) {
            switch (x.op) {
            case instruction::kind::constant: text[i] = c_literal(x.value); break;
            case instruction::kind::input: text[i] = local(variable_names[x.a]); break;
            case instruction::kind::add: rhs = operand(x.a) + " + " + operand(x.b); break;
            case instruction::kind::sub: rhs = operand(x.a) + " - " + operand(x.b); break;
            case instruction::kind::mul: rhs = operand(x.a) + " * " + operand(x.b); break;
            case instruction::kind::div: rhs = operand(x.a) + " / " + operand(x.b); break;
            case instruction::kind::neg: rhs = "-" + operand(x.a); break;
            case instruction::kind::call:
                rhs = (uses_vector_tanh && x.function == tanh_row ? vector_tanh : std::string(x.function->c_name)) + "(" +
                      operand(x.a) + ")";
                break;
            case instruction::kind::pow: rhs = "pow(" + operand(x.a) + ", " + operand(x.b) + ")"; break;
            }
            if (!rhs.empty() && home[i].first >= 0) {
                const size_t a = static_cast<size_t>(home[i].first);
                const std::string place = "[" + std::to_string(home[i].second) + "]";
                text[i] = array_names[a] + place;
                if (call_loop[a]) {
                    body << "    " << argument_names[a] << place << " = " << operand(x.a) << ";\n";
                } else {
                    body << "    " << text[i] << " = " << rhs << ";\n";
                }
            } else if (!rhs.empty()) {
                text[i] = fresh();
                body << "    const double " << text[i] << " = " << rhs << ";\n";
            }
        }
        if (auto calls = calls_after.find(static_cast<int>(i)); calls != calls_after.end()) {
            for (size_t a : calls->second) {
                const std::string k = fresh();
                const math_function* row = p.code[static_cast<size_t>(loops.arrays[a][0])].function;
                const std::string f = uses_vector_tanh && row == tanh_row ? vector_tanh : row->c_name;
                body << "    for (int " << k << " = 0; " << k << " < " << loops.arrays[a].size() << "; ++" << k << ") "
                     << array_names[a] << "[" << k << "] = " << f << "(" << argument_names[a] << "[" << k << "]);\n";
            }
        }
        if (auto fills = fill_after.find(static_cast<int>(i)); fills != fill_after.end()) {
            for (size_t a : fills->second) {
                array_names[a] = fresh();
                body << "    const double " << array_names[a] << "[" << loops.arrays[a].size() << "] = {";
                for (size_t e = 0; e < loops.arrays[a].size(); ++e) body << (e ? ", " : "") << operand(loops.arrays[a][e]);
                body << "};\n";
            }
        }
        if (auto stores = store_after.find(static_cast<int>(i)); stores != store_after.end()) {
            for (size_t j : stores->second) store(j);
        }
    }
    std::ostringstream out;
    out << "/* Generated by ddx. */\n#include <math.h>\n\n";
    if (uses_vector_tanh) out << c_tanh_function(vector_tanh) << "\n";
    out << "void " << name << "(const double *in, double *out)\n{\n";
    bool any_input = false;
    for (size_t i = 0; i < p.inputs; ++i) {
        if (!input_used[i]) continue;
        any_input = true;
        out << "    const double " << local(variable_names[i]) << " = in[" << i << "];\n";
    }
    if (!any_input && !in_read) out << "    (void)in;\n";
    if (p.outputs.empty()) out << "    (void)out;\n";
    out << body.str();
    out << "}\n";
    return out.str();
}

}  // namespace ddx
