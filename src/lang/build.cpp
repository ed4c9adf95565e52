#include "lang/build.hpp"

#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/real_domain.hpp"
#include "core/reporting.hpp"
#include "core/undefined_functions.hpp"

#include <ddx/interrupt.hpp>
#include <ddx/limits.hpp>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ddx {

using GiNaC::ex;

ex number_from_text(const std::string& text, position where) {
    if (text.find_first_of(".eE") == std::string::npos) return integer_from_digits(text);
    errno = 0;
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) throw error("malformed number '" + text + "'", where);
    if (std::isinf(d)) throw error("number '" + text + "' is too large for a double", where);
    // CLN's doubles have no subnormals (it reports an underflow without a position)
    if (d != 0 && std::fabs(d) < DBL_MIN) {
        throw error("number '" + text + "' is too small for a double (the smallest is about 2.2e-308)", where);
    }
    return GiNaC::numeric(d);
}

namespace {

// CLN computes an exact power without looking at the clock or the memory budget (its
// allocations bypass operator new), so 3^(10^9) would run for hours: a power of exact
// numbers is refused beyond a million digits.
void check_exact_power(const ex& base, const ex& exponent) {
    using GiNaC::numeric;
    if (!is_class<GiNaC::numeric>(base) || !is_class<GiNaC::numeric>(exponent)) return;
    const numeric& b = GiNaC::ex_to<numeric>(base);
    const numeric& n = GiNaC::ex_to<numeric>(exponent);
    if (!b.is_rational() || !n.is_integer() || b.is_zero()) return;
    double size = std::max(GiNaC::abs(b.numer()).int_length(), GiNaC::abs(b.denom()).int_length());
    if (size <= 1) return;  // 1, -1 (and 0): any power is small
    double bits = std::fabs(n.to_double()) * (size - 1);
    if (bits * 0.30103 > limits::exact_power_digits) {
        char text[64];
        std::snprintf(text, sizeof text, "%.2g", bits * 0.30103);
        throw error(std::string("the exact power would have about ") + text + " digits, more than the limit of " +
                    std::to_string(static_cast<long>(limits::exact_power_digits)));
    }
}

ex scalar_op(char op, const ex& a, const ex& b) {
    if (op == '^') check_exact_power(a, b);
    switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return times(a, b);
    case '/': return divided(a, b);
    default:
        return real_pow(a, b);  // abs(u)^2 is u^2, not u*conjugate(u)
    }
}

// The entries of a list, to iterate over: iterating a GiNaC::ex (or calling op(i)) walks
// the lst's std::list from its start for every entry, quadratic in the length.
const GiNaC::lst& entries(const ex& e) { return GiNaC::ex_to<GiNaC::lst>(e); }

}  // namespace

ex apply_math_function(const math_function& f, const ex& arg) {
    if (GiNaC::is_a<GiNaC::lst>(arg)) {
        GiNaC::lst out;
        for (const ex& e : entries(arg)) out.append(apply_math_function(f, e));
        return out;
    }
    // GiNaC's evaluation of sin(u), exp(u), ... inspects u as a tree (u*60/Pi, signs), which
    // takes time exponential in the nesting of shared subexpressions; past a size where no
    // special value can be expected, the function is applied unevaluated.
    if (f.name != std::string_view("abs") && f.name != std::string_view("conjugate") &&
        tree_size_exceeds(arg, limits::evaluated_argument_nodes)) {
        unsigned serial = GiNaC::ex_to<GiNaC::function>(f.apply(GiNaC::realsymbol())).get_serial();
        return GiNaC::function(serial, arg).hold();
    }
    return reporting_at(position{}, [&] { return f.apply(arg); });
}

std::optional<std::vector<size_t>> array_shape(const ex& e) {
    if (!GiNaC::is_a<GiNaC::lst>(e)) return std::vector<size_t>{};
    std::optional<std::vector<size_t>> entry;
    for (const ex& x : entries(e)) {
        auto s = array_shape(x);
        if (!s || (entry && *s != *entry)) return std::nullopt;
        entry = std::move(s);
    }
    std::vector<size_t> out{e.nops()};
    if (entry) out.insert(out.end(), entry->begin(), entry->end());
    return out;
}

std::string shape_text(const ex& e) {
    auto shape = array_shape(e);
    if (!shape) return "ragged";
    if (shape->empty()) return "scalar";
    std::string out;
    for (size_t n : *shape) out += (out.empty() ? "" : "x") + std::to_string(n);
    return out;
}

namespace {

[[noreturn]] void shapes_do_not_match(const std::string& op, const ex& a, const ex& b, position where) {
    throw error("'" + op + "': shapes " + shape_text(a) + " and " + shape_text(b) + " do not match", where);
}

// a op b entry by entry; `same_shape`: a and b are known to be arrays of one shape
ex elementwise(char op, const ex& a, const ex& b, position where, bool same_shape) {
    bool a_list = GiNaC::is_a<GiNaC::lst>(a), b_list = GiNaC::is_a<GiNaC::lst>(b);
    if (!a_list && !b_list) return reporting_at(where, [&] { return scalar_op(op, a, b); });
    // NumPy's element-wise rule without broadcasting between arrays: equal shapes (a ragged
    // list pairs its entries with the other side's, which must be as many)
    if (a_list && b_list && !same_shape) {
        auto sa = array_shape(a), sb = array_shape(b);
        if (a.nops() != b.nops() || (sa && sb && *sa != *sb)) shapes_do_not_match(std::string(1, op), a, b, where);
        same_shape = sa && sb;
    }
    GiNaC::lst out;
    if (!a_list) {
        for (const ex& y : entries(b)) out.append(elementwise(op, a, y, where, same_shape));
    } else if (!b_list) {
        for (const ex& x : entries(a)) out.append(elementwise(op, x, b, where, same_shape));
    } else {
        auto y = entries(b).begin();
        for (const ex& x : entries(a)) out.append(elementwise(op, x, *y++, where, same_shape));
    }
    return out;
}

}  // namespace

ex arithmetic(char op, const ex& a, const ex& b, position where) { return elementwise(op, a, b, where, false); }

ex matmul(const ex& a, const ex& b, position where) {
    auto sa = array_shape(a), sb = array_shape(b);
    if (!sa || !sb || sa->size() > 2 || sb->size() > 2) {
        throw error("'@' multiplies lists and matrices (a matrix is a list of rows of equal length), got shapes " +
                        shape_text(a) + " and " + shape_text(b),
                    where);
    }
    if (sa->empty() || sb->empty()) {
        throw error("'@' multiplies lists and matrices, not a scalar (shapes " + shape_text(a) + " and " +
                        shape_text(b) + "); use '*' to multiply by a scalar",
                    where);
    }
    if (sa->back() != sb->front()) shapes_do_not_match("@", a, b, where);
    // a list on the left is one row, a list on the right one column
    auto rows = [](const ex& m, bool matrix) {
        std::vector<GiNaC::exvector> out;
        if (matrix) {
            for (const ex& r : entries(m)) out.emplace_back(entries(r).begin(), entries(r).end());
        } else {
            out.emplace_back(entries(m).begin(), entries(m).end());
        }
        return out;
    };
    const bool a_matrix = sa->size() == 2, b_matrix = sb->size() == 2;
    std::vector<GiNaC::exvector> left = rows(a, a_matrix), right = rows(b, b_matrix);
    const size_t inner = sa->back(), columns = b_matrix ? (*sb)[1] : 1;
    auto entry = [&](size_t i, size_t j) {
        GiNaC::exvector terms;
        terms.reserve(inner);
        for (size_t k = 0; k < inner; ++k) {
            terms.push_back(times(left[i][k], b_matrix ? right[k][j] : right[0][k]));
        }
        return GiNaC::add(terms);
    };
    return reporting_at(where, [&]() -> ex {
        if (!a_matrix && !b_matrix) return entry(0, 0);  // list @ list: the dot product
        GiNaC::lst out;
        for (size_t i = 0; i < left.size(); ++i) {
            check_stop();
            if (!b_matrix) {
                out.append(entry(i, 0));
                continue;
            }
            GiNaC::lst row;
            for (size_t j = 0; j < columns; ++j) row.append(entry(i, j));
            if (!a_matrix) return row;  // list @ matrix: a list
            out.append(row);
        }
        return out;
    });
}

std::vector<ex> flattened(const ex& e) {
    std::vector<ex> out;
    std::function<void(const ex&)> walk = [&](const ex& x) {
        if (!GiNaC::is_a<GiNaC::lst>(x)) {
            out.push_back(x);
            return;
        }
        for (const ex& y : entries(x)) walk(y);
    };
    walk(e);
    return out;
}

ex sum_of_entries(const ex& e) {
    if (!GiNaC::is_a<GiNaC::lst>(e)) return e;
    std::vector<ex> entries = flattened(e);
    return GiNaC::add(GiNaC::exvector(entries.begin(), entries.end()));
}

ex transposed(const ex& e) {
    auto shape = array_shape(e);
    if (!shape || shape->size() > 2) {
        throw error("transpose takes a list or a matrix (a list of rows of equal length), got shape " + shape_text(e));
    }
    if (shape->size() < 2) return e;
    std::vector<GiNaC::lst> columns((*shape)[1]);
    for (const ex& row : entries(e)) {
        size_t j = 0;
        for (const ex& x : entries(row)) columns[j++].append(x);
    }
    GiNaC::lst out;
    for (const GiNaC::lst& column : columns) out.append(column);
    return out;
}

ex negate(const ex& a) {
    if (GiNaC::is_a<GiNaC::lst>(a)) {
        GiNaC::lst out;
        for (const ex& e : entries(a)) out.append(negate(e));
        return out;
    }
    return -a;
}

ex evaluate_binary(const node& n, const std::function<ex(const node&)>& operand) {
    if (n.op == '/' || n.op == '^') return arithmetic(n.op, operand(n.children[0]), operand(n.children[1]), n.where);
    const char* ops = n.op == '*' || n.op == '@' ? "*@" : "+-";
    struct link {
        const node* operand;
        char op;
        position where;
    };
    std::vector<link> chain;
    const node* left = &n;
    for (; left->type == node::kind::binary && std::strchr(ops, left->op); left = &left->children[0]) {
        chain.push_back({&left->children[1], left->op, left->where});
    }
    chain.push_back({left, '+', left->where});
    std::reverse(chain.begin(), chain.end());

    GiNaC::exvector values;
    values.reserve(chain.size());
    for (const link& l : chain) values.push_back(operand(*l.operand));
    if (std::any_of(chain.begin(), chain.end(), [](const link& l) { return l.op == '@'; }) ||
        std::any_of(values.begin(), values.end(), [](const ex& v) { return GiNaC::is_a<GiNaC::lst>(v); })) {
        ex acc = values[0];
        for (size_t i = 1; i < values.size(); ++i) {
            acc = chain[i].op == '@' ? matmul(acc, values[i], chain[i].where)
                                     : arithmetic(chain[i].op, acc, values[i], chain[i].where);
        }
        return acc;
    }
    return reporting_at(n.where, [&]() -> ex {
        if (n.op == '*') return GiNaC::mul(values);
        for (size_t i = 0; i < values.size(); ++i) {
            if (chain[i].op == '-') values[i] = times(values[i], -1);
        }
        return GiNaC::add(values);
    });
}

void check_undefined_call(const node& n) {
    if (n.children.empty()) throw error(n.text + "() names no function: an undefined function needs arguments", n.where);
    if (n.type == node::kind::derivative && n.children.size() != 1) {
        throw error(n.text + std::string(static_cast<size_t>(n.primes), '\'') +
                        " needs a function of one variable; use diff for partial derivatives",
                    n.where);
    }
}

ex build_expression(const node& n, symbol_table& symbols) {
    switch (n.type) {
    case node::kind::number:
        return number_from_text(n.text, n.where);
    case node::kind::name:
        if (auto c = constant(n.text)) return *c;
        return symbols.get(n.text);
    case node::kind::negate:
        return negate(build_expression(n.children[0], symbols));
    case node::kind::binary:
        return evaluate_binary(n, [&](const node& operand) { return build_expression(operand, symbols); });
    case node::kind::list: {
        GiNaC::lst out;
        for (const node& c : n.children) out.append(build_expression(c, symbols));
        return out;
    }
    case node::kind::derivative:
    case node::kind::call:
    {
        const math_function* f = find_math_function(n.text);
        if (!f) {
            // an undefined function (as SymPy's Function('f')): f(x), f'(x), g(x, y)
            check_undefined_call(n);
            GiNaC::exvector args;
            for (const node& a : n.children) args.push_back(build_expression(a, symbols));
            return n.type == node::kind::derivative ? undefined_derivative(n.text, args[0], n.primes)
                                                    : undefined_call(n.text, args);
        }
        if (n.type == node::kind::derivative) throw error("not an expression", n.where);
        if (n.children.size() != 1) {
            throw error(n.text + " takes 1 argument, got " + std::to_string(n.children.size()),
                        n.where);
        }
        try {
            return apply_math_function(*f, build_expression(n.children[0], symbols));
        } catch (const error& e) {
            throw e.located_at(n.where);
        }
    }
    default:
        throw error("not an expression", n.where);
    }
}

}  // namespace ddx
