// C code from expressions, and compiled evaluation. GiNaC's print_csrc prints one
// expression with no signature, no shared subexpressions and pow() for every power; ddx emits
// a whole function from the lowered tape (ddx/tape.hpp).
//
// Compiled objects and what ddx trusts. ddx::load_c (and so ddx::compile) loads a shared
// object only when it can show that it built that object for exactly the source wanted:
//  - The cache is `$XDG_CACHE_HOME/ddx` (an absolute XDG_CACHE_HOME), else `$HOME/.cache/ddx`,
//    created with mode 0700. It is used only if it is a directory owned by the effective
//    user, not writable by group or others, and every directory above it is owned by root
//    or that user and not writable by group or others unless sticky (like /tmp): then no
//    other user can change what is in it. Otherwise (or with neither XDG_CACHE_HOME nor HOME
//    set, or when the cache cannot be written) objects go to a private directory of the process, made by
//    mkdtemp in `$TMPDIR` (else /tmp) with mode 0700 and removed with its contents when the
//    process exits normally (a killed process leaves it behind, still 0700). There is no
//    fixed shared path.
//  - An entry is the directory KEY holding source.c, build.txt and object.so; KEY hashes the
//    source with the compiler's identity (the command, the flags, the output of
//    `$CC --version`, run once per process and compiler, and with -march=native the
//    processor's identification and flags from /proc/cpuinfo, so that a cache shared by
//    machines of different processors does not give one the other's code). It is loaded
//    only if the entry and its files are owned by the effective user, not writable by
//    group or others, not symbolic links,
//    source.c and build.txt equal the wanted source and identity byte for byte, and
//    object.so is a whole ELF shared object (every segment the loader maps lies within the
//    file: a cut object would crash the process in dlopen). Anything else is rebuilt and
//    replaced.
//  - A new entry is built in a fresh temporary directory beside the others and renamed into
//    place whole, so a half-written object is never found; one left by a killed build
//    (.build-XXXXXX, the user's own, untouched for a day) is removed when the next is built. An object that fails to load is
//    rebuilt once; if that fails too, ddx::compile uses the interpreter.
#pragma once

#include <ddx/tape.hpp>
#include <ginac/ginac.h>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ddx {

/// A complete C99 translation unit defining `void name(const double *in, double *out)`:
/// `in[i]` is variables[i], `out[j]` the j-th output (lists flattened row-major); `in` and
/// `out` must not overlap. Includes only <math.h>, keeps no state, compiles with -std=c99
/// -Wall -Wextra -Werror -pedantic. Straight-line code, but for runs of 8 or more products
/// whose one operand walks the variables (a layer's weights w_j_0, w_j_1, ... listed in
/// order) or is one value: those are loops over `in` and local arrays, a sum's in four
/// interleaved chains, and 4 or more sums that walk the variables alike from consecutive
/// ones side by side (src/numeric/loops.hpp); a layer's 16 or more calls of one function
/// (tanh) are one loop too. The interpreter's order of operations throughout.
/// Throws ddx::error for a name that is not a C identifier or is a keyword, for free symbols
/// not in `variables` (all named), and for what C cannot express.
/// `emit_c({parse("x^2*y", s)}, {s.get("x"), s.get("y")}, "f")`
std::string emit_c(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& variables,
                   const std::string& name);

/// A function `void (const double *in, double *out)` compiled from expressions: native code
/// when a C compiler is available, otherwise the interpreted tape. Safe to call from many
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
    /// Why the interpreter took over, "" when native: the error of compiling or loading,
    /// e.g. "no C compiler (cc) could be run" (no newline at the end; a compiler's messages
    /// follow "the C compiler failed:" on lines of their own).
    const std::string& why_interpreted() const;
    /// The name of the C function, "ddx_function" (the same for every compiled_function).
    const std::string& name() const;
    /// The C source it was compiled from, emit_c(outputs, variables, name()): the same text
    /// whether or not it runs natively ("" for a default-constructed one). With
    /// `ddx::load_c(f.source(), f.name(), library)` a caller can load it again, or save it,
    /// without emitting it a second time.
    const std::string& source() const;

private:
    friend compiled_function compile(const std::vector<GiNaC::ex>&, const std::vector<GiNaC::ex>&);
    using native_fn = void (*)(const double*, double*);
    native_fn native_ = nullptr;
    std::shared_ptr<void> library_;          // keeps the shared object loaded
    std::shared_ptr<const tape> interpreted_;
    std::shared_ptr<const std::string> why_interpreted_;
    std::shared_ptr<const std::string> source_;
    std::size_t inputs_ = 0, outputs_ = 0;
};

/// Emits, compiles with the system C compiler (`$CC`, else `cc`; -std=c99 -O2, and with GCC or
/// Clang -ffp-contract=off, on x86-64 also -march=native: the same doubles as the
/// interpreter, see src/numeric/c_compiler.cpp), loads the result and
/// returns it. Compiled objects are cached as the top of this header describes. Without a
/// working compiler, or when the object cannot be loaded, the interpreter takes over: the
/// result says so (is_native(), why_interpreted()) and the fallback handler, if any, is
/// called; the library writes nothing to stderr. Throws ddx::error as emit_c does.
/// \code
/// ddx::symbol_table s;
/// GiNaC::ex x = s.get("x"), y = s.get("y");
/// std::vector<GiNaC::ex> outputs = {ddx::parse("x^2*y", s), ddx::parse("x + y", s)};
/// ddx::compiled_function f = ddx::compile(outputs, {x, y});
/// double in[2] = {3, 2}, out[2];
/// f(in, out);  // out is {18, 5}
/// \endcode
compiled_function compile(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& variables);

/// Sets what is called with the reason each time ddx::compile falls back to the
/// interpreter, for callers that do not see the compiled_function (minimize, fit and plot
/// compile inside); an empty function (the default) calls nothing. The ddx program prints
/// the first reason on stderr. May be called from any thread; the handler may be called from
/// any thread that compiles.
/// `ddx::set_interpreter_fallback_handler([](const std::string& why) { log(why); });`
void set_interpreter_fallback_handler(std::function<void(const std::string& why)> handler);

/// Compiles C `source` into a shared object (cached as the top of this header describes) and
/// returns the address of `symbol` in it, with `library` keeping it loaded. Throws
/// ddx::error when no compiler runs, compiling or loading fails (the compiler's messages are
/// in the error) or no private directory can be made.
/// \code
/// std::shared_ptr<void> library;
/// auto twice = reinterpret_cast<double (*)(double)>(
///     ddx::load_c("double twice(double x) { return 2 * x; }", "twice", library));
/// twice(21);  // 42.0, valid while `library` (or a copy of it) is alive
/// \endcode
void* load_c(const std::string& source, const std::string& symbol, std::shared_ptr<void>& library);

}  // namespace ddx
