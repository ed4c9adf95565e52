// The gradient by reverse accumulation as a program, for lowering: the adjoints named.
#pragma once

#include <ginac/ginac.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ddx {

/// A gradient as straight-line code: each definition (a fresh symbol, its expression) may
/// read the symbols defined before it; the entries read any of them. Built as one GiNaC
/// expression (ddx::reverse_gradient), an adjoint that is a sum is merged into every sum
/// that adds it: GiNaC flattens sums and distributes numbers over them, so the entries of
/// (v_0 + ... + v_(n-1))^2 + ... each hold all n terms, and lowering them costs n^2 where
/// the sweep costs n. Named, every adjoint is computed once.
struct gradient_program {
    std::vector<std::pair<GiNaC::ex, GiNaC::ex>> definitions;
    GiNaC::lst entries;
};

/// ddx::reverse_gradient(f, variables) as a program: the same sweep, each adjoint that is
/// not a number or a symbol a definition of its own, named `names` and a hash of its node's
/// structure that is the same in every process (`names` should be no name of the user's:
/// "#0."). Its size is linear in f's distinct nodes (up to ddx::reverse_gradient's k^2 for a
/// product of k factors).
gradient_program reverse_gradient_program(const GiNaC::ex& f, const std::vector<GiNaC::ex>& variables,
                                          const std::string& names);

/// What a gradient is the gradient of.
struct gradient_origin {
    GiNaC::ex function;
    std::vector<GiNaC::ex> variables;
};

/// ddx::gradient remembers its recent results (at most 8, on this thread; one that nobody
/// else holds is forgotten at the next), so that lowering can emit a result met again
/// (`ccode([loss, grad(loss, p)], ...)`) as a reverse sweep over the function instead of its
/// entries.
void remember_gradient(const GiNaC::ex& result, const GiNaC::ex& function, const std::vector<GiNaC::ex>& variables);

/// The function and variables of a remembered gradient equal to `e`, if any.
std::optional<gradient_origin> origin_of_gradient(const GiNaC::ex& e);

}  // namespace ddx
