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
    std::string text;  // for op: "+", "-", "*", "/", "^", "(", ")", "[", "]", ",", "=", ";", "'", ".."
    position where;
};

/// Splits `text` into tokens. A lexical error becomes an `invalid` token (text: the
/// message) followed by `end`, so that the statements before it still run.
/// Newlines inside brackets are dropped (a bracket continues
/// the statement); `#` comments are skipped; `**` becomes `^`; CR is white space.
std::vector<token> tokenize(const std::string& text);

}  // namespace ddx
