#include <ddx/calculus.hpp>
#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/limits.hpp>
#include <ddx/simplify.hpp>

#include "algebra/nth_derivative.hpp"
#include "core/class_test.hpp"

namespace ddx {

using GiNaC::ex;

namespace {

void check_order(int order) {
    if (order < 0) throw error("the order of a derivative cannot be negative");
    if (order > limits::derivative_order) {
        throw error("derivative order " + std::to_string(order) + " is above the limit of " +
                    std::to_string(limits::derivative_order));
    }
}

}  // namespace

namespace {

// Simplifying after every step keeps high orders small; for total orders 2 and 3 the raw
// derivative, simplified once, is a candidate too: it can be shorter, and the result is
// then never longer than the raw derivative.
ex shorter_of_direct(const ex& stepwise, const ex& e, const derivative_spec& spec) {
    int total = 0;
    for (const auto& s : spec) total += s.second;
    if (total < 2 || total > 3 || stepwise.is_zero()) return stepwise;
    ex raw = e;
    for (const auto& [x, order] : spec) {
        differentiator d(x);
        for (int i = 0; i < order; ++i) raw = d(raw);
    }
    ex best = stepwise;
    for (const ex& c : {simplify(raw), simplify(stepwise)}) {
        if (complexity(c) < complexity(best)) best = c;
    }
    return best;
}

}  // namespace

ex diff(const ex& e, const GiNaC::ex& x, int order) {
    check_order(order);
    if (auto fast = nth_derivative_by_polynomials(e, x, order)) return *fast;
    ex result = e;
    for (int i = 0; i < order && !result.is_zero(); ++i) {
        check_stop();  // a library caller's stop is seen between orders
        result = simplify(differentiator(x)(result));
    }
    return shorter_of_direct(result, e, {{x, order}});
}

ex diff(const ex& e, const derivative_spec& spec) {
    ex result = e;
    for (const auto& [x, order] : spec) result = diff(result, x, order);
    return spec.size() > 1 ? shorter_of_direct(result, e, spec) : result;
}

GiNaC::lst gradient(const ex& e, const std::vector<GiNaC::ex>& variables) {
    GiNaC::lst out;
    for (const GiNaC::ex& x : variables) out.append(simplify(differentiator(x)(e)));
    return out;
}

GiNaC::lst jacobian(const GiNaC::lst& outputs, const std::vector<GiNaC::ex>& variables) {
    std::vector<differentiator> by_variable;
    for (const GiNaC::ex& x : variables) by_variable.emplace_back(x);
    GiNaC::lst rows;
    for (const ex& f : outputs) {
        GiNaC::lst row;
        for (differentiator& d : by_variable) row.append(simplify(d(f)));
        rows.append(row);
    }
    return rows;
}

GiNaC::lst hessian(const ex& e, const std::vector<GiNaC::ex>& variables) {
    return gradient_and_hessian(e, variables).hessian;
}

first_and_second_partials gradient_and_hessian(const ex& e, const std::vector<GiNaC::ex>& variables) {
    GiNaC::lst first = gradient(e, variables);
    size_t n = variables.size();
    std::vector<differentiator> by_variable;
    for (const GiNaC::ex& x : variables) by_variable.emplace_back(x);
    std::vector<std::vector<ex>> h(n, std::vector<ex>(n));
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i; j < n; ++j) h[i][j] = h[j][i] = simplify(by_variable[j](first.op(i)));
    }
    GiNaC::lst rows;
    for (const auto& r : h) {
        GiNaC::lst row;
        for (const ex& x : r) row.append(x);
        rows.append(row);
    }
    return {first, rows};
}

}  // namespace ddx
