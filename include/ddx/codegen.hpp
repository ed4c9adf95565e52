// C code from expressions, and compiled evaluation. GiNaC's print_csrc prints one
// expression with no signature, no shared subexpressions and pow() for every power; ddx emits
// a whole function from the lowered program (ddx/program.hpp).
#pragma once

#include <ddx/program.hpp>
#include <ginac/ginac.h>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace ddx {

/// A complete C99 translation unit defining `void name(const double *in, double *out)`:
/// `in[i]` is variables[i], `out[j]` the j-th output (lists flattened row-major). Includes
/// only <math.h>, keeps no state, compiles with -std=c99 -Wall -Wextra -Werror -pedantic.
/// Throws ddx::error for a name that is not a C identifier or is a keyword, for free symbols
/// not in `variables` (all named), and for what C cannot express.
/// `emit_c({parse("x^2*y", s)}, {s.get("x"), s.get("y")}, "f")`
std::string emit_c(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& variables,
                   const std::string& name);

/// A function `void (const double *in, double *out)` compiled from expressions: native code
/// when a C compiler is available, otherwise the interpreted program. Safe to call from many
/// threads at once; cheap to copy. Made by ddx::compile:
/// `compiled_function f = compile({parse("[x^2*y, x + y]", s)}, {x, y})`.
class compiled_function {
public:
    /// Computes the outputs: `in` holds inputs() values in the order of the variables, `out`
    /// receives outputs() values. With `f` as above, `double in[2] = {3, 2}, out[2]; f(in, out);`
    /// sets `out` to {18, 5}.
    void operator()(const double* in, double* out) const;
    /// How many values `in` holds: the number of variables (2 for `f` above).
    std::size_t inputs() const { return inputs_; }
    /// How many values `out` receives: the outputs, lists flattened (2 for `f` above).
    std::size_t outputs() const { return outputs_; }
    /// Whether this runs compiled machine code (false: the interpreter took over):
    /// `f.is_native()`.
    bool is_native() const { return native_ != nullptr; }

private:
    friend compiled_function compile(const std::vector<GiNaC::ex>&, const std::vector<GiNaC::ex>&);
    using native_fn = void (*)(const double*, double*);
    native_fn native_ = nullptr;
    std::shared_ptr<void> library_;          // keeps the shared object loaded
    std::shared_ptr<const program> interpreted_;
    std::size_t inputs_ = 0, outputs_ = 0;
};

/// Emits, compiles with the system C compiler (`$CC`, else `cc`; -O2), loads the result and
/// returns it. Compiled objects are cached by content hash in `$XDG_CACHE_HOME/ddx`, else
/// `~/.cache/ddx`. Without a working compiler the interpreter takes over (said once on stderr).
/// Throws ddx::error as emit_c does.
/// \code
/// ddx::symbol_table s;
/// GiNaC::ex x = s.get("x"), y = s.get("y");
/// std::vector<GiNaC::ex> outputs = {ddx::parse("x^2*y", s), ddx::parse("x + y", s)};
/// ddx::compiled_function f = ddx::compile(outputs, {x, y});
/// double in[2] = {3, 2}, out[2];
/// f(in, out);  // out is {18, 5}
/// \endcode
compiled_function compile(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& variables);

/// Compiles C `source` into a shared object (cached as above) and returns the address of
/// `symbol` in it, with `library` keeping it loaded. Throws ddx::error when compiling or
/// loading fails (the compiler's messages are in the error).
/// \code
/// std::shared_ptr<void> library;
/// auto twice = reinterpret_cast<double (*)(double)>(
///     ddx::load_c("double twice(double x) { return 2 * x; }", "twice", library));
/// twice(21);  // 42.0, valid while `library` (or a copy of it) is alive
/// \endcode
void* load_c(const std::string& source, const std::string& symbol, std::shared_ptr<void>& library);

}  // namespace ddx
