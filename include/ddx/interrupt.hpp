// Stopping a long computation (Ctrl-C, a time limit, a memory budget). GiNaC has no
// cancellation hook, so a pending stop is raised from the allocator (every GiNaC step
// allocates) and from ddx's own loops; the session turns it into a ddx::error.
#pragma once

#include <cstddef>

namespace ddx {

/// Why a computation is asked to stop: `none` (no stop pending), `interrupt` (Ctrl-C),
/// `timeout` (the time limit) or `memory` (the memory budget).
enum class stop_reason { none = 0, interrupt, timeout, memory };

/// Asks the running computation to stop. Async-signal-safe, so a signal handler may call it:
/// `void on_sigint(int) { ddx::request_stop(ddx::stop_reason::interrupt); }`.
void request_stop(stop_reason reason) noexcept;

/// The pending stop, if any (stop_reason::none if not), left pending:
/// `if (ddx::pending_stop() != ddx::stop_reason::none) ...`.
stop_reason pending_stop() noexcept;

/// Clears the pending stop and returns it (call this before allocating the error message):
/// `ddx::stop_reason r = ddx::take_stop();` leaves stop_reason::none pending.
stop_reason take_stop() noexcept;

/// Throws ddx::error if a stop is pending (taking it; the message is stop_message's). Long
/// loops of ddx's own call this: `for (...) { ddx::check_stop(); ... }`.
void check_stop();

/// The message for a stop: "interrupted", "time limit exceeded", ...
/// `ddx::stop_message(ddx::stop_reason::interrupt)` is "interrupted".
const char* stop_message(stop_reason reason) noexcept;

/// The message for a std::bad_alloc: the pending stop's (which it takes), else
/// "out of memory". Allocates nothing.
/// \code
/// ddx::session interpreter;
/// try {
///     interpreter.run(text, std::cout);
/// } catch (const std::bad_alloc&) {
///     std::cerr << "error: " << ddx::failed_allocation_message() << "\n";
/// }
/// \endcode
const char* failed_allocation_message() noexcept;

/// Marks the running of statements: only inside one does a pending stop make allocations
/// fail (the REPL's own line handling must never see that). Clears any stale stop.
/// \code
/// ddx::session interpreter;
/// {
///     ddx::stoppable_region region;  // a stop requested from here on ends the statements
///     interpreter.run(text, std::cout);
/// }  // stops no longer make allocations fail
/// \endcode
class stoppable_region {
public:
    /// Enters the region, clearing any pending stop: `ddx::stoppable_region region;`.
    stoppable_region() noexcept;
    /// Leaves the region: from here on a pending stop no longer makes allocations fail.
    ~stoppable_region();
    stoppable_region(const stoppable_region&) = delete;
    stoppable_region& operator=(const stoppable_region&) = delete;
};

/// For a program that replaces operator new (as the ddx executable does): whether an
/// allocation must fail now. True while a stop is pending inside a stoppable region, and
/// past the allocation cap simplify puts on each of its expensive steps (GiNaC's normal,
/// gcd and expand, whose cost no cheap estimate bounds: such a step is then dropped and
/// simplify answers with the best form it has), except during stack unwinding, so that the
/// computation unwinds to the session, which then takes the stop. Each call counts one
/// allocation. Without such an allocator simplify relies on its estimates alone.
/// \code
/// void* operator new(std::size_t size) {
///     if (ddx::allocation_must_fail()) throw std::bad_alloc();
///     if (void* p = std::malloc(size ? size : 1)) return p;
///     throw std::bad_alloc();
/// }
/// \endcode
bool allocation_must_fail() noexcept;

/// The memory budget in bytes (0: none) that such an allocator enforces.
/// `ddx::set_memory_budget(std::size_t(4096) << 20)` sets 4 GiB.
void set_memory_budget(std::size_t bytes) noexcept;
/// The memory budget in bytes set by set_memory_budget (0: none, the default). Such an
/// allocator requests stop_reason::memory when the live bytes exceed it:
/// `if (ddx::memory_budget() && live > ddx::memory_budget()) ...`.
std::size_t memory_budget() noexcept;

}  // namespace ddx
