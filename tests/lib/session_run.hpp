// Running statements through a ddx::session in tests: what they print, or the error they end
// with as the program would show it.
#pragma once

#include <ddx/ddx.hpp>

#include <sstream>
#include <string>

namespace ddx_test {

// What `text` prints in session `s`.
inline std::string run(ddx::session& s, const std::string& text) {
    std::ostringstream out;
    s.run(text, out);
    return out.str();
}

// What `text` prints in a fresh session.
inline std::string run(const std::string& text) {
    ddx::session s;
    return run(s, text);
}

// The error `text` ends with in session `s` (ddx::format_error's text), or "no error".
inline std::string error_of(ddx::session& s, const std::string& text) {
    std::ostringstream out;
    try {
        s.run(text, out);
    } catch (const ddx::error& e) {
        return ddx::format_error(e, text);
    }
    return "no error";
}

// The error `text` ends with in a fresh session.
inline std::string error_of(const std::string& text) {
    ddx::session s;
    return error_of(s, text);
}

}  // namespace ddx_test
