// Entries alike up to a renaming of their symbols: the renaming is found exactly or not at
// all, within a bound on its search, and a gradient or Hessian whose entries come in such
// classes prints what simplifying every entry on its own prints.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include "algebra/renaming.hpp"
#include "algebra/simplify_budget.hpp"

#include <chrono>
#include <string>

using GiNaC::ex;

namespace {

const char* const network =
    "(y - (c + v1*tanh(w11*x1 + w12*x2 + b1) + v2*tanh(w21*x1 + w22*x2 + b2)"
    " + v3*tanh(w31*x1 + w32*x2 + b3)))^2";

std::vector<ex> symbols_named(ddx::symbol_table& s, std::initializer_list<const char*> names) {
    std::vector<ex> out;
    for (const char* n : names) out.push_back(s.get(n));
    return out;
}

}  // namespace

TEST_CASE("renaming: shapes ignore which symbols, and a renaming maps one to one") {
    ddx::symbol_table s;
    const ex a = ddx::parse("v1*tanh(w11*x1 + b1)^2 - y", s), b = ddx::parse("v2*tanh(w21*x1 + b2)^2 - y", s);
    CHECK(ddx::shape_hash(a) == ddx::shape_hash(b));
    auto renaming = ddx::renaming_between(a, b);
    REQUIRE(renaming.has_value());
    CHECK(a.subs(*renaming).is_equal(b));
    CHECK(renaming->at(s.get("w11")).is_equal(s.get("w21")));
    CHECK(renaming->at(s.get("y")).is_equal(s.get("y")));

    // a swap of two symbols is one renaming (the substitution is simultaneous)
    const ex swapped = ddx::parse("x1^2*x2 + sin(x2)", s), back = ddx::parse("x2^2*x1 + sin(x1)", s);
    auto swap = ddx::renaming_between(swapped, back);
    REQUIRE(swap.has_value());
    CHECK(swapped.subs(*swap).is_equal(back));

    // not a renaming: two symbols onto one, other numbers, other functions, other name lengths
    CHECK_FALSE(ddx::renaming_between(ddx::parse("x*y", s), ddx::parse("x^2", s)).has_value());
    CHECK_FALSE(ddx::renaming_between(ddx::parse("x + y", s), ddx::parse("x + x1", s)).has_value());
    CHECK_FALSE(ddx::renaming_between(ddx::parse("x + 2*y", s), ddx::parse("x + 3*y", s)).has_value());
    CHECK_FALSE(ddx::renaming_between(ddx::parse("sin(x)", s), ddx::parse("cos(y)", s)).has_value());
    CHECK_FALSE(ddx::renaming_between(ddx::parse("x*y + z", s), ddx::parse("x*y + x", s)).has_value());
}

TEST_CASE("renaming: a binding made inside one operand is taken back when a later one needs another") {
    // the sum inside sinh is alike to itself under the identity, but the factor x1^2 against
    // x2^2 needs x1 -> x2: the sum's w12*x2 must then go to w11*x1 (the inputs swapped)
    ddx::symbol_table s;
    const ex a = ddx::parse("sinh(w11*x1 + w12*x2 + b1)*x1^2*v1", s);
    const ex b = ddx::parse("sinh(w11*x1 + w12*x2 + b1)*x2^2*v1", s);
    auto swap = ddx::renaming_between(a, b);
    REQUIRE(swap.has_value());
    CHECK(a.subs(*swap).is_equal(b));
    CHECK(swap->at(s.get("w11")).is_equal(s.get("w12")));

    // the network's diagonal Hessian entries by the first and by the second input are one class
    const ex loss = ddx::parse(network, s);
    const ex w11 = s.get("w11"), w12 = s.get("w12");
    const ex d11 = ddx::differentiator(w11)(ddx::differentiator(w11)(loss));
    const ex d22 = ddx::differentiator(w12)(ddx::differentiator(w12)(loss));
    auto inputs_swapped = ddx::renaming_between(d11, d22);
    REQUIRE(inputs_swapped.has_value());
    CHECK(d11.subs(*inputs_swapped).is_equal(d22));
    CHECK(inputs_swapped->at(s.get("x1")).is_equal(s.get("x2")));
}

TEST_CASE("renaming: the search gives up within its bound on sums of many alike terms") {
    // sum over i of p_i*q_i against the same with one product changed to p_i*p_j: every term
    // is alike in shape, so only exhaustive pairing could show there is no renaming
    ddx::symbol_table s;
    std::string left, right;
    const int n = 40;
    for (int i = 0; i < n; ++i) {
        const std::string p = "p" + std::to_string(10 + i), q = "q" + std::to_string(10 + i);
        left += (i ? " + " : "") + p + "*" + q;
        right += (i ? " + " : "") + p + "*" + (i == n - 1 ? "p10" : q);
    }
    const ex a = ddx::parse(left, s), b = ddx::parse(right, s);
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(ddx::renaming_between(a, b, 2000).has_value());
    CHECK_FALSE(ddx::renaming_between(a, a.subs(s.get("p10") == s.get("p11"), GiNaC::subs_options::no_pattern)).has_value());
    // generous: the bound is in comparisons, each a few microseconds
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 5.0);
}

TEST_CASE("renaming: a network's gradient and Hessian print what each entry simplified alone prints") {
    ddx::symbol_table s;
    const ex loss = ddx::parse(network, s);
    const std::vector<ex> p = symbols_named(s, {"w11", "w12", "w21", "w22", "w31", "w32", "b1", "b2", "b3", "v1", "v2", "v3", "c"});
    const ddx::first_and_second_partials d = ddx::gradient_and_hessian(loss, p);
    for (size_t i = 0; i < p.size(); ++i) {
        const ex alone = ddx::simplify_derivative(ddx::differentiator(p[i])(loss), loss);
        CHECK(ddx::to_string(d.gradient.op(i)) == ddx::to_string(alone));
        for (size_t j = i; j < p.size(); ++j) {
            const ex g = d.gradient.op(i);
            const ex entry = ddx::simplify_derivative(ddx::differentiator(p[j])(g), g);
            CHECK(ddx::to_string(d.hessian.op(i).op(j)) == ddx::to_string(entry));
        }
    }
}

TEST_CASE("renaming: a Hessian row renamed from an earlier row differentiates what no variable maps to") {
    // the entries by b are those by a with a -> b, x -> y; y is no variable, so the entry
    // (b, x) has no counterpart in row a and is differentiated (it is 0); the entries by x are
    // those by a with a and x swapped
    ddx::symbol_table s;
    for (const char* text : {"tanh(a*x) + tanh(b*y)", "a*exp(a*x) + b*exp(b*y) + x^2", "sin(a*x)^2*y + sin(b*y)^2*x"}) {
        CAPTURE(text);
        const ex f = ddx::parse(text, s);
        const std::vector<ex> p = symbols_named(s, {"a", "b", "x"});
        const ddx::first_and_second_partials d = ddx::gradient_and_hessian(f, p);
        for (size_t i = 0; i < p.size(); ++i) {
            const ex g = d.gradient.op(i);
            for (size_t j = 0; j < p.size(); ++j) {
                const ex entry = ddx::simplify_derivative(ddx::differentiator(p[j])(g), g);
                CHECK(ddx::to_string(d.hessian.op(i).op(j)) == ddx::to_string(entry));
            }
        }
    }
}

TEST_CASE("renaming: memo entries are reused only for true renamings") {
    ddx::symbol_table s;
    ddx::renaming_memo memo;
    int simplified = 0;
    auto through_memo = [&](const char* text) {
        const ex e = ddx::parse(text, s);
        return ddx::to_string(memo.simplified(e, [&] {
            ++simplified;
            return ddx::simplify(e);
        }));
    };
    CHECK(through_memo("sin(a1)^2 + cos(a1)^2 + b1") == "b1 + 1");
    CHECK(through_memo("sin(a2)^2 + cos(a2)^2 + b2") == "b2 + 1");
    CHECK(simplified == 1);
    CHECK(through_memo("sin(a2)^2 + cos(a3)^2 + b2") == ddx::to_string(ddx::simplify(ddx::parse("sin(a2)^2 + cos(a3)^2 + b2", s))));
    CHECK(simplified == 2);
}
