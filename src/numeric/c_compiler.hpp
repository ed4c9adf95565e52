// The system C compiler as ddx::load_c runs it: which one, its identity, and a build.
#pragma once

#include <string>
#include <vector>

namespace ddx {

/// The compiler load_c uses now: `$CC`, else `cc`, with the flags current_c_compiler
/// chooses for it (c_compiler.cpp).
struct c_compiler {
    std::string command;             ///< run without a shell (PATH is searched)
    std::vector<std::string> flags;  ///< before `-o OBJECT SOURCE -lm`
    /// What distinguishes this compiler's objects: the command, the flags, the output of
    /// `command --version` (run once per process and command) and, with -march=native, the
    /// processor (/proc/cpuinfo's identification and flags). Part of the cache key, and
    /// recorded beside every cached object.
    std::string identity;
};

/// The compiler named by `$CC` (else `cc`) with its identity. Throws ddx::error if it cannot
/// be run.
c_compiler current_c_compiler();

/// Compiles the C file `source` into the shared object `object`. Throws ddx::error with
/// the compiler's messages when it fails.
void build_shared_object(const c_compiler& compiler, const std::string& source, const std::string& object);

}  // namespace ddx
