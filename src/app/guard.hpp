// Process-level guards of the ddx program (see guard.cpp).
#pragma once

namespace ddx {

/// SIGINT requests an interrupt, SIGALRM a timeout (see ddx/interrupt.hpp).
void install_stop_handlers();

/// Stops the running computation after `seconds` (0: no limit).
void set_time_limit(unsigned seconds);

/// Runs body(arg) on a thread with a large stack and returns its result.
int run_with_large_stack(int (*body)(void*), void* arg);

}  // namespace ddx
