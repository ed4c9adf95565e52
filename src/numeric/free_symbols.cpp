// The helpers around a tape's inputs and outputs, apart from the lowering itself:
// ddx::flatten (public, <ddx/tape.hpp>: lists and matrices of outputs as the flat vector
// the lowering takes), and free_symbols and missing_values_message (free_symbols.hpp: which
// symbols an expression reads, and the error naming those without a value).
#include "numeric/free_symbols.hpp"

#include <ddx/detail/node_map.hpp>
#include <ddx/tape.hpp>

#include <map>

#include "core/class_test.hpp"
#include "core/expairs.hpp"

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;

namespace {

void flatten_into(const ex& e, std::vector<ex>& out) {
    if (is_a<GiNaC::lst>(e)) {
        // the list's own iterator: ex's reads the i-th element by walking i steps
        for (const ex& x : GiNaC::ex_to<GiNaC::lst>(e)) flatten_into(x, out);
    } else if (is_a<GiNaC::matrix>(e)) {
        const auto& m = GiNaC::ex_to<GiNaC::matrix>(e);
        for (unsigned r = 0; r < m.rows(); ++r)
            for (unsigned c = 0; c < m.cols(); ++c) out.push_back(m(r, c));
    } else {
        out.push_back(e);
    }
}

}  // namespace

std::vector<ex> flatten(const std::vector<ex>& outputs) {
    std::vector<ex> out;
    for (const ex& e : outputs) flatten_into(e, out);
    return out;
}

std::vector<ex> flatten(const ex& outputs) {
    std::vector<ex> out;
    flatten_into(outputs, out);
    return out;
}

std::vector<ex> free_symbols(const ex& e) {
    std::map<std::string, ex> found;
    detail::node_set seen;
    visit_distinct(e, seen, [&](const ex& x) {
        if (is_class<GiNaC::symbol>(x)) found.emplace(GiNaC::ex_to<GiNaC::symbol>(x).get_name(), x);
    });
    std::vector<ex> out;
    for (const auto& [name, s] : found) out.push_back(s);
    return out;
}

std::string missing_values_message(const std::vector<std::string>& names) {
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return std::string(names.size() == 1 ? "no value for " : "no values for ") + list;
}

}  // namespace ddx
