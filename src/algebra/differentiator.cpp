#include <ddx/differentiator.hpp>
#include <ddx/functions.hpp>
#include <ddx/limits.hpp>

#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/expairs.hpp"
#include "core/real_domain.hpp"
#include "core/undefined_functions.hpp"

#include <map>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;

namespace {

// f'(t) for a one-argument function, with t a fixed real symbol, computed once per
// function by GiNaC. For abs this is t/abs(t): the form ddx prints (no sign, csgn or
// conjugate). The cache holds facts about GiNaC's fixed function table, like GiNaC's own
// remember tables, not session state.
const GiNaC::realsymbol& generic_argument() {
    static const GiNaC::realsymbol t("t");
    return t;
}

const ex& generic_derivative(unsigned serial) {
    thread_local std::map<unsigned, ex> cache;  // per thread: GiNaC objects are not shared across threads
    auto it = cache.find(serial);
    if (it == cache.end()) {
        const ex t = generic_argument();
        const math_function* row = find_math_function(serial);
        ex d = row && row->derivative ? row->derivative(t)
                                      : GiNaC::function(serial, t).diff(GiNaC::ex_to<GiNaC::symbol>(t));
        it = cache.emplace(serial, d).first;
    }
    return it->second;
}

// f(u), evaluated by GiNaC unless u is large: GiNaC's evaluation of cos(u), ... inspects u
// as a tree (u*60/Pi, signs), exponential in the nesting of shared parts (cos(e) for the
// derivative of sin(e), e = sin(e')*e' + y*e', ..., took seconds at 40 levels); the
// language's calls follow the same rule (lang/build.cpp).
ex new_call(unsigned serial, const ex& u) {
    if (serial != GiNaC::abs_SERIAL::serial && serial != GiNaC::conjugate_function_SERIAL::serial &&
        tree_size_exceeds(u, limits::evaluated_argument_nodes)) {
        return GiNaC::function(serial, u).hold();
    }
    return GiNaC::function(serial, u);
}

std::pair<unsigned, const GiNaC::basic*> function_key(const ex& call) {
    return {GiNaC::ex_to<GiNaC::function>(call).get_serial(), &GiNaC::ex_to<GiNaC::basic>(call.op(0))};
}

}  // namespace

ex differentiator::operator()(const ex& e) {
    register_functions(e);
    return derivative(e);
}

void differentiator::register_functions(const ex& e) {
    visit_distinct(e, visited_, [&](const ex& x) {
        if (is_a<GiNaC::function>(x) && x.nops() == 1 && !is_fderivative(x)) functions_.emplace(function_key(x), x);
    });
}

ex differentiator::derivative(const ex& e) {
    auto it = memo_.find(e);
    if (it != memo_.end()) return it->second;
    ex d = compute(e);
    memo_.emplace(e, d);
    return d;
}

// f'(u) from the generic f'(t), rebuilt node by node: functions of u that already exist are
// reused, arithmetic is rebuilt with constructors (GiNaC's operator* walks whole trees).
ex differentiator::outer_derivative(const ex& call) {
    unsigned serial = GiNaC::ex_to<GiNaC::function>(call).get_serial();
    detail::node_map<ex> done;
    return substitute(generic_derivative(serial), generic_argument(), call.op(0), done);
}

ex differentiator::call_derivative(const ex& call) {
    register_functions(call);
    if (GiNaC::is_the_function<GiNaC::abs_SERIAL>(call)) return GiNaC::mul(call.op(0), GiNaC::pow(call, -1));
    return outer_derivative(call);
}

ex differentiator::substitute(const ex& e, const ex& t, const ex& u, detail::node_map<ex>& done) {
    if (e.is_equal(t)) return u;
    if (e.nops() == 0) return e;
    auto it = done.find(e);
    if (it != done.end()) return it->second;
    GiNaC::exvector children;
    for (const ex& c : e) children.push_back(substitute(c, t, u, done));
    ex out;
    if (is_class<GiNaC::add>(e)) {
        out = GiNaC::add(children);
    } else if (is_class<GiNaC::mul>(e)) {
        out = GiNaC::mul(children);
    } else if (is_class<GiNaC::power>(e)) {
        out = real_pow(children[0], children[1]);
    } else if (is_a<GiNaC::function>(e) && children.size() == 1 && !is_fderivative(e)) {
        unsigned serial = GiNaC::ex_to<GiNaC::function>(e).get_serial();
        auto known = functions_.find({serial, &GiNaC::ex_to<GiNaC::basic>(children[0])});
        out = known != functions_.end() ? known->second : new_call(serial, children[0]);
    } else {
        out = e.subs(t == u, GiNaC::subs_options::no_pattern);
    }
    done.emplace(e, out);
    return out;
}

ex differentiator::compute(const ex& e) {
    if (is_class<GiNaC::numeric>(e) || is_a<GiNaC::constant>(e)) return 0;
    if (is_class<GiNaC::symbol>(e)) return e.is_equal(variable_) ? 1 : 0;
    if (is_a<GiNaC::lst>(e)) {
        GiNaC::lst out;
        for (const ex& x : e) out.append(derivative(x));
        return out;
    }
    if (is_class<GiNaC::add>(e)) {
        GiNaC::exvector terms;
        for (const ex& t : e) terms.push_back(derivative(t));
        operands_built_ += terms.size();
        return GiNaC::add(terms);
    }
    if (is_class<GiNaC::mul>(e)) {
        // Product rule; factors that do not depend on the variable are skipped.
        GiNaC::exvector terms;
        for (size_t i = 0; i < e.nops(); ++i) {
            ex d = derivative(e.op(i));
            if (d.is_zero()) continue;
            GiNaC::exvector factors;
            for (size_t j = 0; j < e.nops(); ++j) factors.push_back(j == i ? d : e.op(j));
            operands_built_ += factors.size();
            terms.push_back(GiNaC::mul(factors));
        }
        operands_built_ += terms.size();
        return GiNaC::add(terms);
    }
    if (is_class<GiNaC::power>(e)) {
        const ex& base = e.op(0);
        const ex& exponent = e.op(1);
        ex db = derivative(base), de = derivative(exponent);
        if (de.is_zero()) {
            if (db.is_zero()) return 0;
            return GiNaC::mul(exponent, real_pow(base, exponent - 1), db);
        }
        if (db.is_zero()) return GiNaC::mul(e, GiNaC::log(base), de);
        return times(e, times(de, GiNaC::log(base)) + GiNaC::mul(exponent, db, GiNaC::pow(base, -1)));
    }
    if (is_a<GiNaC::function>(e) && e.nops() == 1 && !is_fderivative(e)) {  // f'(u): GiNaC's rule below
        ex du = derivative(e.op(0));
        if (du.is_zero()) return 0;
        // d abs(u) = u/abs(u) du, reusing this very abs(u) (rebuilding it would let GiNaC
        // rewrite it with real_part or conjugate)
        if (GiNaC::is_the_function<GiNaC::abs_SERIAL>(e)) return GiNaC::mul(e.op(0), GiNaC::pow(e, -1), du);
        return times(outer_derivative(e), du);
    }
    return e.diff(GiNaC::ex_to<GiNaC::symbol>(variable_));
}

}  // namespace ddx
