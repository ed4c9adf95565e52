// GiNaC and CLN report failures as std::exception subclasses in their own wording; ddx turns
// each into its one error type, with a position and a message a user can read.
#pragma once

#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>

#include <exception>
#include <new>
#include <string>

namespace ddx {

/// The readable part of a GiNaC or CLN exception's text: "division by zero" from
/// "power::eval(): division by zero", "log(0) is undefined" for a logarithmic pole of log.
std::string readable(const std::exception& e);

/// f(), with every failure turned into a ddx::error at `where` (one without a position gets
/// this one): bad input must end in an error, never in a crash.
template <class F>
auto reporting_at(position where, F f) -> decltype(f()) {
    try {
        return f();
    } catch (const error& e) {
        throw e.located_at(where);
    } catch (const std::bad_alloc&) {
        throw error(failed_allocation_message(), where);
    } catch (const std::exception& e) {
        throw error(readable(e), where);
    }
}

}  // namespace ddx
