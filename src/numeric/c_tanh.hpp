// The tanh that emitted C calls in its loops of tanh calls (codegen_c.cpp): a C99 function
// of arithmetic alone, which a C compiler inlines into such a loop and turns into vector
// instructions (the C library's tanh is a call per element, about 8 ns each).
#pragma once

#include <string>

namespace ddx {

/// The C99 text of `static double NAME(double x)` (`function_name` is NAME), a comment
/// first: tanh(x) within 1.4 ulp (the C library's is within 2.2), with tanh(+-0) = +-0,
/// tanh(+-inf) = +-1, nan for nan, subnormals unchanged and +-1 from |x| >= 22. It needs
/// <math.h> (fabs, copysign) and C99 doubles (no excess precision, as on x86-64 and AArch64).
std::string c_tanh_function(const std::string& function_name);

/// The same function in C++, operation for operation (this file is compiled without fused
/// multiply-adds, as the emitted C is): the interpreter's tanh where the emitted C calls
/// c_tanh_function's (tape::arithmetic_tanh), so that both give the same bits.
double emitted_tanh(double x);

}  // namespace ddx
