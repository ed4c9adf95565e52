// The table of built-in functions of the language (internal to the interpreter). A
// handler checks its arguments and calls the library; it contains no algebra.
#pragma once

#include <ddx/symbols.hpp>
#include <ddx/value.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ddx {

/// One evaluated argument of a call: positional, or `name = value` (option).
struct argument {
    std::string option;  // empty for a positional argument
    value v;
    bool is_range = false;  // `lo..hi`: v is the list [lo, hi]
    position where;
};

/// What a handler sees: the evaluated arguments, and helpers that check their kinds and
/// report errors at the argument's position.
struct builtin_context {
    symbol_table& symbols_of_session;
    std::string name;
    position where;
    std::vector<argument> positional;
    std::vector<argument> options;
    /// Where long computations (minimize, fit) send progress lines: the session's sink
    /// (session::set_progress_sink); null or empty: nowhere.
    const std::function<void(const std::string&)>* progress = nullptr;

    GiNaC::ex expr(size_t i) const;
    GiNaC::ex symbol(size_t i) const;                // a symbol
    std::vector<GiNaC::ex> symbols(size_t i) const;  // a list of symbols (or of lists of them, row-major)
    long integer(size_t i, long lo, long hi) const;
    std::string string(size_t i) const;
    const data_table& table(size_t i) const;
    std::vector<double> numbers(size_t i) const;  // a list of real numbers (nested: row-major)
    double number(const argument& a) const;       // a real number
    /// The options as name -> expression, rejecting names not in `allowed` (empty: any).
    std::map<std::string, GiNaC::ex> option_values(const std::vector<std::string>& allowed = {}) const;
    [[noreturn]] void fail(const std::string& message, position at) const;
    /// Runs a check of the library (a limit) on an argument, its error placed at `at`.
    template <class Check>
    void check_at(position at, Check check) const {
        try {
            check();
        } catch (const error& e) {
            fail(e.what(), at);
        }
    }
};

struct builtin {
    const char* name;
    size_t min_args;
    size_t max_args;  // positional arguments
    const char* signature;
    const char* summary;
    const char* example;
    value (*handler)(builtin_context&);
};

// Whether b's 'name = value' options are substitutions x = v (subs, eval, evalf): its
// signature shows them so.
bool takes_substitutions(const builtin& b);

const std::vector<builtin>& builtin_table();
const builtin* find_builtin(const std::string& name);

}  // namespace ddx
