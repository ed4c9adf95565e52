#include "algebra/nth_derivative_analysis.hpp"

#include "core/class_test.hpp"

#include <ddx/differentiator.hpp>
#include <ddx/simplify.hpp>

#include "core/construct.hpp"
#include "core/numbers.hpp"

#include <algorithm>
#include <cln/integer.h>

namespace ddx::high_order {

using GiNaC::is_a;

// (rational coefficients: the dense arithmetic has no room for parameters)
bool is_rational_in(const ex& e, const GiNaC::lst& vars) {
    if (is_class<GiNaC::numeric>(e)) return GiNaC::ex_to<numeric>(e).is_rational();
    if (is_class<GiNaC::symbol>(e)) return std::any_of(vars.begin(), vars.end(), [&](const ex& v) { return v.is_equal(e); });
    if (is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e)) {
        return std::all_of(e.begin(), e.end(), [&](const ex& c) { return is_rational_in(c, vars); });
    }
    if (is_class<GiNaC::power>(e)) {
        const ex& exponent = e.op(1);
        return is_class<GiNaC::numeric>(exponent) && GiNaC::ex_to<numeric>(exponent).is_integer() && is_rational_in(e.op(0), vars);
    }
    return false;
}

bool is_tangent_call(const ex& node) {
    return GiNaC::is_the_function<GiNaC::tan_SERIAL>(node) || GiNaC::is_the_function<GiNaC::tanh_SERIAL>(node);
}

namespace {

// exp(c*x) with c rational: c; otherwise 0.
numeric linear_rate(const ex& exp_call, const ex& x) {
    ex arg = exp_call.op(0);
    if (!arg.is_polynomial(x) || arg.degree(x) != 1 || arg.ldegree(x) != 1) return 0;
    ex c = arg.coeff(x, 1);
    if (!is_class<GiNaC::numeric>(c) || !GiNaC::ex_to<numeric>(c).is_rational()) return 0;
    return GiNaC::ex_to<numeric>(c);
}

factored_denominator square_free_parts(const ex& d, const GiNaC::lst& vars) {
    factored_denominator out;
    ex s = GiNaC::sqrfree(d, vars);
    GiNaC::exvector parts;
    if (is_class<GiNaC::mul>(s)) {
        parts.assign(s.begin(), s.end());
    } else {
        parts.push_back(s);
    }
    for (const ex& p : parts) {
        ex base = p;
        numeric e = 1;
        if (is_class<GiNaC::power>(p) && is_class<GiNaC::numeric>(p.op(1))) {
            base = p.op(0);
            e = GiNaC::ex_to<numeric>(p.op(1));
        }
        bool constant = true;
        for (const ex& v : vars) constant = constant && !base.has(v);
        if (constant) {
            out.constant = out.constant * p;
        } else {
            out.factors.emplace_back(base, e);
        }
    }
    return out;
}

// atan(p), atanh(p) or log(p): d/dp of the call, else nothing; written in `p` where that is
// given (the argument with the generators as symbols: from the call itself GiNaC evaluates
// atan(x*exp(2*x))'s 1 + (x*exp(2*x))^2 as 1 + x^2*exp(4*x), where exp(4*x) is no generator).
std::optional<ex> outer_rational_derivative(const ex& call, const std::optional<ex>& argument = std::nullopt) {
    if (!is_a<GiNaC::function>(call) || call.nops() != 1) return std::nullopt;
    const ex& p = argument ? *argument : call.op(0);
    if (GiNaC::is_the_function<GiNaC::atan_SERIAL>(call)) return GiNaC::pow(1 + GiNaC::pow(p, 2), -1);
    if (GiNaC::is_the_function<GiNaC::atanh_SERIAL>(call)) return GiNaC::pow(1 - GiNaC::pow(p, 2), -1);
    if (GiNaC::is_the_function<GiNaC::log_SERIAL>(call)) return GiNaC::pow(p, -1);
    return std::nullopt;
}

// asin(u), acos(u), asinh(u), acosh(u) with u a polynomial in x over the rationals: the
// call's derivative is sign*u'/sqrt(P) with P = 1 - u^2 or 1 + u^2, or u'/(sqrt(u - 1)*
// sqrt(u + 1)), read as times*u'*S_1*...*S_k/(P_1*...*P_k) with roots S_i = sqrt(P_i) and P_i
// the radicands times squares of integer coefficients, common factors that are squares taken
// out, and all common factors where together they make a square (acosh(2*x + 3): sqrt(x + 1)*
// sqrt(x + 2), not sqrt(2*x + 2)*sqrt(2*x + 4)). (A factor left in a root stays inside it:
// GiNaC turns 16*sqrt(2) into a float.)
struct inverse_of_roots {
    ex u;
    std::vector<ex> radicands;  // the P_i
    numeric times;
};
std::optional<inverse_of_roots> inverse_of_roots_of(const ex& call, const ex& x) {
    const ex& u = call.op(0);
    std::vector<ex> radicands;
    numeric sign = 1;
    if (GiNaC::is_the_function<GiNaC::asin_SERIAL>(call) || GiNaC::is_the_function<GiNaC::acos_SERIAL>(call)) {
        radicands = {1 - GiNaC::pow(u, 2)};
        if (GiNaC::is_the_function<GiNaC::acos_SERIAL>(call)) sign = -1;
    } else if (GiNaC::is_the_function<GiNaC::asinh_SERIAL>(call)) {
        radicands = {1 + GiNaC::pow(u, 2)};
    } else if (GiNaC::is_the_function<GiNaC::acosh_SERIAL>(call)) {
        radicands = {u - 1, u + 1};
    } else {
        return std::nullopt;
    }
    if (!u.is_polynomial(x) || !to_dense(u, x)) return std::nullopt;
    inverse_of_roots out{u, {}, sign};
    std::vector<numeric> contents;
    for (const ex& radicand : radicands) {
        const ex p = radicand.expand();
        const auto coefficients = to_dense(p, x);
        if (!coefficients) return std::nullopt;
        cln::cl_I denominators = 1;
        for (const auto& c : *coefficients) denominators = cln::lcm(denominators, cln::denominator(c));
        cln::cl_I l_integer;
        if (!cln::sqrtp(denominators, &l_integer)) l_integer = denominators;
        numeric l(l_integer);
        ex integral = (l * l * p).expand();
        // the largest square k^2 dividing the content (small contents only: a search)
        numeric content = integral.integer_content();
        constexpr long max_searched_content = 1000000;
        for (long k = content < max_searched_content ? GiNaC::isqrt(content).to_long() : 1; k > 1; --k) {
            if (GiNaC::mod(content, numeric(k * k)).is_zero()) {
                integral = (integral / numeric(k * k)).expand();
                content = content / (k * k);
                l = l / k;
                break;
            }
        }
        out.radicands.push_back(integral);
        out.times = out.times * l;
        contents.push_back(content);
    }
    numeric together = 1;
    for (const numeric& c : contents) together = together * c;
    const numeric root = GiNaC::isqrt(together);
    if (root * root == together && together != 1) {
        for (size_t i = 0; i < contents.size(); ++i) out.radicands[i] = (out.radicands[i] / contents[i]).expand();
        out.times = out.times / root;
    }
    return out;
}

// How analyse reads f: a rational function of x or of u = exp(g*x) (times exp(h)); or a
// polynomial in generators with such coefficients, the exponentials of linear arguments read
// as u (then no other generator but T) or as generators themselves.
enum class reading { rational, generators, generators_and_exponentials };

// a where e is a*x + b, a rational and not 0, b free of x; else 0.
numeric rate_of_linear(const ex& e, const ex& x) {
    if (!e.is_polynomial(x) || e.degree(x) != 1) return 0;
    ex a = e.coeff(x, 1);
    if (!is_class<GiNaC::numeric>(a) || !GiNaC::ex_to<numeric>(a).is_rational()) return 0;
    return GiNaC::ex_to<numeric>(a);
}

// The generators of the calls of f: T, and for sin, cos, sinh, cosh (and exp, when read so)
// of a linear argument the pair (or the one) its derivatives run through. False where f
// has two T, or a linear exponential beside another generator when read as u. asin, acos,
// asinh and acosh stand as T too, each with its roots S (also read as T), and so do sin, cos,
// sinh, cosh (tan, tanh) of arguments that are not linear: their derivatives with respect to
// their argument, in x and the generators' symbols, go to `outer_derivatives`.
bool find_generators(const ex& r, const ex& x, reading how, tangent_reading tangents, analysis& a,
                     std::map<size_t, ex>& outer_derivatives) {
    auto index_of = [&](const ex& call) -> size_t {
        for (size_t i = 0; i < a.generators.size(); ++i) {
            if (a.generators[i].call.is_equal(call)) return i;
        }
        a.generators.push_back({call, GiNaC::symbol("g" + std::to_string(a.generators.size())), {}});
        return a.generators.size() - 1;
    };
    for (auto it = r.preorder_begin(); it != r.preorder_end(); ++it) {
        const ex& node = *it;
        if (!is_a<GiNaC::function>(node) || node.nops() != 1 || !(node.op(0).has(x) || node.op(0).has(a.u))) continue;
        if (outer_rational_derivative(node)) {
            a.logarithmic.try_emplace(index_of(node));
            continue;
        }
        if (auto inverse = inverse_of_roots_of(node, x)) {
            const size_t t = index_of(node);
            ex outer = inverse->times;  // d/du of the call
            for (const ex& p : inverse->radicands) {
                const size_t root = index_of(GiNaC::sqrt(p));
                const ex s = a.generators[root].symbol;
                outer = outer * s / p;
                outer_derivatives[root] = s / (2 * p);  // d/dp of sqrt(p)
                a.logarithmic.try_emplace(root);
                const auto square = to_integers(*to_dense(p, x));
                if (!square) return false;  // (integers by construction)
                if (std::none_of(a.roots.begin(), a.roots.end(), [&](const auto& rule) { return rule.root == root; })) {
                    a.roots.push_back({root, *square});
                }
            }
            outer_derivatives[t] = outer;
            a.logarithmic.try_emplace(t);
            continue;
        }
        const ex& arg = node.op(0);
        const bool trigonometric = GiNaC::is_the_function<GiNaC::sin_SERIAL>(node) || GiNaC::is_the_function<GiNaC::cos_SERIAL>(node);
        const bool hyperbolic = GiNaC::is_the_function<GiNaC::sinh_SERIAL>(node) || GiNaC::is_the_function<GiNaC::cosh_SERIAL>(node);
        const bool tangent = tangents != tangent_reading::none && is_tangent_call(node);
        const numeric rate = rate_of_linear(arg, x);
        const bool tangent_read = tangent && (tangents == tangent_reading::of_any_generators || is_rational_in(arg, GiNaC::lst{x}));
        if (rate.is_zero() && (trigonometric || hyperbolic || tangent_read) && !arg.has(a.u)) {
            // of a p beyond a*x + b, rational in x and the other generators (sin(x^2),
            // sin(x*exp(x)), sin(sin(x)); tan and tanh of a rational function of x: tanh(1/x)):
            // a T whose outer derivative is the other of the pair (sin(p)' = p'*cos(p)), or
            // 1 +- T^2; p' by the chain rule as T's
            if (trigonometric || hyperbolic) {
                const size_t s = index_of(trigonometric ? GiNaC::sin(arg) : GiNaC::sinh(arg));
                const size_t k = index_of(trigonometric ? GiNaC::cos(arg) : GiNaC::cosh(arg));
                outer_derivatives[s] = a.generators[k].symbol;
                outer_derivatives[k] = (trigonometric ? -1 : 1) * a.generators[s].symbol;
                a.logarithmic.try_emplace(s);
                a.logarithmic.try_emplace(k);
                if (std::none_of(a.squares.begin(), a.squares.end(), [&](const auto& rule) { return rule.odd == s; })) {
                    a.squares.push_back({s, k, trigonometric ? -1 : 1});
                }
            } else {
                const size_t t = index_of(node);
                const ex square = GiNaC::pow(a.generators[t].symbol, 2);
                outer_derivatives[t] = GiNaC::is_the_function<GiNaC::tan_SERIAL>(node) ? 1 + square : 1 - square;
                a.logarithmic.try_emplace(t);
            }
            continue;
        }
        if (rate.is_zero()) continue;  // left to the test for a rational function, which fails
        const cln::cl_RA c = cln::the<cln::cl_RA>(rate.to_cl_N());
        if (trigonometric || hyperbolic) {
            // (sin, cos)' = a*(cos, -sin); (sinh, cosh)' = a*(cosh, sinh)
            const size_t s = index_of(trigonometric ? GiNaC::sin(arg) : GiNaC::sinh(arg));
            const size_t k = index_of(trigonometric ? GiNaC::cos(arg) : GiNaC::cosh(arg));
            a.generators[s].derivative = {{k, c}};
            a.generators[k].derivative = {{s, trigonometric ? cln::cl_RA(-c) : c}};
            if (std::none_of(a.squares.begin(), a.squares.end(), [&](const auto& rule) { return rule.odd == s; })) {
                a.squares.push_back({s, k, trigonometric ? -1 : 1});
            }
        } else if (is_exp(node) && how == reading::generators_and_exponentials) {
            const size_t e = index_of(node);
            a.generators[e].derivative = {{e, c}};
        } else if (tangent) {
            generator& t = a.generators[index_of(node)];
            t.square_free = c;
            t.square = GiNaC::is_the_function<GiNaC::tan_SERIAL>(node) ? c : cln::cl_RA(-c);
        }
    }
    // generators whose call GiNaC wrote differently (cos(-x) as cos(x)) have no rule: not read
    for (size_t i = 0; i < a.generators.size(); ++i) {
        if (a.generators[i].derivative.empty() && !a.logarithmic.count(i) && !is_tangent(a.generators[i])) return false;
    }
    return true;
}

// p = c*p~ with p~ a polynomial of coprime integer coefficients, where c^k is rational (k =
// a/b: c a b-th power): p^k = c^k*p~^k. 1 + (7/6*x + 4)^2, asinh(7/6*x + 4)'s, is
// (49*x^2 + 336*x + 612)/36, and its high orders printed ((7*x + 24)^2/36 + 1)^(19/2) under
// a constant of eleven digits.
std::optional<std::pair<ex, numeric>> primitive_base(const ex& p, const numeric& k, const ex& x) {
    const auto d = to_dense(p, x);
    if (!d) return std::nullopt;
    cln::cl_I numerators = 0, denominators = 1;
    for (const auto& c : *d) {
        numerators = cln::gcd(numerators, cln::numerator(c));
        denominators = cln::lcm(denominators, cln::denominator(c));
    }
    const cln::cl_RA content = numerators / denominators;
    if (cln::zerop(numerators) || content == 1) return std::nullopt;
    const cln::cl_RA exponent = cln::the<cln::cl_RA>(k.to_cl_N());
    cln::cl_RA root;
    if (!cln::rootp(content, cln::denominator(exponent), &root)) return std::nullopt;
    return std::pair{sum_of_powers(scaled(*d, 1 / content), x), numeric(cln::expt(root, cln::numerator(exponent)))};
}

// f's analysis, read as `how` says.
std::optional<analysis> analyse(const ex& f, const ex& x, reading how, tangent_reading tangents) {
    // dense polynomials of a few thousand terms at most (the expansion limit is for users)
    if (estimated_expanded_terms(f) > 2000) return std::nullopt;
    analysis a;
    a.f = f;
    a.x = x;
    ex e = combine_exponentials(f);
    // E = exp(h) with h not linear in x, or b^c with c a function of x (x^x), as a factor of
    // the whole: E' = h'*E, with h' = (c*log(b))' a rational function of x and the generators
    // (x^x: log(x) + 1, exp(sin(x)): cos(x))
    ex rest = e;
    auto exponential = [&](const ex& c) {
        if (is_class<GiNaC::power>(c)) return c.op(1).has(x) && how != reading::rational;
        return is_exp(c) && c.op(0).has(x) && linear_rate(c, x).is_zero() &&
               (how != reading::generators_and_exponentials || rate_of_linear(c.op(0), x).is_zero());
    };
    if (exponential(e)) {
        a.exp_factor = e;
        rest = 1;
    } else if (is_class<GiNaC::mul>(e)) {
        GiNaC::exvector others;
        for (const ex& c : e) {
            if (a.exp_factor.is_equal(1) && exponential(c)) {
                a.exp_factor = c;
            } else {
                others.push_back(c);
            }
        }
        rest = GiNaC::mul(others);
    }
    ex h_derivative = 0;
    if (!a.exp_factor.is_equal(1)) {
        differentiator d_dx(x);
        const ex& b = a.exp_factor.op(0);
        h_derivative = is_exp(a.exp_factor) ? d_dx(b) : d_dx(a.exp_factor.op(1)) * GiNaC::log(b) + a.exp_factor.op(1) * d_dx(b) / b;
    }
    // p^k with k a fraction and p a polynomial in x, as a factor of the denominator with
    // exponent -k: (p^k)' is p^k times the rational k*p'/p, as exp(h)' is exp(h) times h'
    // (sqrt and asinh of linear arguments to order 200: 2 s of stepwise simplifying). Read
    // with generators, p may be a polynomial in them too (sqrt(1 + sin(x)^2): order 30 took
    // 0.8 s stepwise and printed 20 KB); that is checked once they are symbols.
    std::vector<std::pair<ex, numeric>> powers;
    auto fractional_power = [&](const ex& c) {
        if (!is_class<GiNaC::power>(c) || !is_class<GiNaC::numeric>(c.op(1))) return false;
        const numeric& k = GiNaC::ex_to<numeric>(c.op(1));
        if (!k.is_rational() || k.is_integer() || !c.op(0).has(x)) return false;
        return how != reading::rational || (c.op(0).is_polynomial(x) && to_dense(c.op(0), x));  // (rational coefficients)
    };
    {
        GiNaC::exvector others;
        for (const ex& c : is_class<GiNaC::mul>(rest) ? GiNaC::exvector(rest.begin(), rest.end()) : GiNaC::exvector{rest}) {
            if (fractional_power(c)) {
                const numeric& k = GiNaC::ex_to<numeric>(c.op(1));
                if (auto primitive = primitive_base(c.op(0), k, x)) {
                    powers.emplace_back(primitive->first, k);
                    others.push_back(primitive->second);
                } else {
                    powers.emplace_back(c.op(0), k);
                }
            } else {
                others.push_back(c);
            }
        }
        if (!powers.empty()) rest = GiNaC::mul(others);
    }

    // exp(c*x) as u^(c/g), g the rates' gcd with the sign most of them have
    int balance = 0;
    for (auto it = rest.preorder_begin(); it != rest.preorder_end() && how != reading::generators_and_exponentials; ++it) {
        if (!is_exp(*it) || !it->op(0).has(x)) continue;
        numeric c = linear_rate(*it, x);
        if (c.is_zero()) return std::nullopt;
        a.g = rational_gcd(a.g, c);
        balance += c.is_negative() ? -1 : 1;
    }
    if (balance < 0) a.g = -a.g;
    ex r = rest;
    if (!a.g.is_zero()) {
        r = rewrite_bottom_up(rest, [&](const ex& node) -> ex {
            if (!is_exp(node) || !node.op(0).has(x)) return node;
            return GiNaC::pow(a.u, linear_rate(node, x) / a.g);
        });
    }
    GiNaC::lst vars{x, a.u};
    // one variable only: in u (then h must be 0) or in x
    a.in_u = !a.g.is_zero();
    ex v = a.in_u ? ex(a.u) : x;
    // d/dx of a polynomial in v and the generators' symbols (each generator's derivative by
    // its rule: T has none here, it stays out of denominators)
    auto d_dx = [&](const ex& p) -> ex {
        if (a.in_u) return (a.g * a.u * p.diff(a.u)).expand();
        ex d = p.diff(GiNaC::ex_to<GiNaC::symbol>(x));
        for (const generator& gen : a.generators) {
            if (!p.has(gen.symbol)) continue;
            ex rule = numeric(gen.square_free) + numeric(gen.square) * GiNaC::pow(gen.symbol, 2);
            for (const auto& [j, rate] : gen.derivative) rule += numeric(rate) * a.generators[j].symbol;
            d += p.diff(gen.symbol) * rule;
        }
        return d.expand();
    };
    std::map<size_t, ex> t_derivatives;  // each T' as a rational function of v
    if (how != reading::rational) {
        GiNaC::lst read{r, h_derivative};
        for (const auto& [p, k] : powers) read.append(p);
        std::map<size_t, ex> outer_derivatives;
        if (!find_generators(read, x, how, tangents, a, outer_derivatives) || a.generators.empty() || a.generators.size() > 8) {
            return std::nullopt;
        }
        if (a.in_u && (a.generators.size() > 1 || !a.roots.empty())) return std::nullopt;  // T alone beside u
        // whole calls first (log(sin(x)) is a generator, and so is the sin(x) in it; GiNaC's
        // subs replaces operands first)
        struct calls_as_symbols : GiNaC::map_function {
            GiNaC::exmap symbols;
            ex operator()(const ex& e) override {
                auto it = symbols.find(e);
                return it != symbols.end() ? it->second : e.map(*this);
            }
        } generators_as_symbols;
        for (const generator& gen : a.generators) generators_as_symbols.symbols[gen.call] = gen.symbol;
        r = generators_as_symbols(r);
        h_derivative = generators_as_symbols(h_derivative);
        for (auto& [p, k] : powers) p = generators_as_symbols(p);
        for (const generator& gen : a.generators) vars.append(gen.symbol);
        // T = log(p), atan(p), atanh(p), sin(p), ...: p rational in x and the other generators
        // but T's (log(sin(x)), sin(x)^x's: T' = cos(x)/sin(x)), T' by the chain rule
        for (const auto& [i, unused] : a.logarithmic) {
            const ex p = generators_as_symbols(a.generators[i].call.op(0));
            if (!is_rational_in(p, vars) || (a.in_u && p.has(x))) return std::nullopt;
            for (const auto& [j, other] : a.logarithmic) {
                if (p.has(a.generators[j].symbol)) return std::nullopt;
            }
            const ex p_parts = GiNaC::numer_denom(GiNaC::normal(p));
            const ex dp = GiNaC::normal((d_dx(p_parts.op(0)) * p_parts.op(1) - p_parts.op(0) * d_dx(p_parts.op(1))) /
                                        GiNaC::pow(p_parts.op(1), 2));
            auto outer_known = outer_derivatives.find(i);
            const ex outer = outer_known != outer_derivatives.end() ? outer_known->second
                                                                     : *outer_rational_derivative(a.generators[i].call, p);
            t_derivatives[i] = GiNaC::normal(dp * outer);
        }
    }
    auto has_generator = [&](const ex& e) {
        return std::any_of(a.generators.begin(), a.generators.end(), [&](const generator& gen) { return e.has(gen.symbol); });
    };
    if (!is_rational_in(r, vars) || !is_rational_in(h_derivative, vars)) return std::nullopt;
    ex nd = GiNaC::numer_denom(GiNaC::normal(r));
    // generators may stand in the denominator (1/(2 + sin(x))), but for T, whose derivative is
    // not a polynomial, and beside u
    for (const auto& [i, unused] : a.logarithmic) {
        if (nd.op(1).has(a.generators[i].symbol)) return std::nullopt;
    }
    if (a.in_u && has_generator(nd.op(1))) return std::nullopt;
    a.den = square_free_parts(nd.op(1), vars);
    if (a.in_u && (nd.has(x) || !a.exp_factor.is_equal(1) || !powers.empty())) return std::nullopt;
    for (const auto& [p, k] : powers) {
        // a polynomial (in x and the generators, not T), square-free and prime to the other
        // factors: each factor's exponent is its own
        if (!is_rational_in(p, vars) || !p.is_polynomial(vars)) return std::nullopt;
        for (const auto& [i, unused] : a.logarithmic) {
            if (p.has(a.generators[i].symbol)) return std::nullopt;
        }
        const factored_denominator parts = square_free_parts(p, vars);
        if (parts.factors.size() != 1 || parts.factors[0].second != 1) return std::nullopt;
        for (const auto& [b, e] : a.den.factors) {
            if (!is_class<GiNaC::numeric>(GiNaC::gcd(p, b))) return std::nullopt;
        }
        a.den.factors.emplace_back(p, -k);
    }
    a.q_powers.assign(a.den.factors.size(), 1);  // from here on a factor joins both
    // T' = P_T/Q_T and h' = P_h/Q_h: the factors of Q_T and Q_h join D's with exponent 0
    // where q has no multiple of them, so that T' q and h' q are polynomials; a factor p^k of
    // Q_T or Q_h with k > 1 stands in q as p^k (exp(1/x): h' = -1/x^2, q = x^2;
    // exp(x/(1 + x)) to order 30 took 4.8 s by the rules and printed 930 KB)
    auto joined = [&](const ex& denominator) {
        for (const auto& [p, k] : square_free_parts(denominator, vars).factors) {
            const int times = k.to_int();
            ex quotient;
            bool in_q = false;
            for (size_t i = 0; i < a.den.factors.size() && !in_q; ++i) {
                in_q = GiNaC::divide(a.den.factors[i].first.expand(), p.expand(), quotient) && is_class<GiNaC::numeric>(quotient);
                if (in_q) a.q_powers[i] = std::max(a.q_powers[i], times);
            }
            if (in_q) continue;
            ex q_so_far = 1;
            for (const auto& [b, e] : a.den.factors) q_so_far = q_so_far * b;
            if (times == 1 && GiNaC::divide(q_so_far.expand(), p.expand(), quotient)) continue;
            for (const auto& [b, e] : a.den.factors) {
                if (!is_class<GiNaC::numeric>(GiNaC::gcd(p, b))) return false;  // a part of b: not square-free in q
            }
            a.den.factors.emplace_back(p, 0);
            a.q_powers.push_back(times);
        }
        return true;
    };
    // each root's radicand a factor of its own (acosh's T' has (x + 1)*(x + 2) below, whose
    // square-free part is x^2 + 3*x + 2: beside sqrt(x + 1) that printed no power of x + 1)
    for (const auto& rule : a.roots) {
        if (!joined(sum_of_powers(to_rationals(rule.square), x))) return std::nullopt;
    }
    std::map<size_t, ex> t_parts;
    for (const auto& [i, t_derivative] : t_derivatives) {
        t_parts[i] = GiNaC::numer_denom(t_derivative);
        if (!joined(t_parts[i].op(1))) return std::nullopt;
    }
    ex h_parts = GiNaC::lst{0, 1};
    if (!h_derivative.is_zero()) {
        h_parts = GiNaC::numer_denom(GiNaC::normal(h_derivative));
        for (const auto& [i, unused] : a.logarithmic) {
            if (h_parts.op(1).has(a.generators[i].symbol)) return std::nullopt;
        }
        if (!joined(h_parts.op(1))) return std::nullopt;
    }
    auto by_monomials = [&](const ex& polynomial) { return by_monomials_of(polynomial, a.generators, v); };
    ex q = 1, w = 0;
    for (size_t i = 0; i < a.den.factors.size(); ++i) q = q * GiNaC::pow(a.den.factors[i].first, a.q_powers[i]);
    q = q.expand();
    for (const auto& [p, k] : a.den.factors) {
        ex others;
        if (!GiNaC::divide(q, p.expand(), others)) return std::nullopt;  // exact by construction
        w += k * d_dx(p) * others;
        if (has_generator(p)) {
            a.factors.emplace_back();
            a.factor_scales.emplace_back(1);
            continue;
        }
        auto as_dense = to_dense(p, v);
        if (!as_dense) return std::nullopt;
        cln::cl_I integral = 1;
        for (const auto& c : *as_dense) integral = cln::lcm(integral, cln::denominator(c));
        a.factors.push_back(scaled(*as_dense, integral));
        a.factor_scales.push_back(integral);
    }
    auto qd = by_monomials(q), wd = by_monomials(w), dqd = by_monomials(d_dx(q));
    if (!qd || !wd || !dqd) return std::nullopt;
    std::map<size_t, numerator_terms> t_q;
    for (const auto& [i, parts] : t_parts) {
        ex cofactor;
        if (!GiNaC::divide(q, parts.op(1), cofactor)) return std::nullopt;
        auto tqd = by_monomials(parts.op(0) * cofactor);
        if (!tqd) return std::nullopt;
        t_q[i] = std::move(*tqd);
    }
    std::optional<numerator_terms> n0 = by_monomials(nd.op(0)), hq = numerator_terms{};
    if (!h_parts.op(0).is_zero()) {
        ex cofactor;
        if (!GiNaC::divide(q, h_parts.op(1), cofactor)) return std::nullopt;
        hq = by_monomials(h_parts.op(0) * cofactor);
    }
    if (!n0 || !hq) return std::nullopt;
    if (n0->empty()) n0->emplace(monomial(a.generators.size(), 0), dense{0});
    cln::cl_I lcm = 1, of_numerator = 1;
    auto denominators = [](const dense& p, cln::cl_I& into) {
        for (const auto& c : p) into = cln::lcm(into, cln::denominator(c));
    };
    std::vector<numerator_terms*> rates{&*qd, &*wd, &*dqd};  // (each times scale below)
    for (auto& [i, tq] : t_q) rates.push_back(&tq);
    for (const numerator_terms* p : rates) {
        for (const auto& [m, c] : *p) denominators(c, lcm);
    }
    for (const auto& [m, c] : *hq) denominators(c, lcm);
    for (const generator& gen : a.generators) {
        denominators(dense{gen.square_free, gen.square}, lcm);
        for (const auto& [j, rate] : gen.derivative) lcm = cln::lcm(lcm, cln::denominator(rate));
    }
    const cln::cl_RA g = a.in_u ? cln::the<cln::cl_RA>(a.g.to_cl_N()) : cln::cl_RA(0);
    lcm = cln::lcm(lcm, cln::denominator(g));
    for (const auto& [m, c] : *n0) denominators(c, of_numerator);
    a.scale = lcm, a.numerator_scale = of_numerator, a.scaled_g = g * lcm;
    for (numerator_terms* p : rates) {
        for (auto& [m, c] : *p) c = scaled(c, a.scale);
    }
    for (auto& [m, c] : *hq) c = scaled(c, a.scale * a.scale);
    for (generator& gen : a.generators) {
        gen.square_free = gen.square_free * a.scale, gen.square = gen.square * a.scale;
        for (auto& [j, rate] : gen.derivative) rate = rate * a.scale;
    }
    for (auto& [m, c] : *n0) c = scaled(c, a.numerator_scale);
    // integers now, by construction
    std::optional<integer_terms> q_integers = to_integers(*qd), w_integers = to_integers(*wd), dq_integers = to_integers(*dqd),
                                 hq_integers = to_integers(*hq), n0_integers = to_integers(*n0);
    if (!q_integers || !w_integers || !dq_integers || !hq_integers || !n0_integers) return std::nullopt;
    a.q = std::move(*q_integers), a.w = std::move(*w_integers), a.dq = std::move(*dq_integers), a.hq = std::move(*hq_integers);
    for (const auto& [i, tq] : t_q) {
        auto integers = to_integers(tq);
        if (!integers) return std::nullopt;
        a.logarithmic[i] = std::move(*integers);
    }
    reduce_squares(*n0_integers, a);
    // the denominator printed with the calls again
    for (const auto& [p, k] : a.den.factors) a.factor_symbols.push_back(p);
    GiNaC::exmap calls;
    for (const generator& gen : a.generators) calls[gen.symbol] = gen.call;
    for (auto& [p, k] : a.den.factors) p = p.subs(calls, GiNaC::subs_options::no_pattern);
    a.numerators.push_back(std::move(*n0_integers));
    a.by = analysis::route::numerators;
    // Orders 1 to 3 of sines, cosines and exponentials are left to simplify, whose forms read
    // better there: (sin(x)*cos(x))' is cos(2*x), where the generators write
    // cos(x)^2 - sin(x)^2. From order 4 on simplifying order after order is what costs
    // (sin(x)/(1 + x^2) to order 100: 8.8 s, by the generators 1.2 s, most of it the plain
    // derivative it is held against).
    // The same for fractional powers: orders 1 to 3 keep simplify's forms, from order 4
    // these cost less (sqrt(1 + (5*x + 6)^2) to order 200: 2.4 s stepwise, 0.3 s so). Read
    // with tangents, every order is asked for (the caller weighs the forms).
    // And for E beyond exp of a polynomial (x^x, exp(sin(x))).
    const bool polynomial_exponent = is_exp(a.exp_factor) && a.exp_factor.op(0).is_polynomial(x);
    // And for two or more T (log(x)*atan(x)).
    const bool more = a.generators.size() > a.logarithmic.size() || a.logarithmic.size() > 1 || !powers.empty();
    if (tangents == tangent_reading::none && (more || (!a.exp_factor.is_equal(1) && !polynomial_exponent))) {
        a.lowest_order = 4;
    }
    return a;
}

// f as a polynomial in generators: exponentials of linear arguments read as u first, else as
// generators themselves.
std::optional<analysis> analyse_generators(const ex& f, const ex& x, tangent_reading tangents) {
    if (auto a = analyse(f, x, reading::generators, tangents)) return a;
    return analyse(f, x, reading::generators_and_exponentials, tangents);
}

}  // namespace

std::optional<numerator_terms> by_monomials_of(const ex& polynomial, const std::vector<generator>& generators, const ex& v, size_t max_monomials) {
    const ex expanded = polynomial.expand();
    std::map<monomial, ex> by_monomial;
    for (const ex& term : is_class<GiNaC::add>(expanded) ? GiNaC::exvector(expanded.begin(), expanded.end()) : GiNaC::exvector{expanded}) {
        monomial m;
        ex coefficient = term;
        for (const generator& gen : generators) {
            m.push_back(term.degree(gen.symbol));
            coefficient = coefficient * GiNaC::pow(gen.symbol, -m.back());
        }
        by_monomial[m] += coefficient;
        if (by_monomial.size() > max_monomials) return std::nullopt;
    }
    numerator_terms out;
    for (const auto& [m, coefficient] : by_monomial) {
        auto as_dense = to_dense(coefficient, v);
        if (!as_dense) return std::nullopt;
        if (!is_zero(*as_dense)) out.emplace(m, std::move(*as_dense));
    }
    return out;
}

std::optional<integer_terms> to_integers(const numerator_terms& n) {
    integer_terms out;
    for (const auto& [m, c] : n) {
        auto integers = to_integers(c);
        if (!integers) return std::nullopt;
        out.emplace(m, std::move(*integers));
    }
    return out;
}

numerator_terms to_rationals(const integer_terms& n) {
    numerator_terms out;
    for (const auto& [m, c] : n) out.emplace(m, to_rationals(c));
    return out;
}

namespace {

// Each monomial of n with g^2 or more, highest powers of g first (what they give has lower
// ones, taken in turn): its coefficient taken out and given to `rewrite` with the monomial
// lowered by g^2, which adds what it stands for and returns the monomials it made anew.
template <class Rewrite>
void lower_squares(integer_terms& n, size_t g, Rewrite rewrite) {
    std::vector<monomial> squared;
    for (const auto& [m, c] : n) {
        if (m[g] >= 2) squared.push_back(m);
    }
    std::sort(squared.begin(), squared.end(), [&](const monomial& l, const monomial& r) { return l[g] > r[g]; });
    for (size_t i = 0; i < squared.size(); ++i) {
        auto at = n.find(squared[i]);
        if (at == n.end()) continue;
        const integer_dense c = std::move(at->second);
        n.erase(at);
        monomial lower = squared[i];
        lower[g] -= 2;
        for (const monomial& made : rewrite(lower, c)) {
            if (made[g] >= 2) squared.push_back(made);
        }
    }
}

// n[m] += part; whether m is new in n.
bool add_into(integer_terms& n, const monomial& m, const integer_dense& part) {
    auto [into, fresh] = n.try_emplace(m, part);
    if (!fresh) into->second = into->second + part;
    return fresh;
}

}  // namespace

void reduce_squares(integer_terms& n, const analysis& a) {
    for (const auto& rule : a.squares) {
        lower_squares(n, rule.even, [&](const monomial& lower, const integer_dense& c) {
            monomial other = lower;
            other[rule.odd] += 2;
            std::vector<monomial> made;
            if (add_into(n, lower, c)) made.push_back(lower);
            if (add_into(n, other, scaled(c, mpz_class(rule.sign)))) made.push_back(other);
            return made;
        });
    }
    for (const auto& rule : a.roots) {
        lower_squares(n, rule.root, [&](const monomial& lower, const integer_dense& c) {
            integer_dense part;
            add_product(part, c, rule.square, 1);
            trim(part);
            return add_into(n, lower, part) ? std::vector<monomial>{lower} : std::vector<monomial>{};
        });
    }
    for (auto at = n.begin(); at != n.end();) at = is_zero(at->second) && n.size() > 1 ? n.erase(at) : std::next(at);
}

analysis& analysed(const ex& f, const ex& x, bool may_step_first, tangent_reading tangents) {
    thread_local std::vector<analysis> recent;
    auto it = std::find_if(recent.begin(), recent.end(),
                           [&](const analysis& a) { return a.f.is_equal(f) && a.x.is_equal(x) && a.tangents == tangents; });
    if (it != recent.end()) return *it;
    std::optional<analysis> a;
    if (tangents != tangent_reading::none) {
        a = analyse_generators(f, x, tangents);
    } else {
        a = analyse(f, x, reading::rational, tangents);
    }
    if (!a && may_step_first) {
        // atan(x), log(1 + x^2), asinh(x): the first derivative may be of the form (one step
        // only: tanh's derivatives never are, and stepping on would differentiate by the
        // rules); else f may be a polynomial in generators: atan, atanh or log, sin and
        // cos, sinh and cosh, exp of linear arguments
        if (analysed(differentiator(x)(f), x, false, tangent_reading::none).by == analysis::route::numerators) {
            a.emplace();
            a->by = analysis::route::first_derivative;
        } else {
            a = analyse_generators(f, x, tangent_reading::none);
        }
    }
    if (!a) a.emplace();
    a->f = f, a->x = x, a->tangents = tangents;
    if (recent.size() >= 8) recent.erase(recent.begin());
    recent.push_back(std::move(*a));
    return recent.back();
}

}  // namespace ddx::high_order
