// The language's values as GiNaC expressions: numbers, function calls and arithmetic that
// maps over lists. Shared by ddx::parse and the session's evaluator so that both read the
// language the same way.
#pragma once

#include <ddx/error.hpp>
#include <ddx/functions.hpp>
#include <ddx/symbols.hpp>
#include <ddx/syntax.hpp>

#include <ginac/ginac.h>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ddx {

/// `12` exact, `2.5` / `1e-3` a double-precision float.
GiNaC::ex number_from_text(const std::string& text, position where);

/// `f(arg)`, mapped over a list argument.
GiNaC::ex apply_math_function(const math_function& f, const GiNaC::ex& arg);

/// a op b for op in "+-*/^", element-wise where either side is a list: a scalar with a list
/// or matrix applies to every entry; two lists or matrices need the same shape (an error at
/// `where` names both: "'+': shapes 2x3 and 2 do not match"). GiNaC errors (division by
/// zero) become ddx::error at `where`.
GiNaC::ex arithmetic(char op, const GiNaC::ex& a, const GiNaC::ex& b, position where);
GiNaC::ex negate(const GiNaC::ex& a);

/// The shape of a value as NumPy sees an array: {} for a scalar, {n} for a list of n
/// scalars, {n, m} for a matrix (n rows of m scalars), and so on; nothing for a ragged list
/// (entries of different shapes, like `[x, [y]]`).
std::optional<std::vector<std::size_t>> array_shape(const GiNaC::ex& e);

/// A shape as errors name it: "scalar", "3", "2x3", "ragged".
std::string shape_text(const GiNaC::ex& e);

/// a @ b, NumPy's matmul: matrix @ matrix is a matrix, matrix @ list and list @ matrix are
/// lists, list @ list is the dot product. A scalar operand, a ragged or 3-dimensional one,
/// or inner sizes that differ are errors at `where` naming both shapes.
/// `[[1, 2], [3, 4]] @ [x, y]` is `[x + 2*y, 3*x + 4*y]`.
GiNaC::ex matmul(const GiNaC::ex& a, const GiNaC::ex& b, position where);

/// The entries of a list or matrix (lists nested any way), row-major; a scalar is its own
/// only entry. `[[a, b], c]` gives a, b, c.
std::vector<GiNaC::ex> flattened(const GiNaC::ex& e);

/// NumPy's sum with no axis: the sum of every entry (a scalar is itself; [] is 0).
GiNaC::ex sum_of_entries(const GiNaC::ex& e);

/// NumPy's transpose: a matrix's rows become its columns; a list or a scalar is itself.
/// A ragged or 3-dimensional value is an error (without a position).
/// `transposed([[a, b, c], [d, e, f]])` is `[[a, d], [b, e], [c, f]]`.
GiNaC::ex transposed(const GiNaC::ex& e);

/// The value of a binary node: `operand` evaluates each operand. A left-leaning chain of
/// `+`/`-` (or of `*`/`@`) is walked iteratively and combined into one GiNaC::add (mul) when
/// no operand is a list and no operator is `@`, so that a sum of 100,000 terms neither
/// recurses 100,000 deep nor is built one term at a time (quadratic in GiNaC); lists
/// combine element-wise (or by matmul for `@`), pair by pair from the left.
GiNaC::ex evaluate_binary(const node& n, const std::function<GiNaC::ex(const node&)>& operand);

/// Throws the error for a call of an undefined function that cannot be one: no arguments
/// (`f()`), or primes on a function of several (`g'(x, y)`).
void check_undefined_call(const node& n);

/// Builds the expression of a syntax tree that contains only numbers, names, arithmetic,
/// lists and math functions.
GiNaC::ex build_expression(const node& n, symbol_table& symbols);

}  // namespace ddx
