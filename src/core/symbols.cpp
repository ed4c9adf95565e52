#include <ddx/symbols.hpp>

namespace ddx {

const GiNaC::realsymbol& symbol_table::get(const std::string& name) {
    auto it = symbols_.find(name);
    if (it == symbols_.end()) it = symbols_.emplace(name, GiNaC::realsymbol(name)).first;
    return it->second;
}

}  // namespace ddx
