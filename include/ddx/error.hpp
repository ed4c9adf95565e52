// The one exception type of ddx: a message and the source position it refers to.
#pragma once

#include <stdexcept>
#include <string>

namespace ddx {

/// A 1-based line and column in the input text; line 0 means "no position known".
struct position {
    int line = 0;
    int column = 0;
};

/// Every error ddx reports. The edge of the program (REPL, script runner) turns it
/// into `error: LINE:COLUMN: message`.
class error : public std::runtime_error {
public:
    explicit error(const std::string& message, position where = {})
        : std::runtime_error(message), where_(where) {}

    position where() const { return where_; }

    /// The same error, placed at `where` unless it already has a position.
    error located_at(position where) const {
        return where_.line > 0 ? *this : error(what(), where);
    }

private:
    position where_;
};

/// `error: LINE:COLUMN: message`, followed by the offending line of `source` and a caret
/// under the column when the position is known.
std::string format_error(const error& e, const std::string& source);

}  // namespace ddx
