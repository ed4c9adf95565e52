#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>

#include "core/allocation_meter.hpp"

#include <atomic>
#include <exception>

namespace ddx {

namespace {

// Process-wide by nature: a signal has no session to go to.
std::atomic<int> pending{0};
std::atomic<std::size_t> budget{0};
std::atomic<bool> armed{false};

}  // namespace

void request_stop(stop_reason reason) noexcept { pending.store(static_cast<int>(reason), std::memory_order_relaxed); }

stop_reason pending_stop() noexcept { return static_cast<stop_reason>(pending.load(std::memory_order_relaxed)); }

stop_reason take_stop() noexcept { return static_cast<stop_reason>(pending.exchange(0, std::memory_order_relaxed)); }

void check_stop() {
    stop_reason r = take_stop();
    if (r != stop_reason::none) throw error(stop_message(r));
}

const char* stop_message(stop_reason reason) noexcept {
    switch (reason) {
    case stop_reason::interrupt: return "interrupted";
    case stop_reason::timeout: return "time limit exceeded (raise it with --timeout SECONDS)";
    case stop_reason::memory: return "memory budget exceeded (raise it with --memory MEGABYTES)";
    case stop_reason::none: break;
    }
    return "stopped";
}

const char* failed_allocation_message() noexcept {
    stop_reason r = take_stop();
    return r == stop_reason::none ? "out of memory" : stop_message(r);
}

stoppable_region::stoppable_region() noexcept {
    take_stop();
    armed.store(true, std::memory_order_relaxed);
}

stoppable_region::~stoppable_region() { armed.store(false, std::memory_order_relaxed); }

bool allocation_must_fail() noexcept {
    if (allocation_meter::refuses_next()) return true;
    return pending.load(std::memory_order_relaxed) != 0 && armed.load(std::memory_order_relaxed) &&
           std::uncaught_exceptions() == 0;
}

void set_memory_budget(std::size_t bytes) noexcept { budget.store(bytes, std::memory_order_relaxed); }

std::size_t memory_budget() noexcept { return budget.load(std::memory_order_relaxed); }

}  // namespace ddx
