// Rules that hold because every symbol of ddx is real: GiNaC, which cannot assume that,
// writes abs and conjugate in complex forms that ddx rewrites back.
#pragma once

#include <ginac/ginac.h>

namespace ddx {

/// abs(u) for real u: GiNaC's abs, without the complex rewrites it makes when it cannot
/// prove u real (real_part, atan2, conjugate). `real_abs(exp(x))` is exp(x).
GiNaC::ex real_abs(const GiNaC::ex& u);

/// conjugate(u) -> u everywhere: ddx's symbols are real, so an expression is real wherever
/// it is defined, but GiNaC writes abs(u)^2 as u*conjugate(u) when it cannot prove u real.
/// `drop_conjugates(GiNaC::pow(GiNaC::abs(GiNaC::log(x)), 2))` is `log(x)^2` (GiNaC made
/// it `conjugate(log(x))*log(x)`).
GiNaC::ex drop_conjugates(const GiNaC::ex& e);

/// base^exponent on the reals: GiNaC's power, with the conjugates it writes for abs(u)^2
/// (u*conjugate(u)) dropped. Every power ddx builds from parts goes through it, so that
/// no conjugate reaches a result, whichever path (simplified or not) made it.
GiNaC::ex real_pow(const GiNaC::ex& base, const GiNaC::ex& exponent);

}  // namespace ddx
