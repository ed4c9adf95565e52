// The interactive front end (GNU readline): line editing, history, completion.
#pragma once

#include <ddx/session.hpp>

namespace ddx {

/// Reads statements from the terminal until Ctrl-D; errors are reported and the session
/// keeps its state. Returns the process exit status.
int run_repl(session& s);

}  // namespace ddx
