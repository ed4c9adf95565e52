// simplify's work budget: every expensive step is charged an estimate before it runs, a step
// that does not fit is not tried, and the shortest form found so far is the answer.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include "algebra/simplify_attempt.hpp"
#include "algebra/simplify_budget.hpp"
#include "algebra/simplify_size.hpp"
#include "core/allocation_meter.hpp"

#include <cmath>
#include <new>
#include <string>

using GiNaC::ex;

namespace {

double value_at(const ex& e, const ddx::symbol_values& at) { return ddx::evaluate_double(e, at).at(0); }

// What the ddx program's operator new does before each allocation (the unit tests keep the
// standard one, so the meters are driven by hand here).
void allocate_like_the_program(int times) {
    for (int i = 0; i < times; ++i) {
        if (ddx::allocation_must_fail()) throw std::bad_alloc();
    }
}

}  // namespace

TEST_CASE("simplify budget: units are spent only where they fit, and a refusal is remembered") {
    ddx::work_budget b(100);
    CHECK(b.try_spend(60));
    CHECK_FALSE(b.exhausted());
    CHECK_FALSE(b.try_spend(60));  // 40 left: refused, nothing charged
    CHECK(b.exhausted());
    CHECK(b.left() == doctest::Approx(40));
    CHECK(b.try_spend(40));
    b.charge(10);  // a step dearer than its estimate
    CHECK(b.left() < 0);
    CHECK_FALSE(b.try_spend(0.5));
}

TEST_CASE("simplify budget: the estimate of normal()'s size follows the shape, not the tree") {
    ddx::symbol_table s;
    // a sum over the same denominator shares it: (c + d*x)^2 and (c + d*x), not (c + d*x)^3
    double shared = ddx::normal_form_terms_estimate(ddx::parse("1/(c + d*x)^2 + 1/(c + d*x) + 1", s));
    CHECK(shared <= 10);
    // the derivative of nested fractions in four symbols: normal() would build polynomials of
    // high degree (a minute of GiNaC's time), far beyond the budget simplify has for it
    ex f = ddx::parse("1/(z + 4/(1 + (w + 4/(1 + (3*z + 7*a + 2/3*b + 7*w + 3/8)^2))^2))", s);
    ex d = ddx::differentiator(s.get("w"))(f);
    CHECK(ddx::normal_form_terms_estimate(d) > 100 * shared);
    CHECK(ddx::normal_cost(d) > 10 * ddx::simplify_units(d));
    CHECK(ddx::normal_cost(ddx::parse("x", s)) < 10);
}

TEST_CASE("simplify budget: normal() over many atoms is charged for them, the same shape over few is not") {
    // one shape, terms as products of two atoms or as single atoms: the same terms, twice the
    // atoms, and GiNaC's gcds are recursive in the atoms
    ddx::symbol_table s;
    const ex few = ddx::parse("1/(a + b + c) + 1/(d + u + v)", s);
    const ex many = ddx::parse("1/(a*g + b*h + c*k) + 1/(d*m + u*n + v*w)", s);
    const ex fewer = ddx::parse("1/(a + b) + 1/(c + d)", s);
    CHECK(ddx::normal_form_terms_estimate(many) == ddx::normal_form_terms_estimate(few));
    CHECK(ddx::normal_cost(many) == doctest::Approx(4 * ddx::normal_cost(few)));  // (12/6)^2
    // up to six atoms only the terms count
    const double t = ddx::normal_form_terms_estimate(fewer);
    CHECK(ddx::normal_cost(fewer) == doctest::Approx(t * std::log2(t + 2)));
}

TEST_CASE("simplify budget: with no units nothing is tried and the input is the answer") {
    ddx::symbol_table s;
    ex e = ddx::parse("(x^2 - 1)/(x - 1)", s);
    ddx::work_budget none(0);
    ex kept = ddx::simplify_within(e, none);
    CHECK(none.exhausted());
    CHECK(ddx::to_string(kept) == ddx::to_string(e));
    // with the budget simplify gives itself, the cancelled form
    CHECK(ddx::to_string(ddx::simplify(e)) == "x + 1");
    CHECK(ddx::simplify_units(e) >= ddx::simplify_base_units);
}

TEST_CASE("simplify budget: nested fractions in many symbols answer, equal to the raw derivative") {
    // These kept simplify busy for 34 to 66 s before the budget (GiNaC's normal() of the
    // derivative); now normal() is not tried where its estimate does not fit.
    const char* inputs[] = {
        "1/(z + 4/(1 + (w + 4/(1 + (3*z + 7*a + 2/3*b + 7*w + 3/8)^2))^2))",
        "1/(s + 5/(1 + (t + 7/(1 + (-1/3*t - 5*a - 8*b + 7*s)^2))^2))",
    };
    for (const char* text : inputs) {
        ddx::symbol_table s;
        ex f = ddx::parse(text, s);
        for (const char* v : {"w", "b", "a"}) {
            ex x = s.get(v);
            ex simplified = ddx::diff(f, x);
            ex raw = ddx::differentiator(x)(f);
            ddx::symbol_values at{{"a", 0.3}, {"b", -0.7}, {"s", 1.1}, {"t", 0.4}, {"w", -0.2}, {"z", 0.9}};
            double want = value_at(raw, at), got = value_at(simplified, at);
            CHECK(std::fabs(got - want) <= 1e-9 * (1 + std::fabs(want)));
            CHECK(ddx::printed_length(simplified) <= ddx::printed_length(raw));
        }
    }
}

TEST_CASE("allocation meter: a step past its cap is dropped, its caller goes on, and the count nests") {
    using ddx::allocation_meter;
    CHECK_FALSE(allocation_meter::refuses_next());  // no meter: nothing counted, nothing refused
    int finished = 0;
    {
        allocation_meter whole(100);
        ddx::attempt([&] {
            allocate_like_the_program(60);
            ++finished;
        });
        CHECK(whole.left() == 40);
        {
            allocation_meter share(1000);  // at most what the enclosing meter has left
            CHECK(share.left() == 40);
            ddx::attempt([&] {
                allocate_like_the_program(50);  // the 41st allocation fails
                ++finished;
            });
            CHECK(allocation_meter::refused());
            CHECK(share.left() == 0);
        }
        CHECK(whole.left() == 0);  // what the share counted was taken from the whole
        CHECK_FALSE(allocation_meter::refused());
        // outside a droppable step (printing the answer) allocations are counted, never refused
        CHECK_NOTHROW(allocate_like_the_program(10));
        ddx::attempt([&] {
            allocate_like_the_program(1);
            ++finished;
        });
    }
    CHECK(finished == 1);
    CHECK_FALSE(allocation_meter::refuses_next());
    // without a meter a std::bad_alloc is a lack of memory, and goes through
    CHECK_THROWS_AS(ddx::attempt([] { throw std::bad_alloc(); }), std::bad_alloc);
}

TEST_CASE("allocation meter: allowances follow the budget, and entries share one in fixed parts") {
    CHECK(ddx::allowance_for(-5) == 0);
    CHECK(ddx::allowance_for(10) == static_cast<std::size_t>(10 * ddx::allocations_per_unit));
    // the entries of f's matrix share the allowance of simplifies_shared_by_entries simplifies
    const std::size_t whole = ddx::allowance_for(8 * ddx::simplifies_shared_by_entries);
    ddx::shared_allowance shares(8, 4);
    std::vector<std::size_t> seen;
    for (int i = 0; i < 4; ++i) {
        shares.entry([&] {
            seen.push_back(ddx::allocation_meter(whole).left());
            ddx::attempt([&] { allocate_like_the_program(i == 0 ? 100 : 0); });
            return ex(0);
        });
    }
    // a quarter each, whatever the entries before counted: a cap that followed their exact
    // counts would follow GiNaC's hash order too
    CHECK(seen == std::vector<std::size_t>(4, whole / 4));
}
