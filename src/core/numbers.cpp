#include "core/numbers.hpp"

#include <cln/integer.h>
#include <sstream>

namespace ddx {

std::string number_text(const GiNaC::numeric& n) {
    if (n.is_integer()) {
        const cln::cl_I i = cln::the<cln::cl_I>(n.to_cl_N());
        if (cln::integer_length(i) < 63) return std::to_string(cln::cl_I_to_long(i));
    }
    std::ostringstream out;
    out << n;
    return out.str();
}

GiNaC::numeric integer_from_digits(std::string_view digits) {
    // CLN's reader is the slow part of parsing a polynomial; 18 digits fit a machine word,
    // and up to a thousand are put together from words. (The reader is subquadratic, this
    // loop is not: longer numbers are left to it.)
    if (digits.size() > 1000) return GiNaC::numeric(std::string(digits).c_str());
    cln::cl_I value = 0;
    long chunk = 0, scale = 1;
    for (char d : digits) {
        chunk = 10 * chunk + (d - '0');
        scale *= 10;
        if (scale == 1000000000000000000L) {
            value = value * scale + chunk;
            chunk = 0;
            scale = 1;
        }
    }
    if (scale > 1) value = value * scale + chunk;
    return GiNaC::numeric(value);
}

}  // namespace ddx
