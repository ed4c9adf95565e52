// Undefined functions: a name called like a function that is neither a function of the
// language, a built-in nor a user-defined function, as SymPy's Function('f'). Each is a
// GiNaC function registered at run time, once per (name, arity) per process; GiNaC
// differentiates it to its fderivative (D[0](f)(x)), which ddx prints as f'(x).
#pragma once

#include <ginac/ginac.h>
#include <optional>
#include <string>

namespace ddx {

/// The GiNaC serial of the undefined function `name` of `arity` arguments, registering it
/// on first use (thread-safe; the registration lasts for the process).
unsigned undefined_function_serial(const std::string& name, unsigned arity);

/// name(args...) for the undefined function `name`: `undefined_call("f", {x})` is f(x).
GiNaC::ex undefined_call(const std::string& name, const GiNaC::exvector& args);

/// The k-th derivative of the one-argument undefined function `name` at `u`: f''(u) for k = 2.
GiNaC::ex undefined_derivative(const std::string& name, const GiNaC::ex& u, int k);

/// Whether `serial` is an undefined function's (an fderivative of one has its serial too).
bool is_undefined_function(unsigned serial);

/// The name of the first undefined function in `e` (as printed: f for f(x) or f'(x)), or
/// nothing when there is none.
std::optional<std::string> find_undefined_function(const GiNaC::ex& e);

/// Throws ddx::error "f is an undefined function: it has no value" if `e` contains one.
void require_no_undefined_functions(const GiNaC::ex& e);

}  // namespace ddx

namespace ddx {

/// Whether `e` is a derivative of a function (GiNaC::fderivative, a subclass of
/// GiNaC::function: D[0](f)(x)), by one virtual call rather than a dynamic_cast.
inline bool is_fderivative(const GiNaC::ex& e) {
    return &GiNaC::ex_to<GiNaC::basic>(e).get_class_info() == &GiNaC::fderivative::get_class_info_static();
}

}  // namespace ddx
