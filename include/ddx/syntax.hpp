// The syntax tree of the ddx language. It exists because the language is more than
// expressions: statements, string arguments, `name = value` options and `lo..hi` ranges.
// Arithmetic on it is done by GiNaC once a node is evaluated; there is no parallel
// expression type.
#pragma once

#include <ddx/error.hpp>
#include <string>
#include <vector>

namespace ddx {

/// One node of the syntax tree of an expression; which fields it uses depends on `type`.
/// \code
/// ddx::node n = ddx::parse_program("f''(x) - 2*y^3")[0].body;
/// // n: binary, op '-', where 1:8 (the operator)
/// // n.children[0]: derivative, text "f", primes 2, children {name "x"}
/// // n.children[1]: binary '*' of number "2" and binary '^' of name "y" and number "3"
/// \endcode
struct node {
    /// What the node is, and which fields hold its parts.
    enum class kind {
        number,      ///< text: "12", "1/3" never (division is an operator), "2.5", "1e-3"
        name,        ///< text: the identifier
        string,      ///< text: the contents, without quotes
        negate,      ///< children[0]
        binary,      ///< op in "+-*/@^", children[0] op children[1] (`@`: matrix product)
        call,        ///< text: function name, children: arguments (possibly `option` nodes)
        derivative,  ///< text: function name, primes: number of ', children: arguments
        list,        ///< children: elements
        range,       ///< children[0] .. children[1]
        option,      ///< text: name, children[0]: value   (`name = value` inside a call)
    };

    /// What the node is.
    kind type = kind::number;
    /// The number, name, string contents or function name (see kind).
    std::string text;
    /// The operator of a `binary` node: one of `+-*/@^`.
    char op = 0;
    /// How many primes a `derivative` has: 2 for `f''(x)`.
    int primes = 0;
    /// The operands, arguments or elements (see kind).
    std::vector<node> children;
    /// Where the node is in the text, for errors: its first character, or its operator for
    /// a `binary` or `range` node.
    position where;
};

/// One statement of a program: an expression, `name = value` or `name(params) = body`.
/// \code
/// std::vector<ddx::statement> program = ddx::parse_program("a = 2; g(t) = t^2\ng(a) + 1");
/// // program[0]: assignment, name "a", body the number 2
/// // program[1]: definition, name "g", params {"t"}, body t^2, where 1:8
/// // program[2]: expression, body g(a) + 1, where 2:1
/// \endcode
struct statement {
    /// An expression to evaluate and print, a `name = value` assignment, or a
    /// `name(params) = body` function definition.
    enum class kind { expression, assignment, definition };

    /// Which of the three this statement is.
    kind type = kind::expression;
    std::string name;                 ///< assignment / definition target
    std::vector<std::string> params;  ///< definition parameters
    /// The expression: evaluated and printed, assigned, or the function's body.
    node body;
    /// Where the statement starts in the text.
    position where;
};

}  // namespace ddx
