// Where ddx::load_c keeps compiled objects, and the checks that let it trust what it finds
// there (the policy is described at the top of ddx/codegen.hpp).
#pragma once

#include <string>

namespace ddx::compile_cache {

/// The persistent cache, `$XDG_CACHE_HOME/ddx` (an absolute XDG_CACHE_HOME only), else
/// `$HOME/.cache/ddx`, created 0700 if missing, as a canonical path; "" when there is none
/// or it cannot be trusted (see trusted_directory). Read from the environment on every call.
std::string shared_directory();

/// This process's private directory: mkdtemp in `$TMPDIR` (else /tmp), mode 0700, removed
/// with its contents when the process exits normally. Created on the first call; throws
/// ddx::error if no trusted one can be made.
std::string private_directory();

/// The canonical path of `path` (realpath) if no other user can change what it leads to,
/// else "": it is a directory owned by the effective user and not writable by group or
/// others, and every directory above it is owned by root or the effective user and not
/// writable by group or others unless it has the sticky bit (like /tmp).
std::string trusted_directory(const std::string& path);

/// Whether `path` is, without following a symbolic link, a regular file owned by the
/// effective user, not writable by group or others (and, when `contents` is given, holding
/// exactly those bytes).
bool trusted_file(const std::string& path, const std::string* contents = nullptr);

/// Whether `path` is trusted as by trusted_file and is a whole shared object of this
/// machine's class: every segment the loader maps and the section header table lie within
/// the file (dlopen maps a cut object past its end, and the first touch of that is SIGBUS).
bool trusted_object(const std::string& path);

/// Whether `path` is a directory as trusted_file requires of files.
bool trusted_subdirectory(const std::string& path);

/// Creates the file `path` (it must not exist) with mode 0600 holding `contents`; false
/// when that fails.
bool write_new_file(const std::string& path, const std::string& contents);

/// Removes `path` and everything under it without following symbolic links; failures are
/// ignored.
void remove_tree(const std::string& path);

}  // namespace ddx::compile_cache
