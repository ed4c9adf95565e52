// The measure simplify minimizes and the printer reports.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

namespace ddx {

/// The length of a printed form without its spaces (` + `): what simplify minimizes, as the
/// simplification benchmark compares lengths.
inline std::size_t visible_length(const std::string& text) {
    return text.size() - static_cast<std::size_t>(std::count(text.begin(), text.end(), ' '));
}

}  // namespace ddx
