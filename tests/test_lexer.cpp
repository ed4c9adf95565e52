// The lexer: tokens with their positions, and what it folds away (comments, newlines inside
// brackets, `**`), and lexical errors as one `invalid` token so earlier statements still run.
#include <doctest/doctest.h>

#include "lang/lexer.hpp"

#include <string>
#include <vector>

namespace {

using ddx::token;

// "kind:text" per token, `end` last.
std::vector<std::string> shape(const std::string& text) {
    std::vector<std::string> out;
    for (const token& t : ddx::tokenize(text)) {
        const char* kind = "?";
        switch (t.type) {
        case token::kind::number: kind = "num"; break;
        case token::kind::name: kind = "name"; break;
        case token::kind::string: kind = "str"; break;
        case token::kind::op: kind = "op"; break;
        case token::kind::newline: kind = "nl"; break;
        case token::kind::invalid: kind = "bad"; break;
        case token::kind::end: kind = "end"; break;
        }
        out.push_back(std::string(kind) + (t.type == token::kind::invalid ? "" : ":" + t.text));
    }
    return out;
}

}  // namespace

TEST_CASE("lexer: numbers, names, operators and strings, each with its kind") {
    CHECK(shape("x_1 + 2.5e-3*y") ==
          std::vector<std::string>{"name:x_1", "op:+", "num:2.5e-3", "op:*", "name:y", "end:"});
    CHECK(shape("f'(x)") == std::vector<std::string>{"name:f", "op:'", "op:(", "name:x", "op:)", "end:"});
    CHECK(shape("plot(x, x = -7..7, \"a.png\")") ==
          std::vector<std::string>{"name:plot", "op:(", "name:x", "op:,", "name:x", "op:=", "op:-", "num:7",
                                   "op:..", "num:7", "op:,", "str:a.png", "op:)", "end:"});
    CHECK(shape("A @ B") == std::vector<std::string>{"name:A", "op:@", "name:B", "end:"});
}

TEST_CASE("lexer: ** is ^, # starts a comment, CR is white space") {
    CHECK(shape("x**2 # squared") == std::vector<std::string>{"name:x", "op:^", "num:2", "end:"});
    CHECK(shape("x\r\ny") == std::vector<std::string>{"name:x", "nl:\n", "name:y", "end:"});
}

TEST_CASE("lexer: a newline inside brackets continues the statement") {
    std::vector<std::string> s = shape("[1,\n 2]\nz");
    CHECK(s == std::vector<std::string>{"op:[", "num:1", "op:,", "num:2", "op:]", "nl:\n", "name:z", "end:"});
}

TEST_CASE("lexer: positions are line and column of the token's first character") {
    std::vector<token> t = ddx::tokenize("a = 1\n  bb + 2");
    REQUIRE(t.size() >= 7);
    CHECK(t[0].where.line == 1);
    CHECK(t[0].where.column == 1);
    CHECK(t[2].text == "1");
    CHECK(t[2].where.column == 5);
    CHECK(t[4].text == "bb");
    CHECK(t[4].where.line == 2);
    CHECK(t[4].where.column == 3);
}

TEST_CASE("lexer: a lexical error is one invalid token, after the good ones, then the end") {
    std::vector<token> t = ddx::tokenize("x = 1\ny = $");
    REQUIRE(t.size() >= 3);
    CHECK(t[t.size() - 1].type == token::kind::end);
    CHECK(t[t.size() - 2].type == token::kind::invalid);
    CHECK(t[t.size() - 2].where.line == 2);
    CHECK(t[0].text == "x");
}
