#include <ddx/calculus.hpp>
#include <ddx/error.hpp>
#include <ddx/simplify.hpp>

#include <map>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;

namespace {

// f'(t) for a one-argument function, with t a fixed real symbol, computed once per
// function by GiNaC and then substituted: d f(u) = f'(u) du. For abs this gives
// t/abs(t), the contract's form (no sign, csgn or conjugate). The cache holds facts about
// GiNaC's fixed function table, like GiNaC's own remember tables, not session state.
ex outer_derivative(const ex& call, const ex& argument) {
    static const GiNaC::realsymbol t("t");
    static std::map<unsigned, ex> cache;
    unsigned serial = GiNaC::ex_to<GiNaC::function>(call).get_serial();
    auto it = cache.find(serial);
    if (it == cache.end()) it = cache.emplace(serial, GiNaC::function(serial, t).diff(t)).first;
    return it->second.subs(t == argument, GiNaC::subs_options::no_pattern);
}

}  // namespace

ex differentiator::operator()(const ex& e) {
    auto it = memo_.find(e);
    if (it != memo_.end()) return it->second;
    ex d = compute(e);
    memo_.emplace(e, d);
    return d;
}

ex differentiator::compute(const ex& e) {
    if (is_a<GiNaC::numeric>(e) || is_a<GiNaC::constant>(e)) return 0;
    if (is_a<GiNaC::symbol>(e)) return e.is_equal(variable_) ? 1 : 0;
    if (is_a<GiNaC::lst>(e)) {
        GiNaC::lst out;
        for (const ex& x : e) out.append((*this)(x));
        return out;
    }
    if (is_a<GiNaC::add>(e)) {
        GiNaC::exvector terms;
        for (const ex& t : e) terms.push_back((*this)(t));
        return GiNaC::add(terms);
    }
    if (is_a<GiNaC::mul>(e)) {
        // Product rule; factors that do not depend on the variable are skipped.
        GiNaC::exvector terms;
        for (size_t i = 0; i < e.nops(); ++i) {
            ex d = (*this)(e.op(i));
            if (d.is_zero()) continue;
            GiNaC::exvector factors;
            for (size_t j = 0; j < e.nops(); ++j) factors.push_back(j == i ? d : e.op(j));
            terms.push_back(GiNaC::mul(factors));
        }
        return GiNaC::add(terms);
    }
    if (is_a<GiNaC::power>(e)) {
        const ex& base = e.op(0);
        const ex& exponent = e.op(1);
        ex db = (*this)(base), de = (*this)(exponent);
        if (de.is_zero()) {
            if (db.is_zero()) return 0;
            return exponent * GiNaC::pow(base, exponent - 1) * db;
        }
        if (db.is_zero()) return e * GiNaC::log(base) * de;
        return e * (de * GiNaC::log(base) + exponent * db / base);
    }
    if (is_a<GiNaC::function>(e) && e.nops() == 1) {
        ex du = (*this)(e.op(0));
        if (du.is_zero()) return 0;
        // d abs(u) = u/abs(u) du, reusing this very abs(u) (rebuilding it would let GiNaC
        // rewrite it with real_part or conjugate)
        if (GiNaC::is_the_function<GiNaC::abs_SERIAL>(e)) return e.op(0) / e * du;
        return outer_derivative(e, e.op(0)) * du;
    }
    return e.diff(GiNaC::ex_to<GiNaC::symbol>(variable_));
}

namespace {

void check_order(int order) {
    if (order < 0) throw error("the order of a derivative cannot be negative");
    if (order > 1000) throw error("derivative order " + std::to_string(order) + " is above the limit of 1000");
}

}  // namespace

ex diff(const ex& e, const GiNaC::ex& x, int order) {
    check_order(order);
    ex result = e;
    for (int i = 0; i < order && !result.is_zero(); ++i) {
        differentiator d(x);
        result = simplify(d(result));
    }
    return result;
}

ex diff(const ex& e, const derivative_spec& spec) {
    ex result = e;
    for (const auto& [x, order] : spec) result = diff(result, x, order);
    return result;
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
    return rows;
}

}  // namespace ddx
