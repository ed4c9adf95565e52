// Read access to GiNaC's own pairs of a sum or a product. GiNaC keeps a sum as
// (term, coefficient) pairs plus a number and a product as (base, exponent) pairs plus a
// coefficient, and op(i) builds the i-th operand afresh on every call (a product object per
// term of a sum, a power per factor of a product): reading a sum's signs and content through
// op() was a third of the printer's time, spent building and freeing those objects.
#pragma once

#include <ddx/detail/node_map.hpp>

#include "core/class_test.hpp"

#include <ginac/ginac.h>

namespace ddx {

// Never constructed: only its pointers to expairseq's protected members are formed (legal
// from a derived class, and read through the base class, so no object is misread).
class expairs : GiNaC::expairseq {
public:
    /// The (rest, coeff) pairs of an add or mul: coeff is always a GiNaC::numeric.
    static const GiNaC::epvector& of(const GiNaC::ex& sum_or_product) {
        return GiNaC::ex_to<GiNaC::expairseq>(sum_or_product).*(&expairs::seq);
    }
    /// A sum's number term (0 if none), a product's numeric coefficient (1 if none).
    static const GiNaC::numeric& number(const GiNaC::ex& sum_or_product) {
        return GiNaC::ex_to<GiNaC::numeric>(GiNaC::ex_to<GiNaC::expairseq>(sum_or_product).*(&expairs::overall_coeff));
    }
};

/// Calls visit(node) once for each distinct node of e, e included, reaching a sum's terms
/// and a product's factors through the rests of their stored pairs (the numbers in the
/// coefficients and exponents are not visited). `seen` holds the nodes visited so far, also
/// across calls.
template <class Visit>
void visit_distinct(const GiNaC::ex& e, detail::node_set& seen, Visit&& visit) {
    if (!seen.insert(e).second) return;
    visit(e);
    if (is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e)) {
        for (const GiNaC::expair& p : expairs::of(e)) visit_distinct(p.rest, seen, visit);
        return;
    }
    for (const GiNaC::ex& c : e) visit_distinct(c, seen, visit);
}

/// Whether some distinct node of e satisfies `test` (each read once: GiNaC's has reads e as a
/// tree, which can be exponentially larger).
template <class Test>
bool any_distinct(const GiNaC::ex& e, Test&& test) {
    bool found = false;
    detail::node_set seen;
    visit_distinct(e, seen, [&](const GiNaC::ex& node) { found = found || test(node); });
    return found;
}

}  // namespace ddx
