// One name -> symbol table per session: GiNaC tells symbols apart by a hidden serial
// number, not by name, so two `symbol("x")` would be different unknowns.
#pragma once

#include <ginac/ginac.h>
#include <map>
#include <string>

namespace ddx {

/// One real symbol per name: expressions parsed with the same table share their unknowns.
/// Keep symbols as GiNaC::ex (copying a realsymbol into a GiNaC::symbol makes a new unknown).
/// \code
/// ddx::symbol_table s;
/// GiNaC::ex f = ddx::parse("x^2 + y", s);  // x and y are created in s
/// GiNaC::ex x = s.get("x");                // the x of f
/// ddx::diff(f, x);                         // 2*x
/// \endcode
class symbol_table {
public:
    /// The real symbol called `name`, created on first use. The reference stays valid as long
    /// as the table: `GiNaC::ex x = s.get("x")`; `s.get("x")` again is the same symbol.
    const GiNaC::realsymbol& get(const std::string& name);
    /// Whether `name` has been used as a symbol: `s.contains("x")` is true once `s.get("x")`
    /// or `parse("x + 1", s)` has run.
    bool contains(const std::string& name) const { return symbols_.count(name) != 0; }

private:
    std::map<std::string, GiNaC::realsymbol> symbols_;
};

}  // namespace ddx
