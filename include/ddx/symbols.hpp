// One name -> symbol table per session: GiNaC tells symbols apart by a hidden serial
// number, not by name, so two `symbol("x")` would be different unknowns.
#pragma once

#include <ginac/ginac.h>
#include <map>
#include <string>

namespace ddx {

class symbol_table {
public:
    /// The real symbol called `name`, created on first use.
    const GiNaC::realsymbol& get(const std::string& name);
    /// Whether `name` has been used as a symbol.
    bool contains(const std::string& name) const { return symbols_.count(name) != 0; }

private:
    std::map<std::string, GiNaC::realsymbol> symbols_;
};

}  // namespace ddx
