// The syntax tree of the ddx language. It exists because the language is more than
// expressions: statements, string arguments, `name = value` options and `lo..hi` ranges.
// Arithmetic on it is done by GiNaC once a node is evaluated; there is no parallel
// expression type.
#pragma once

#include <ddx/error.hpp>
#include <string>
#include <vector>

namespace ddx {

struct node {
    enum class kind {
        number,      // text: "12", "1/3" never (division is an operator), "2.5", "1e-3"
        name,        // text: the identifier
        string,      // text: the contents, without quotes
        negate,      // children[0]
        binary,      // op in "+-*/^", children[0] op children[1]
        call,        // text: function name, children: arguments (possibly `option` nodes)
        derivative,  // text: function name, primes: number of ', children: arguments
        list,        // children: elements
        range,       // children[0] .. children[1]
        option,      // text: name, children[0]: value   (`name = value` inside a call)
    };

    kind type = kind::number;
    std::string text;
    char op = 0;
    int primes = 0;
    std::vector<node> children;
    position where;
};

struct statement {
    enum class kind { expression, assignment, definition };

    kind type = kind::expression;
    std::string name;                 // assignment / definition target
    std::vector<std::string> params;  // definition parameters
    node body;
    position where;
};

}  // namespace ddx
