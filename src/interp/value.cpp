#include <ddx/printer.hpp>
#include <ddx/value.hpp>

#include <cmath>

namespace ddx {

using GiNaC::ex;

namespace {

// The doubles as GiNaC numbers, laid out like the shape.
ex numbers_in_shape(const double_value& d, const ex& shape, size_t& next, position where) {
    if (GiNaC::is_a<GiNaC::lst>(shape)) {
        GiNaC::lst out;
        for (const ex& x : shape) out.append(numbers_in_shape(d, x, next, where));
        return out;
    }
    double v = d.values[next++];
    if (!std::isfinite(v)) throw error(format_double(v) + " cannot be used in an expression", where);
    return GiNaC::numeric(v);
}

}  // namespace

ex as_expression(const value& v, position where) {
    if (const auto* e = std::get_if<ex>(&v)) return *e;
    if (const auto* p = std::get_if<precise_value>(&v)) return p->number;
    if (const auto* d = std::get_if<double_value>(&v)) {
        size_t next = 0;
        return numbers_in_shape(*d, d->shape, next, where);
    }
    if (const auto* a = std::get_if<annotated_value>(&v)) return a->shown;
    if (const auto* s = std::get_if<series_value>(&v)) {
        GiNaC::exvector terms;
        for (const series_term& t : s->terms) terms.push_back(t.coefficient * t.power);
        return GiNaC::add(terms);
    }
    if (std::holds_alternative<data_table>(v)) throw error("a data table is not an expression", where);
    throw error("a string is not an expression", where);
}

}  // namespace ddx
