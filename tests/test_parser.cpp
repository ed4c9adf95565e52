// Parser: precedence, positions on errors, nesting limit, statements.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <string>

using GiNaC::ex;

namespace {

bool same(const ex& a, const ex& b) { return (a - b).expand().is_zero(); }

ddx::position error_position(const std::string& text) {
    try {
        ddx::parse_program(text);
    } catch (const ddx::error& e) {
        return e.where();
    }
    FAIL("no error for: " << text);
    return {};
}

}  // namespace

TEST_CASE("operators follow the language's precedence") {
    ddx::symbol_table s;
    ex x = s.get("x"), y = s.get("y"), z = s.get("z");
    CHECK(same(ddx::parse("-x^2", s), -GiNaC::pow(x, 2)));
    CHECK(same(ddx::parse("x^-2", s), GiNaC::pow(x, -2)));
    CHECK(ddx::parse("x^y^z", s).is_equal(GiNaC::pow(x, GiNaC::pow(y, z))));
    CHECK(ddx::parse("x**y", s).is_equal(GiNaC::pow(x, y)));
    CHECK(same(ddx::parse("x - y - z", s), x - y - z));
    CHECK(same(ddx::parse("x / y / z", s), x / y / z));
    CHECK(same(ddx::parse("2 + 3*x^2", s), 2 + 3 * GiNaC::pow(x, 2)));
    CHECK(same(ddx::parse("-(x + y)", s), -x - y));
}

TEST_CASE("a negative coefficient comes out of odd functions and drops from even ones") {
    ddx::symbol_table s;
    ex x = s.get("x"), y = s.get("y");
    CHECK(ddx::parse("cos(-x)", s).is_equal(GiNaC::cos(x)));
    CHECK(ddx::parse("cosh(-2*x*y)", s).is_equal(GiNaC::cosh(2 * x * y)));
    for (const char* odd : {"sin", "tan", "sinh", "tanh", "asin", "atan", "asinh", "atanh"}) {
        CAPTURE(odd);
        CHECK(ddx::parse(std::string(odd) + "(-x/3)", s).is_equal(-ddx::parse(std::string(odd) + "(x/3)", s)));
    }
    // a sum keeps the orientation it was written in; acos has no parity
    CHECK(ddx::to_string(ddx::parse("sin(1 - x)", s)) == "sin(1 - x)");
    CHECK(ddx::to_string(ddx::parse("acos(-x)", s)) == "acos(-x)");
}

TEST_CASE("numbers: integers and rationals exact, decimals are doubles") {
    ddx::symbol_table s;
    ex third = ddx::parse("1/3", s);
    CHECK(GiNaC::ex_to<GiNaC::numeric>(third).is_rational());
    CHECK(third.is_equal(GiNaC::numeric(1, 3)));
    ex big = ddx::parse("123456789012345678901234567890", s);
    CHECK(GiNaC::ex_to<GiNaC::numeric>(big).is_integer());
    ex d = ddx::parse("2.5", s);
    CHECK_FALSE(GiNaC::ex_to<GiNaC::numeric>(d).is_rational());
    CHECK(GiNaC::ex_to<GiNaC::numeric>(ddx::parse("1e-3", s)).to_double() == 1e-3);
}

TEST_CASE("one symbol per name") {
    ddx::symbol_table s;
    ex a = ddx::parse("x + 1", s), b = ddx::parse("x - 1", s);
    CHECK((a - b).is_equal(2));
}

TEST_CASE("statements: expressions, assignments, definitions, separators, comments") {
    auto program = ddx::parse_program("a = 1; f(x, y) = x*y # comment\n\n  a + 1\n");
    REQUIRE(program.size() == 3);
    CHECK(program[0].type == ddx::statement::kind::assignment);
    CHECK(program[0].name == "a");
    CHECK(program[1].type == ddx::statement::kind::definition);
    CHECK(program[1].params == std::vector<std::string>{"x", "y"});
    CHECK(program[2].type == ddx::statement::kind::expression);
    CHECK(program[2].where.line == 3);
    CHECK(program[2].where.column == 3);
}

TEST_CASE("calls take options and ranges; `..` is one token") {
    auto program = ddx::parse_program("plot(e, x = -7..7, \"f.png\")");
    const ddx::node& call = program.at(0).body;
    REQUIRE(call.type == ddx::node::kind::call);
    REQUIRE(call.children.size() == 3);
    CHECK(call.children[1].type == ddx::node::kind::option);
    CHECK(call.children[1].children[0].type == ddx::node::kind::range);
    CHECK(call.children[2].type == ddx::node::kind::string);
    auto derivative = ddx::parse_program("f''(x)").at(0).body;
    CHECK(derivative.type == ddx::node::kind::derivative);
    CHECK(derivative.primes == 2);
}

TEST_CASE("syntax errors carry line and column") {
    ddx::position p = error_position("x = 1\ny = 2 +* 3");
    CHECK(p.line == 2);
    CHECK(p.column == 8);
    p = error_position("sin(x");
    CHECK(p.line == 1);
    CHECK(p.column == 6);
    p = error_position("a\n  b)");
    CHECK(p.line == 2);
    CHECK(p.column == 4);
    p = error_position("x $ y");
    CHECK(p.column == 3);
    p = error_position("2x");
    CHECK(p.column == 2);
    p = error_position("\"open");
    CHECK(p.column == 1);
    CHECK(error_position("(x + 1) = 3").column == 9);
    CHECK(error_position("f(1) = 3").column == 3);
}

TEST_CASE("nesting beyond the limit is an error, not a stack overflow") {
    for (const char* unit : {"(", "-", "x^", "["}) {
        std::string text;
        for (int i = 0; i < 200000; ++i) text += unit;
        text += "x";
        CHECK_THROWS_AS(ddx::parse_program(text), ddx::error);
    }
    std::string ok;
    for (int i = 0; i < 100; ++i) ok += "(";
    ok += "x";
    for (int i = 0; i < 100; ++i) ok += ")";
    CHECK(ddx::parse_program(ok).size() == 1);
}

TEST_CASE("exactly the nesting limit is allowed, one more level is not") {
    auto nested = [](int levels) {
        return std::string(static_cast<size_t>(levels), '(') + "x" + std::string(static_cast<size_t>(levels), ')');
    };
    CHECK(ddx::parse_program(nested(ddx::limits::input_nesting)).size() == 1);
    try {
        ddx::parse_program(nested(ddx::limits::input_nesting + 1));
        FAIL("one level past the limit was read");
    } catch (const ddx::error& e) {
        CHECK(std::string(e.what()).find("nested deeper than 1000 levels") != std::string::npos);
    }
}

TEST_CASE("CRLF, tabs and newlines inside brackets") {
    auto program = ddx::parse_program("a = [1,\r\n\t2]\r\nb = 3\r\n");
    CHECK(program.size() == 2);
    CHECK(ddx::needs_more_input("f(x,"));
    CHECK(ddx::needs_more_input("[[1, 2],"));
    CHECK_FALSE(ddx::needs_more_input("f(x)"));
}

TEST_CASE("NUL bytes and invalid UTF-8 are errors") {
    CHECK_THROWS_AS(ddx::parse_program(std::string("x\0y", 3)), ddx::error);
    CHECK_THROWS_AS(ddx::parse_program("x \xff y"), ddx::error);
    // inside a string too (strings are echoed and used as file names)
    CHECK(error_position("1\nplot(x, x = 0..1, \"a\xff\xfe.png\")").line == 2);
    CHECK_THROWS_AS(ddx::parse_program("\"\xc3\""), ddx::error);  // a truncated sequence
    CHECK_NOTHROW(ddx::parse_program("\"h\xc3\xa9llo \xe2\x82\xac\""));  // héllo €
}

TEST_CASE("long sums and products are built at once, lists still element-wise") {
    ddx::symbol_table s;
    ex x = s.get("x"), y = s.get("y");
    CHECK(same(ddx::parse("x - y + 2*x - 3 - y", s), 3 * x - 2 * y - 3));
    CHECK(same(ddx::parse("2*x*y*x*3", s), 6 * x * x * y));
    CHECK(same(ddx::parse("x*y/x*2", s), 2 * y));
    // 20,000 terms: a left-leaning chain that recursion would walk 20,000 deep
    std::string text = "t0";
    for (int k = 1; k < 20000; ++k) text += (k % 3 ? " + t" : " - t") + std::to_string(k);
    ex sum = ddx::parse(text, s);
    REQUIRE(GiNaC::is_a<GiNaC::add>(sum));
    CHECK(sum.nops() == 20000);
    CHECK(sum.coeff(s.get("t3")) == -1);
    CHECK(sum.coeff(s.get("t4")) == 1);
    CHECK(ddx::parse("[1, x] + 2 - [y, 3] + 1", s).is_equal(GiNaC::lst{4 - y, x}));
    CHECK(ddx::parse("[1, x] * 2 * y", s).is_equal(GiNaC::lst{2 * y, 2 * x * y}));
}

TEST_CASE("'@' is an operator of the product level: matrix product in ddx::parse too") {
    ddx::symbol_table s;
    ex a = s.get("a"), b = s.get("b"), c = s.get("c"), d = s.get("d");
    CHECK(same(ddx::parse("[a, b] @ [c, d]", s), a * c + b * d));
    CHECK(same(ddx::parse("2*[a, b] @ [c, d]/2", s), a * c + b * d));  // (2*[a, b]) @ [c, d], then /2
    CHECK(ddx::parse("[[1, 0], [0, 2]] @ [a, b]", s).is_equal(GiNaC::lst{a, 2 * b}));
    CHECK(error_position("@ x").column == 1);
    CHECK(error_position("x @") .column == 4);
    CHECK(error_position("x @@ y").column == 4);
    std::vector<ddx::statement> p = ddx::parse_program("A @ B; x**2 @ y");
    CHECK(p[0].body.op == '@');
    CHECK(p[1].body.op == '@');  // ** is ^, which binds tighter
    CHECK(p[1].body.children[0].op == '^');
    // a chain of 20,000 products does not recurse 20,000 deep (like * chains)
    std::string text = "[[1]]";
    for (int k = 0; k < 20000; ++k) text += " @ [[1]]";
    CHECK(ddx::parse(text, s).is_equal(GiNaC::lst{GiNaC::lst{1}}));
}
