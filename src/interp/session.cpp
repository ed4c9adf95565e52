#include <ddx/functions.hpp>
#include <ddx/calculus.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/parser.hpp>
#include <ddx/printer.hpp>
#include <ddx/session.hpp>
#include <ddx/simplify.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "interp/builtins.hpp"
#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/undefined_functions.hpp"
#include "core/real_domain.hpp"
#include "lang/build.hpp"

namespace ddx {

using GiNaC::ex;

namespace {

// The built-ins that need numbers: an undefined function in their arguments has no value.
bool has_no_value_for_undefined_functions(const std::string& name) {
    static const std::set<std::string> names{"eval", "evalf", "ccode", "compile", "plot", "minimize", "fit"};
    return names.count(name) != 0;
}

bool is_reserved(const std::string& name) {
    return constant(name).has_value() || find_math_function(name) || find_builtin(name) != nullptr;
}

}  // namespace

session::session() = default;

void session::run(const std::string& text, std::ostream& out) {
    statement_reader reader(text);
    while (auto s = reader.next()) {
        // a stop (Ctrl-C, time, memory) while printing or assigning still names the statement
        auto printed = reporting_at(s->where, [&] { return execute(*s); });
        if (printed) out << *printed << '\n' << std::flush;
    }
}

std::optional<std::string> session::execute(const statement& s) {
    switch (s.type) {
    case statement::kind::expression:
        return format(evaluate(s.body));
    case statement::kind::assignment: {
        if (is_reserved(s.name)) throw error("cannot assign to '" + s.name + "': it is built in", s.where);
        value v = evaluate(s.body);
        functions_.erase(s.name);
        bindings_[s.name] = v;
        return std::nullopt;
    }
    case statement::kind::definition: {
        if (is_reserved(s.name)) throw error("cannot redefine '" + s.name + "': it is built in", s.where);
        user_function f;
        for (const std::string& p : s.params) f.params.push_back(symbols_.get(p));
        struct scope {
            session& self;
            std::vector<std::string> saved_locals;
            ~scope() {
                self.locals_ = saved_locals;
                self.defining_.clear();
            }
        } restore{*this, locals_};
        locals_ = s.params;
        defining_ = s.name;
        f.body = as_expression(evaluate(s.body), s.body.where);
        bindings_.erase(s.name);
        functions_[s.name] = f;
        return std::nullopt;
    }
    }
    return std::nullopt;
}

namespace {

std::string format_doubles(const double_value& d) {
    std::string out;
    size_t next = 0;
    std::function<void(const ex&)> walk = [&](const ex& shape) {
        if (!GiNaC::is_a<GiNaC::lst>(shape)) {
            out += format_double(d.values[next++]);
            return;
        }
        out += "[";
        for (size_t i = 0; i < shape.nops(); ++i) {
            if (i) out += ", ";
            walk(shape.op(i));
        }
        out += "]";
    };
    walk(d.shape);
    return out;
}

}  // namespace

std::string session::format(const value& v) const {
    if (const auto* e = std::get_if<ex>(&v)) return to_string(*e);
    if (const auto* p = std::get_if<precise_value>(&v)) {
        print_options options;
        options.float_digits = p->digits;
        return to_string(p->number, options);
    }
    if (const auto* d = std::get_if<double_value>(&v)) return format_doubles(*d);
    if (const auto* t = std::get_if<data_table>(&v)) {
        std::string names;
        for (const std::string& n : t->names) names += (names.empty() ? "" : ", ") + n;
        return "# data: " + std::to_string(t->rows()) + " rows of " + names;
    }
    if (const auto* s = std::get_if<series_value>(&v)) return series_to_string(s->terms);
    if (const auto* a = std::get_if<annotated_value>(&v)) {
        bool nothing = GiNaC::is_a<GiNaC::lst>(a->shown) && a->shown.nops() == 0;
        return nothing ? a->comment : to_string(a->shown) + "\n" + a->comment;
    }
    return std::get<std::string>(v);
}

value session::evaluate(const node& n) {
    switch (n.type) {
    case node::kind::number:
        return number_from_text(n.text, n.where);
    case node::kind::string:
        return n.text;
    case node::kind::name: {
        if (std::find(locals_.begin(), locals_.end(), n.text) != locals_.end()) {
            return ex(symbols_.get(n.text));
        }
        auto it = bindings_.find(n.text);
        if (it != bindings_.end()) return it->second;
        if (auto c = constant(n.text)) return *c;
        if (functions_.count(n.text) || find_math_function(n.text) || find_builtin(n.text)) {
            throw error("'" + n.text + "' is a function: call it with arguments, like " + n.text + "(x)", n.where);
        }
        return ex(symbols_.get(n.text));
    }
    case node::kind::negate:
        return negate(as_expression(evaluate(n.children[0]), n.children[0].where));
    case node::kind::binary:
        return evaluate_binary(n, [&](const node& operand) { return as_expression(evaluate(operand), operand.where); });
    case node::kind::list: {
        GiNaC::lst out;
        for (const node& c : n.children) out.append(as_expression(evaluate(c), c.where));
        return ex(out);
    }
    case node::kind::call:
    case node::kind::derivative:
        return call(n);
    case node::kind::range:
        throw error("a range lo..hi is only allowed as an option, like x = -1..1", n.where);
    case node::kind::option:
        throw error("'name = value' is only allowed in a call", n.where);
    }
    throw error("cannot evaluate this", n.where);
}

value session::call(const node& n) {
    if (n.text == defining_) {
        throw error("recursive definition: " + n.text + " cannot call itself", n.where);
    }
    if (functions_.count(n.text)) return call_user_function(n);
    if (n.type == node::kind::derivative) {
        const math_function* f = find_math_function(n.text);
        if (!f) return call_undefined_function(n);
        if (n.children.size() != 1) throw error(n.text + "' takes 1 argument", n.where);
        ex arg = as_expression(evaluate(n.children[0]), n.children[0].where);
        ex t = GiNaC::realsymbol();
        return reporting_at(n.where, [&] {
            return diff(apply_math_function(*f, t), t, n.primes).subs(t == arg);
        });
    }
    if (const math_function* f = find_math_function(n.text)) {
        if (n.children.size() != 1) {
            throw error(n.text + " takes 1 argument, got " + std::to_string(n.children.size()), n.where);
        }
        const node& a = n.children[0];
        if (a.type == node::kind::option) throw error(n.text + " takes no options", a.where);
        ex arg = as_expression(evaluate(a), a.where);
        return reporting_at(n.where, [&] { return ex(apply_math_function(*f, arg)); });
    }
    const builtin* b = find_builtin(n.text);
    if (!b) return call_undefined_function(n);
    builtin_context context{symbols_, n.text, n.where, {}, {}, &progress_sink_};
    for (const node& a : n.children) {
        argument arg;
        arg.where = a.where;
        const node* v = &a;
        if (a.type == node::kind::option) {
            arg.option = a.text;
            v = &a.children[0];
        }
        if (v->type == node::kind::range) {
            arg.is_range = true;
            arg.v = ex(GiNaC::lst{as_expression(evaluate(v->children[0]), v->children[0].where),
                                  as_expression(evaluate(v->children[1]), v->children[1].where)});
        } else {
            arg.v = evaluate(*v);
        }
        (arg.option.empty() ? context.positional : context.options).push_back(std::move(arg));
    }
    size_t given = context.positional.size();
    if (given < b->min_args || given > b->max_args) {
        std::string expected = b->min_args == b->max_args ? std::to_string(b->min_args)
                               : given > b->max_args      ? "at most " + std::to_string(b->max_args)
                               : b->max_args > 100        ? "at least " + std::to_string(b->min_args)
                                                          : std::to_string(b->min_args) + " to " + std::to_string(b->max_args);
        std::string takes = std::string(b->name) + " takes " + expected + " argument" +
                            (expected == "1" || expected == "at least 1" ? "" : "s");
        // subs(e, x, 1) is how Maple and Maxima users write a substitution: say that the
        // substitutions are equations, and point at the first argument too many
        if (given > b->max_args && takes_substitutions(*b)) {
            throw error(takes + " and then substitutions such as x = 1, got " + std::to_string(given) +
                            " arguments (usage: " + b->signature + ")",
                        context.positional[b->max_args].where);
        }
        throw error(takes + ", got " + std::to_string(given) + " (usage: " + b->signature + ")", n.where);
    }
    if (has_no_value_for_undefined_functions(b->name)) {
        for (const std::vector<argument>* args : {&context.positional, &context.options}) {
            for (const argument& a : *args) {
                if (const auto* e = std::get_if<ex>(&a.v)) reporting_at(n.where, [&] { require_no_undefined_functions(*e); });
            }
        }
    }
    return reporting_at(n.where, [&] { return b->handler(context); });
}

// f(x), f'(x), g(x, y) where f and g name no function: undefined functions, as SymPy's
// Function('f'). A bound value called like a function is a mistake, not a new function.
value session::call_undefined_function(const node& n) {
    if (bindings_.count(n.text)) {
        throw error("'" + n.text + "' is a value, not a function: define one with " + n.text + "(x) = ...", n.where);
    }
    check_undefined_call(n);
    GiNaC::exvector args;
    for (const node& a : n.children) {
        if (a.type == node::kind::option) throw error(n.text + " takes no options", a.where);
        args.push_back(as_expression(evaluate(a), a.where));
    }
    if (noticed_.insert(n.text).second && notice_sink_) {
        notice_sink_(n.text + " is not a built-in; treated as an undefined function");
    }
    return reporting_at(n.where, [&] {
        return n.type == node::kind::derivative ? undefined_derivative(n.text, args[0], n.primes)
                                                : undefined_call(n.text, args);
    });
}

value session::call_user_function(const node& n) {
    const user_function& f = functions_.at(n.text);
    if (n.type == node::kind::derivative && f.params.size() != 1) {
        throw error(n.text + std::string(static_cast<size_t>(n.primes), '\'') +
                        " needs a function of one variable; use diff for partial derivatives",
                    n.where);
    }
    if (n.children.size() != f.params.size()) {
        throw error(n.text + " takes " + std::to_string(f.params.size()) + " argument" +
                        (f.params.size() == 1 ? "" : "s") + ", got " + std::to_string(n.children.size()),
                    n.where);
    }
    GiNaC::exmap args;
    for (size_t i = 0; i < f.params.size(); ++i) {
        const node& a = n.children[i];
        if (a.type == node::kind::option) throw error(n.text + " takes no options", a.where);
        args[f.params[i]] = as_expression(evaluate(a), a.where);
    }
    return reporting_at(n.where, [&] {
        ex body = n.type == node::kind::derivative ? diff(f.body, f.params[0], n.primes) : f.body;
        return checked_subs(body, args);
    });
}

std::vector<std::string> session::completions() const {
    std::set<std::string> names;
    for (const builtin& b : builtin_table()) names.insert(b.name);
    for (const math_function& f : math_functions()) names.insert(f.name);
    for (const auto& [name, f] : functions_) names.insert(name);
    for (const auto& [name, v] : bindings_) names.insert(name);
    names.insert("pi");
    names.insert("E");
    return {names.begin(), names.end()};
}

}  // namespace ddx
