// The one exception type of ddx: a message and the source position it refers to.
#pragma once

#include <stdexcept>
#include <string>

namespace ddx {

/// A 1-based line and column in the input text; line 0 means "no position known".
/// `position{2, 6}` is the sixth character of the second line.
struct position {
    /// The line, counted from 1; 0 when the position is unknown.
    int line = 0;
    /// The column, counted from 1 in characters (not bytes) of the line.
    int column = 0;
};

/// Every error ddx reports. The edge of the program (REPL, script runner) turns it
/// into `error: LINE:COLUMN: message`.
/// \code
/// try {
///     ddx::parse_program("1 + 2\nsqrt(\n");
/// } catch (const ddx::error& e) {
///     e.what();        // "unexpected end of input (expected a number, a name or '(')"
///     e.where().line;  // 2, and e.where().column is 6
/// }
/// \endcode
class error : public std::runtime_error {
public:
    /// An error saying `message` (what() returns it) at `where`, by default nowhere:
    /// `throw error("no value for x")`, `throw error("unexpected ')'", {1, 5})`.
    explicit error(const std::string& message, position where = {})
        : std::runtime_error(message), where_(where) {}

    /// Where in the input the error is; `where().line` is 0 if that is not known.
    position where() const { return where_; }

    /// The same error, placed at `where` unless it already has a position:
    /// `throw e.located_at(call.where)` names the call for an error from inside it.
    error located_at(position where) const {
        return where_.line > 0 ? *this : error(what(), where);
    }

private:
    position where_;
};

/// `error: LINE:COLUMN: message`, followed by the offending line of `source` and a caret
/// under the column when the position is known.
/// \code
/// std::string text = "x +* 2";
/// try {
///     ddx::session().run(text, std::cout);
/// } catch (const ddx::error& e) {
///     std::cerr << ddx::format_error(e, text) << "\n";
///     // error: 1:4: unexpected '*' (expected a number, a name or '(')
///     //   x +* 2
///     //      ^
/// }
/// \endcode
std::string format_error(const error& e, const std::string& source);

}  // namespace ddx
