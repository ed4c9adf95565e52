// Which GiNaC class an expression is, cheaply. GiNaC's is_a<T> is a dynamic_cast, and across
// shared libraries libstdc++ compares the type names with strcmp at every level of GiNaC's
// class tree: it was 40% of printing a small expression (850 casts per print). The classes
// tested here have no registered subclasses (realsymbol and possymbol share symbol's), so
// comparing the registered class, one virtual call, says the same.
#pragma once

#include <ginac/ginac.h>
#include <type_traits>

namespace ddx {

template <class T>
bool is_class(const GiNaC::ex& e) {
    static_assert(std::is_same_v<T, GiNaC::numeric> || std::is_same_v<T, GiNaC::symbol> || std::is_same_v<T, GiNaC::add> ||
                      std::is_same_v<T, GiNaC::mul> || std::is_same_v<T, GiNaC::power>,
                  "only for classes without registered subclasses");
    return &GiNaC::ex_to<GiNaC::basic>(e).get_class_info() == &T::get_class_info_static();
}

}  // namespace ddx
