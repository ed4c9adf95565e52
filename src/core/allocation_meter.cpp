#include "core/allocation_meter.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>

namespace ddx {

namespace {

// Per thread: a meter caps the step running on its own thread (GiNaC's work is one thread's).
struct meter_state {
    std::ptrdiff_t left = 0;
    bool active = false;
    bool refused = false;
};

thread_local meter_state current;
thread_local int droppable_depth = 0;

}  // namespace

allocation_meter::allocation_meter(std::size_t allowance) noexcept
    : outer_left_(current.left), outer_active_(current.active), outer_refused_(current.refused) {
    std::ptrdiff_t cap = static_cast<std::ptrdiff_t>(std::min<std::size_t>(allowance, PTRDIFF_MAX));
    if (outer_active_) cap = std::min(cap, std::max<std::ptrdiff_t>(outer_left_, 0));
    allowance_ = cap;
    current = {cap, true, false};
}

allocation_meter::~allocation_meter() {
    const std::ptrdiff_t used = allowance_ - current.left;  // outside droppable steps, past the cap too
    current = {outer_left_ - (outer_active_ ? used : 0), outer_active_, outer_refused_};
}

std::size_t allocation_meter::left() const noexcept {
    return static_cast<std::size_t>(std::max<std::ptrdiff_t>(current.left, 0));
}

allocation_meter::droppable_step::droppable_step() noexcept { ++droppable_depth; }

allocation_meter::droppable_step::~droppable_step() { --droppable_depth; }

bool allocation_meter::refused() noexcept { return current.active && current.refused; }

bool allocation_meter::refuses_next() noexcept {
    if (!current.active || --current.left >= 0) return false;
    // once past the cap every allocation of the step fails (GiNaC may catch one failure and
    // go on), except while an exception unwinds
    if (droppable_depth == 0 || std::uncaught_exceptions() != 0) return false;
    current.refused = true;
    return true;
}

}  // namespace ddx
