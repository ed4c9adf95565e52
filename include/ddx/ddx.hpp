// ddx: symbolic differentiation on GiNaC. Include this one header.
#pragma once

#include <ddx/calculus.hpp>
#include <ddx/differentiator.hpp>
#include <ddx/version.hpp>
#include <ddx/error.hpp>
#include <ddx/evaluate.hpp>
#include <ddx/parser.hpp>
#include <ddx/printer.hpp>
#include <ddx/reverse.hpp>
#include <ddx/tape.hpp>
#include <ddx/help.hpp>
#include <ddx/session.hpp>
#include <ddx/simplify.hpp>
#include <ddx/symbols.hpp>
#include <ddx/codegen.hpp>
#include <ddx/functions.hpp>
#include <ddx/limits.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/data.hpp>
#include <ddx/optimize.hpp>
#include <ddx/plot.hpp>

/// \namespace ddx
/// Symbolic differentiation on GiNaC: expressions go in and come out as `GiNaC::ex`, and
/// every error is a ddx::error. `ddx::diff(ddx::parse("x^3", s), s.get("x"))` is `3*x^2`, with `s`
/// a ddx::symbol_table.
