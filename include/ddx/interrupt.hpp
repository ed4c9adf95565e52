// Stopping a long computation (Ctrl-C, a time limit, a memory budget). GiNaC has no
// cancellation hook, so a pending stop is raised from the allocator (every GiNaC step
// allocates) and from ddx's own loops; the session turns it into a ddx::error.
#pragma once

#include <cstddef>

namespace ddx {

enum class stop_reason { none = 0, interrupt, timeout, memory };

/// Asks the running computation to stop. Async-signal-safe.
void request_stop(stop_reason reason) noexcept;

/// The pending stop, if any.
stop_reason pending_stop() noexcept;

/// Clears the pending stop and returns it (call this before allocating the error message).
stop_reason take_stop() noexcept;

/// Throws ddx::error if a stop is pending. Long loops of ddx's own call this.
void check_stop();

/// The message for a stop: "interrupted", "time limit exceeded", ...
const char* stop_message(stop_reason reason) noexcept;

/// The message for a std::bad_alloc: the pending stop's (which it takes), else
/// "out of memory". Allocates nothing.
const char* failed_allocation_message() noexcept;

/// Marks the running of statements: only inside one does a pending stop make allocations
/// fail (the REPL's own line handling must never see that). Clears any stale stop.
class stoppable_region {
public:
    stoppable_region() noexcept;
    ~stoppable_region();
    stoppable_region(const stoppable_region&) = delete;
    stoppable_region& operator=(const stoppable_region&) = delete;
};

/// For a program that replaces operator new (as the ddx executable does): whether an
/// allocation must fail now. True while a stop is pending inside a stoppable region,
/// except during stack unwinding, so that the computation unwinds to the session, which
/// then takes the stop.
bool allocation_must_fail() noexcept;

/// The memory budget in bytes (0: none) that such an allocator enforces.
void set_memory_budget(std::size_t bytes) noexcept;
std::size_t memory_budget() noexcept;

}  // namespace ddx
