// The language's values as GiNaC expressions: numbers, function calls and arithmetic that
// maps over lists. Shared by ddx::parse and the session's evaluator so that both read the
// language the same way.
#pragma once

#include <ddx/error.hpp>
#include <ddx/functions.hpp>
#include <ddx/symbols.hpp>
#include <ddx/syntax.hpp>

#include <ginac/ginac.h>
#include <functional>
#include <string>

namespace ddx {

/// `12` exact, `2.5` / `1e-3` a double-precision float.
GiNaC::ex number_from_text(const std::string& text, position where);

/// `f(arg)`, mapped over a list argument.
GiNaC::ex apply_math_function(const math_function& f, const GiNaC::ex& arg);

/// a op b for op in "+-*/^", element-wise where either side is a list (a list with a
/// list needs equal lengths). GiNaC errors (division by zero) become ddx::error at `where`.
GiNaC::ex arithmetic(char op, const GiNaC::ex& a, const GiNaC::ex& b, position where);
GiNaC::ex negate(const GiNaC::ex& a);

/// The value of a binary node: `operand` evaluates each operand. A left-leaning chain of
/// `+`/`-` (or of `*`) is walked iteratively and combined into one GiNaC::add (mul) when no
/// operand is a list, so that a sum of 100,000 terms neither recurses 100,000 deep nor is
/// built one term at a time (quadratic in GiNaC); lists combine element-wise, pair by pair.
GiNaC::ex evaluate_binary(const node& n, const std::function<GiNaC::ex(const node&)>& operand);

/// Builds the expression of a syntax tree that contains only numbers, names, arithmetic,
/// lists and math functions.
GiNaC::ex build_expression(const node& n, symbol_table& symbols);

}  // namespace ddx
