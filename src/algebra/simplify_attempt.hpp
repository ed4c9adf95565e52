// The failure handling of simplify's candidates: a candidate that cannot be formed is simply
// not a candidate, and takes no other with it; a stop (Ctrl-C, the time limit, the memory
// budget) always goes through.
#pragma once

#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>

#include "core/allocation_meter.hpp"

#include <cstring>
#include <exception>
#include <new>

namespace ddx {

/// Whether `e` is check_stop's error: a stop, taken and thrown as a ddx::error.
inline bool is_stop_error(const std::exception& e) {
    if (dynamic_cast<const error*>(&e) == nullptr) return false;
    for (stop_reason r : {stop_reason::interrupt, stop_reason::timeout, stop_reason::memory}) {
        if (std::strcmp(e.what(), stop_message(r)) == 0) return true;
    }
    return false;
}

/// Runs form(), which adds candidates. Where forming them fails (GiNaC's and CLN's
/// exceptions: a division by zero met on the way, factor refusing floats; a ddx::error of a
/// size limit; an allocation refused by the step's allocation_meter), what form() had not
/// added yet is lost, and nothing else. A stop propagates: std::bad_alloc (out of memory, or
/// a stop raised through the allocator) and check_stop's error are thrown on, and a stop that
/// became pending while GiNaC failed is raised here. (Past its meter's cap nothing may
/// allocate, so a stop pending then is raised by the first allocation after the meter.)
/// \code
/// attempt([&] { out.push_back(GiNaC::normal(e)); });
/// \endcode
template <class Form>
void attempt(Form&& form) {
    try {
        allocation_meter::droppable_step step;
        form();
    } catch (const std::bad_alloc&) {
        if (!allocation_meter::refused()) throw;
    } catch (const std::exception& e) {
        if (is_stop_error(e)) throw;
        if (!allocation_meter::refused()) check_stop();
    }
}

}  // namespace ddx
