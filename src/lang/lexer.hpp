// Tokens of the ddx language with their source positions (internal to the parser).
#pragma once

#include <ddx/error.hpp>
#include <string>
#include <vector>

namespace ddx {

struct token {
    enum class kind {
        number, name, string, op, newline, invalid, end
    };
    kind type = kind::end;
    std::string text;  // for op: "+", "-", "*", "/", "@", "^", "(", ")", "[", "]", ",", "=", ";", "'", ".."
    position where;
};

// The language's character classes (ASCII: a byte outside it is never part of a name),
// shared by the lexer and the polynomial fast path of ddx::parse, which must agree on them.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

/// Splits `text` into tokens. A lexical error becomes an `invalid` token (text: the
/// message) followed by `end`, so that the statements before it still run.
/// Newlines inside brackets are dropped (a bracket continues
/// the statement); `#` comments are skipped; `**` becomes `^`; CR is white space.
std::vector<token> tokenize(const std::string& text);

}  // namespace ddx
