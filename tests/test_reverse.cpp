// The gradient by reverse accumulation (ddx::reverse_gradient) and where ddx::gradient and
// ddx::jacobian use it: values against the forward differentiator and against finite
// differences for generated expressions, shared subexpressions, abs, calls GiNaC has no
// one-argument rule for, a small network; the size of the result linear in the size of f.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include "expression_generator.hpp"
#include "algebra/reverse_program.hpp"
#include "lib/coupled_loss.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using GiNaC::ex;

namespace {

struct fixture {
    ddx::symbol_table s;
    ex x = s.get("x"), y = s.get("y");
    ex p(const std::string& text) { return ddx::parse(text, s); }

    // e at a point, in double precision (nan outside the domain, or where a part has no
    // double value: GiNaC writes the derivative of atan(abs(u)) with conjugate(u)).
    double at(const ex& e, const std::vector<ex>& names, const std::vector<double>& values) {
        ddx::symbol_values b;
        for (size_t i = 0; i < names.size(); ++i) b.emplace(GiNaC::ex_to<GiNaC::symbol>(names[i]).get_name(), GiNaC::numeric(values[i]));
        try {
            std::vector<double> r = ddx::evaluate_double(e, b);
            return r.size() == 1 ? r[0] : std::nan("");
        } catch (const ddx::error&) {
            return std::nan("");
        }
    }
};

bool close(double a, double b, double tolerance) {
    if (!std::isfinite(a) || !std::isfinite(b)) return false;
    return std::fabs(a - b) <= tolerance * std::max({1.0, std::fabs(a), std::fabs(b)});
}

// The distinct nodes of all entries together (they share).
size_t nodes_of(const GiNaC::lst& entries) {
    GiNaC::exprseq all;
    for (const ex& e : entries) all.append(e);
    return ddx::distinct_nodes(all);
}

// (y - (c + sum_j v_j*tanh(w_j1*x1 + w_j2*x2 + b_j)))^2 with `units` hidden units; its
// parameters in `params`.
ex network(ddx::symbol_table& s, int units, std::vector<ex>& params) {
    ex x1 = s.get("x1"), x2 = s.get("x2"), out = s.get("c");
    for (int j = 0; j < units; ++j) {
        std::string k = std::to_string(j);
        ex w1 = s.get("w" + k + "a"), w2 = s.get("w" + k + "b"), b = s.get("b" + k), v = s.get("v" + k);
        out += v * GiNaC::tanh(w1 * x1 + w2 * x2 + b);
        for (const ex& q : {w1, w2, b, v}) params.push_back(q);
    }
    params.push_back(s.get("c"));
    return GiNaC::pow(s.get("y") - out, 2);
}

}  // namespace

TEST_CASE_FIXTURE(fixture, "reverse gradient: generated expressions agree with the forward differentiator and finite differences") {
    ddx_test::expression_generator generator(20261206, 4);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> box(0.2, 1.8);
    int compared = 0, differenced = 0;
    for (int i = 0; i < 200; ++i) {
        std::string text = generator.next();
        ex e = p(text);
        GiNaC::lst g = ddx::reverse_gradient(e, {x, y});
        REQUIRE(g.nops() == 2);
        ex forward[2] = {ddx::differentiator(x)(e), ddx::differentiator(y)(e)};
        for (int trial = 0; trial < 3; ++trial) {
            std::vector<double> point = {box(rng), box(rng)};
            double f = at(e, {x, y}, point);
            if (!std::isfinite(f) || std::fabs(f) > 1e6) continue;
            for (int k = 0; k < 2; ++k) {
                double reverse = at(g.op(k), {x, y}, point), fwd = at(forward[k], {x, y}, point);
                if (!std::isfinite(fwd) || std::fabs(fwd) > 1e6) continue;
                INFO(text << "  d/d" << (k ? "y" : "x") << " at (" << point[0] << ", " << point[1] << ")");
                CHECK(close(reverse, fwd, 1e-9));
                ++compared;
                // central differences at two steps; compared only where they agree (smooth)
                auto central = [&](double h) {
                    std::vector<double> up = point, down = point;
                    up[k] += h;
                    down[k] -= h;
                    return (at(e, {x, y}, up) - at(e, {x, y}, down)) / (2 * h);
                };
                double d1 = central(1e-5), d2 = central(2e-5);
                if (close(d1, d2, 1e-6)) {
                    CHECK(close(reverse, d1, 1e-5));
                    ++differenced;
                }
            }
        }
    }
    MESSAGE(compared << " partials compared with the forward differentiator, " << differenced << " with finite differences");
    CHECK(compared > 600);
    CHECK(differenced > 400);
}

TEST_CASE_FIXTURE(fixture, "reverse gradient as a program: its definitions substituted back give the gradient's values") {
    ddx_test::expression_generator generator(20261207, 4);
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> box(0.2, 1.8);
    int compared = 0;
    for (int i = 0; i < 150; ++i) {
        const std::string text = generator.next();
        const ex e = p(text);
        const ddx::gradient_program program = ddx::reverse_gradient_program(e, {x, y}, "#0.");
        const GiNaC::lst g = ddx::reverse_gradient(e, {x, y});
        // the names, last first, replaced by what they stand for (each reads earlier ones)
        GiNaC::lst entries = program.entries;
        ex substituted = entries;
        for (size_t k = program.definitions.size(); k-- > 0;) {
            substituted = substituted.subs(program.definitions[k].first == program.definitions[k].second);
        }
        for (const auto& [name, definition] : program.definitions) {
            CHECK(GiNaC::is_a<GiNaC::symbol>(name));
            CHECK(GiNaC::ex_to<GiNaC::symbol>(name).get_name().rfind("#0.", 0) == 0);
        }
        for (int trial = 0; trial < 2; ++trial) {
            std::vector<double> point = {box(rng), box(rng)};
            for (int k = 0; k < 2; ++k) {
                double want = at(g.op(k), {x, y}, point), got = at(substituted.op(k), {x, y}, point);
                if (!std::isfinite(want) || std::fabs(want) > 1e6) continue;
                INFO(text << "  d/d" << (k ? "y" : "x"));
                CHECK(close(got, want, 1e-9));
                ++compared;
            }
        }
    }
    CHECK(compared > 300);
}

TEST_CASE_FIXTURE(fixture, "reverse gradient as a program: a sum adjoint is named once, not merged into every entry") {
    // d/dv_i of (v_0 + ... + v_(n-1))^2 is 2*(v_0 + ... + v_(n-1)) for every i: as one
    // expression each entry holds the n terms; as a program one definition does
    std::vector<ex> v;
    const int n = 60;
    const ex f = ddx_test::coupled_loss(s, n, v);
    const ddx::gradient_program program = ddx::reverse_gradient_program(f, v, "#0.");
    // operands at the top of each expression: a sum's terms (distinct nodes would count a
    // term v_j once however many sums hold it)
    size_t program_size = 0, entries_size = 0;
    for (const auto& d : program.definitions) program_size += d.second.nops();
    for (const ex& e : program.entries) program_size += e.nops();
    for (const ex& e : ddx::reverse_gradient(f, v)) entries_size += e.nops();
    MESSAGE("top-level operands for " << n << " variables: program " << program_size << ", entries " << entries_size);
    CHECK(program_size < 12 * n);
    CHECK(entries_size > n * n / 2);  // (what the program avoids: if this fails, GiNaC stopped merging)
}

TEST_CASE_FIXTURE(fixture, "reverse gradient: shared subexpressions, repeated and absent variables") {
    ex u = GiNaC::sin(x * y);
    ex e = u * GiNaC::cos(u) + GiNaC::pow(u, 2) + GiNaC::exp(u) * x;  // u is one node, read four times
    ex z = s.get("z");
    GiNaC::lst g = ddx::reverse_gradient(e, {x, y, x, z});
    REQUIRE(g.nops() == 4);
    CHECK(g.op(3).is_zero());
    for (double a : {0.3, 1.1, -0.7}) {
        for (double b : {0.5, -1.3}) {
            for (int k = 0; k < 2; ++k) {
                ex v = k ? y : x;
                CHECK(close(at(g.op(k), {x, y}, {a, b}), at(ddx::differentiator(v)(e), {x, y}, {a, b}), 1e-12));
            }
            CHECK(at(g.op(2), {x, y}, {a, b}) == at(g.op(0), {x, y}, {a, b}));
        }
    }
    CHECK_THROWS_AS(ddx::reverse_gradient(e, {x + 1}), ddx::error);
    CHECK_THROWS_AS(ddx::reverse_gradient(GiNaC::lst{x, y}, {x}), ddx::error);
    // x^y: the exponent's partial x^y*log(x) too
    GiNaC::lst h = ddx::reverse_gradient(p("x^y + 2^(x*y)"), {x, y});
    CHECK(close(at(h.op(0), {x, y}, {1.5, 0.5}), 0.5 * std::pow(1.5, -0.5) + 0.5 * std::log(2) * std::pow(2, 0.75), 1e-12));
    CHECK(close(at(h.op(1), {x, y}, {1.5, 0.5}), std::pow(1.5, 0.5) * std::log(1.5) + 1.5 * std::log(2) * std::pow(2, 0.75), 1e-12));
}

TEST_CASE_FIXTURE(fixture, "reverse gradient: abs differentiates with abs itself, as the forward differentiator does") {
    ex e = p("abs(x - y)*x + abs(sin(x))^3 + y/abs(x)");
    GiNaC::lst g = ddx::reverse_gradient(e, {x, y});
    for (const ex& entry : g) {
        std::string text = ddx::to_string(entry);
        CHECK(text.find("abs") != std::string::npos);
        for (const char* banned : {"sign", "csgn", "conjugate"}) CHECK(text.find(banned) == std::string::npos);
    }
    for (double a : {-1.5, 0.4, 2.0}) {
        for (double b : {-0.3, 0.9}) {
            CHECK(close(at(g.op(0), {x, y}, {a, b}), at(ddx::differentiator(x)(e), {x, y}, {a, b}), 1e-12));
            CHECK(close(at(g.op(1), {x, y}, {a, b}), at(ddx::differentiator(y)(e), {x, y}, {a, b}), 1e-12));
        }
    }
}

TEST_CASE_FIXTURE(fixture, "reverse gradient: a call of two arguments is differentiated forward") {
    ex e = GiNaC::atan2(y, x * x) * y + GiNaC::sin(x);  // (atan2 is not in the language: GiNaC's evalf)
    GiNaC::lst g = ddx::reverse_gradient(e, {x, y});
    auto value = [&](const ex& d, double a) {
        return GiNaC::ex_to<GiNaC::numeric>(GiNaC::evalf(d.subs(GiNaC::lst{x == a, y == 0.7}))).to_double();
    };
    for (double a : {0.5, 1.5}) {
        CHECK(close(value(g.op(0), a), value(e.diff(GiNaC::ex_to<GiNaC::symbol>(x)), a), 1e-12));
        CHECK(close(value(g.op(1), a), value(e.diff(GiNaC::ex_to<GiNaC::symbol>(y)), a), 1e-12));
    }
}

TEST_CASE("reverse gradient: undefined functions, their derivatives and calls of two arguments") {
    ddx::session session;
    std::ostringstream ignored;
    session.run("g = f(x*y)^2*sin(x) + h(x, y)*x\nd = diff(g, x)\n", ignored);
    ex x = session.symbols().get("x"), y = session.symbols().get("y");
    for (const char* name : {"g", "d"}) {  // d holds f'(x*y), differentiated to f''(x*y)
        ex e = ddx::as_expression(session.bindings().at(name));
        GiNaC::lst g = ddx::reverse_gradient(e, {x, y});
        for (int k = 0; k < 2; ++k) {
            ex by = k ? y : x;
            INFO(name << " d/d" << (k ? "y" : "x") << ": " << ddx::to_string(g.op(k)));
            CHECK(GiNaC::normal(GiNaC::expand(g.op(k) - ddx::differentiator(by)(e))).is_zero());
        }
    }
}

TEST_CASE_FIXTURE(fixture, "reverse gradient: a network's gradient, and gradient switches to it above its budget") {
    std::vector<ex> params;
    ex loss = network(s, 4, params);  // 17 parameters: simplified entries, as before
    GiNaC::lst reverse = ddx::reverse_gradient(loss, params);
    GiNaC::lst simplified = ddx::gradient(loss, params);
    std::vector<ex> names = params;
    for (const char* n : {"x1", "x2", "y"}) names.push_back(s.get(n));
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int trial = 0; trial < 5; ++trial) {
        std::vector<double> point(names.size());
        for (double& v : point) v = u(rng);
        for (size_t k = 0; k < params.size(); ++k) {
            CHECK(close(at(reverse.op(k), names, point), at(simplified.op(k), names, point), 1e-12));
        }
    }
    // The simplified entries read as before: d/dc is 2*(c + ... - y).
    CHECK(ddx::to_string(simplified.op(params.size() - 1)).find("tanh") != std::string::npos);

    // 64 hidden units: 257 parameters, 709 nodes; above the budget the entries are the
    // reverse sweep's, which share the hidden units' adjoints.
    std::vector<ex> big_params;
    ddx::symbol_table t;
    ex big = network(t, 64, big_params);
    GiNaC::lst g = ddx::gradient(big, big_params);
    REQUIRE(g.nops() == big_params.size());
    CHECK(nodes_of(g) <= 4 * ddx::distinct_nodes(big));
    GiNaC::lst again = ddx::reverse_gradient(big, big_params);
    CHECK(nodes_of(again) == nodes_of(g));
    std::vector<ex> big_names = big_params;
    for (const char* n : {"x1", "x2", "y"}) big_names.push_back(t.get(n));
    std::vector<double> point(big_names.size());
    for (double& v : point) v = u(rng);
    for (size_t k : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{100}, big_params.size() - 1}) {
        ex by = big_params[k];
        CHECK(close(at(g.op(k), big_names, point), at(ddx::differentiator(by)(big), big_names, point), 1e-12));
    }
    // A Jacobian's row of that size is one reverse sweep too; small rows stay simplified.
    GiNaC::lst rows = ddx::jacobian(GiNaC::lst{big, x * y}, {big_params[0], x});
    CHECK(close(at(rows.op(0).op(0), big_names, point), at(g.op(0), big_names, point), 1e-12));
    CHECK(ddx::to_string(rows.op(1)) == "[0, y]");
}

TEST_CASE("reverse gradient: distinct nodes linear in those of f, for chains of doubling length") {
    // e_(k+1) = sin(e_k)*e_k + y*e_k, every e_k read three times (built by a session: GiNaC's
    // own operators walk shared parts as trees), and a chain of calls sin(sin(...(x*y))),
    // whose adjoints are products growing by one factor per level.
    double largest = 0;
    for (int n : {25, 50, 100, 200, 400}) {
        ddx::session session;
        std::string script = "e = x\nc = x*y\n";
        for (int k = 0; k < n; ++k) script += "e = sin(e)*e + y*e\nc = sin(c)\n";
        std::ostringstream ignored;
        session.run(script, ignored);
        ex x = session.symbols().get("x"), y = session.symbols().get("y");
        for (const char* name : {"e", "c"}) {
            ex f = ddx::as_expression(session.bindings().at(name));
            GiNaC::lst g = ddx::reverse_gradient(f, {x, y});
            double ratio = static_cast<double>(nodes_of(g)) / static_cast<double>(ddx::distinct_nodes(f));
            INFO(name << ", n = " << n << ": " << nodes_of(g) << " nodes for " << ddx::distinct_nodes(f));
            CHECK(ratio <= 4);
            largest = std::max(largest, ratio);
            if (n == 25) {  // the values still agree with the forward differentiator
                ddx::symbol_values at{{"x", GiNaC::numeric(3, 10)}, {"y", GiNaC::numeric(1, 5)}};
                for (int k = 0; k < 2; ++k) {
                    ex by = k ? y : x;
                    CHECK(close(ddx::evaluate_double(g.op(k), at)[0], ddx::evaluate_double(ddx::differentiator(by)(f), at)[0], 1e-9));
                }
            }
        }
    }
    MESSAGE("largest ratio of distinct nodes, gradient to f: " << largest);
}

TEST_CASE_FIXTURE(fixture, "hessian: more than 40,000 entries is an error naming the limit, before any work") {
    std::vector<ex> many;
    ex sum = 0;
    for (int i = 0; i < 201; ++i) {
        many.push_back(s.get("q" + std::to_string(i)));
        sum += GiNaC::pow(many.back(), 2);
    }
    try {
        ddx::hessian(sum, many);
        FAIL("no error");
    } catch (const ddx::error& e) {
        std::string what = e.what();
        CHECK(what.find("40000") != std::string::npos);
        CHECK(what.find("201 variables") != std::string::npos);
    }
    many.pop_back();
    CHECK(ddx::hessian(sum, many).nops() == 200);
}

TEST_CASE_FIXTURE(fixture, "hessian: rows of big gradient entries by one reverse sweep each, symmetric, right values") {
    // the coupled loss + v_0*v_1*v_2: every gradient entry holds all of v, so each row is one
    // sweep (differentiating each entry by each variable: n^3)
    std::vector<ex> v;
    const int n = 120;
    const ex coupled = ddx_test::coupled_loss(s, n, v);  // (fills v first)
    const ex f = coupled + v[0] * v[1] * v[2];
    const ddx::first_and_second_partials d = ddx::gradient_and_hessian(f, v);
    std::vector<double> point;
    for (int i = 0; i < n; ++i) point.push_back(0.01 * ((5 * i) % 17) - 0.08);
    auto want = [&](int i, int j) {  // 2 + 2*[i = j]*(1 + 6*v_i^2) + the product's part
        double h = 2 + (i == j ? 2 + 12 * point[i] * point[i] : 0);
        if (i != j && i < 3 && j < 3) h += point[3 - i - j];
        return h;
    };
    int checked = 0;
    for (int i = 0; i < n; i += 7) {
        for (int j = 0; j < n; j += 5) {
            INFO("entry " << i << ", " << j);
            CHECK(d.hessian.op(i).op(j).is_equal(d.hessian.op(j).op(i)));
            CHECK(close(at(d.hessian.op(i).op(j), v, point), want(i, j), 1e-12));
            ++checked;
        }
    }
    CHECK(close(at(d.hessian.op(1).op(2), v, point), want(1, 2), 1e-12));
    CHECK(checked > 400);
}

TEST_CASE_FIXTURE(fixture, "gradient memory: a result is remembered while held, and forgotten once nobody holds it") {
    std::vector<ex> v;
    const ex f = ddx_test::coupled_loss(s, 60, v);
    GiNaC::lst g = ddx::gradient(f, v);
    GiNaC::lst copy;  // an equal list, another object (lookups compare contents)
    for (const ex& e : g) copy.append(e);
    REQUIRE(ddx::origin_of_gradient(copy).has_value());
    CHECK(ddx::origin_of_gradient(copy)->function.is_equal(f));
    g = GiNaC::lst{};  // the table's key is now the result's last reference
    ddx::gradient(x * y, {x, y});  // the next remember forgets it
    CHECK_FALSE(ddx::origin_of_gradient(copy).has_value());
}
