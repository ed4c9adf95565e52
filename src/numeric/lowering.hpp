// The lowering of expressions to the instruction tape (lowering.cpp), without the
// shared-factor pass that ddx::lower runs after it. Internal: a private header so that the
// unit tests can look at the lowering alone.
#pragma once

#include <ddx/tape.hpp>

#include <ginac/ginac.h>
#include <utility>
#include <vector>

namespace ddx {

/// `outputs` (already flat: no lists) over `inputs` as a tape, each distinct subexpression
/// computed once. Throws ddx::error for a symbol not in `inputs` ("'z' has no value") or a
/// part with no double meaning; ddx::lower checks the symbols first, to name all of them.
/// `definitions` (a name, its expression, in order; each may read the names before it) are
/// computed first and read where their names occur.
tape lower_expressions(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& inputs,
                       const std::vector<std::pair<GiNaC::ex, GiNaC::ex>>& definitions = {});

}  // namespace ddx
