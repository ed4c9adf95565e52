#include <ddx/functions.hpp>
#include <ddx/detail/node_map.hpp>
#include <ddx/printer.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cln/cln.h>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "core/class_test.hpp"
#include "core/expairs.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "core/undefined_functions.hpp"
#include "algebra/printed_length.hpp"
#include "algebra/ordering.hpp"

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

std::string format_double(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, result.ptr);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

namespace {

// How tightly a printed piece binds; a piece is wrapped in parentheses where its parent
// binds tighter.
enum level { sum_level = 0, product_level = 1, negative_level = 2, power_level = 3, atom_level = 4 };

struct piece {
    std::string text;
    level binding;
};


// N significant digits of an arbitrary-precision float, correctly rounded, always with a
// decimal point or exponent so that it reads back as a float.
std::string format_long_float(const numeric& x, int digits) {
    if (x.is_zero()) return "0.0";
    cln::cl_RA exact = cln::rational(cln::the<cln::cl_R>(x.to_cl_N()));
    bool negative = cln::minusp(exact);
    if (negative) exact = -exact;
    // Decimal exponent from the binary lengths (the value may be far outside the double
    // range), corrected below.
    long bits = static_cast<long>(cln::integer_length(cln::numerator(exact))) -
                static_cast<long>(cln::integer_length(cln::denominator(exact)));
    long e10 = static_cast<long>(std::floor(static_cast<double>(bits) * 0.30102999566398120));
    auto scaled = [&](long e) {
        cln::cl_RA s = exact * cln::expt(cln::cl_RA(10), digits - 1 - e);
        return cln::round1(s);
    };
    cln::cl_I m = scaled(e10);
    const cln::cl_I upper = cln::expt_pos(cln::cl_I(10), digits);
    // (CLN's expt_pos needs an exponent of at least 1: with 0 it computes 10^(2^32 - 1))
    const cln::cl_I lower = digits > 1 ? cln::expt_pos(cln::cl_I(10), digits - 1) : cln::cl_I(1);
    // the estimate is off by at most one or two either way
    for (int i = 0; i < 4 && m >= upper; ++i) m = scaled(++e10);
    for (int i = 0; i < 4 && m < lower; ++i) m = scaled(--e10);
    std::ostringstream ds;
    cln::fprintdecimal(ds, m);
    std::string d = ds.str();
    std::string out = negative ? "-" : "";
    if (e10 >= -5 && e10 < digits) {
        if (e10 < 0) {
            out += "0." + std::string(static_cast<size_t>(-e10 - 1), '0') + d;
        } else {
            size_t point = static_cast<size_t>(e10) + 1;
            if (d.size() < point) d += std::string(point - d.size(), '0');
            out += d.substr(0, point) + "." + (d.size() > point ? d.substr(point) : "0");
        }
    } else {
        out += d.substr(0, 1) + "." + (d.size() > 1 ? d.substr(1) : "0") + "e" + std::to_string(e10);
    }
    return out;
}

class printer {
public:
    printer(bool latex, print_options options) : latex_(latex), options_(options) {}

    std::string print(const ex& e) { return piece_of(e).text; }

private:
    // Memoized where a node is shared: a DAG prints in time linear in its distinct nodes.
    // A node held once is reached once, and keeping its text would make a chain of nested
    // calls quadratic in memory.
    piece piece_of(const ex& e) {
        if (is_class<GiNaC::numeric>(e) || is_class<GiNaC::symbol>(e) || GiNaC::ex_to<GiNaC::basic>(e).get_refcount() < 2) {
            return uncached_piece_of(e);
        }
        auto it = memo_.find(e);
        if (it != memo_.end()) return it->second;
        piece p = uncached_piece_of(e);
        memo_.emplace(e, p);
        return p;
    }

    // A product as a term of a sum shows its own sign rather than giving it to a sum factor
    // (-y*(x - 1) stays, not y*(1 - x)): the sum takes the sign, so that the text does not
    // depend on whether GiNaC put the minus in the term's coefficient or in the factor.
    piece term_piece(const ex& magnitude) {
        const bool power_of_sum = is_class<GiNaC::power>(magnitude) && is_class<GiNaC::add>(magnitude.op(0));
        if (!is_class<GiNaC::mul>(magnitude) && !power_of_sum) return piece_of(magnitude);
        auto it = term_memo_.find(magnitude);
        if (it != term_memo_.end()) return it->second;
        piece p = product(magnitude, false);
        if (GiNaC::ex_to<GiNaC::basic>(magnitude).get_refcount() >= 2) term_memo_.emplace(magnitude, p);
        return p;
    }

    piece uncached_piece_of(const ex& e) {
        if (is_class<GiNaC::numeric>(e)) return number(GiNaC::ex_to<numeric>(e));
        if (is_class<GiNaC::symbol>(e)) return {symbol_name(e), atom_level};
        if (is_a<GiNaC::constant>(e)) return {constant_name(e), atom_level};
        if (is_class<GiNaC::add>(e)) return sum(e);
        if (is_class<GiNaC::mul>(e)) return product(e);
        if (is_class<GiNaC::power>(e)) return power(e);
        if (is_a<GiNaC::function>(e)) return function(e);
        if (is_a<GiNaC::lst>(e) || is_a<GiNaC::matrix>(e)) return list(e);
        if (is_a<GiNaC::pseries>(e)) return piece_of(GiNaC::series_to_poly(e));
        if (is_a<GiNaC::relational>(e)) {
            return {print(e.op(0)) + " = " + print(e.op(1)), sum_level};
        }
        std::ostringstream fallback;
        fallback << e;
        return {fallback.str(), atom_level};
    }

    std::string symbol_name(const ex& e) {
        std::string name = GiNaC::ex_to<GiNaC::symbol>(e).get_name();
        if (!latex_ || name.size() == 1) return name;
        static const char* greek[] = {"alpha", "beta", "gamma", "delta", "epsilon", "theta",
                                      "lambda", "mu", "nu", "rho", "sigma", "tau", "phi",
                                      "chi", "psi", "omega"};
        for (const char* g : greek) {
            if (name == g) return std::string("\\") + g;
        }
        return "\\mathrm{" + name + "}";
    }

    std::string constant_name(const ex& e) {
        if (e.is_equal(GiNaC::Pi)) return latex_ ? "\\pi" : "pi";
        std::ostringstream out;
        out << e;
        return out.str();
    }

    piece number(const numeric& n) {
        if (n.is_integer()) {
            std::string s = number_text(n);
            return {s, s[0] == '-' ? negative_level : atom_level};
        }
        if (n.is_rational()) {
            std::string num = number(n.numer()).text, den = number(n.denom()).text;
            if (latex_) {
                bool neg = num[0] == '-';
                return {std::string(neg ? "-" : "") + "\\frac{" + (neg ? num.substr(1) : num) +
                            "}{" + den + "}",
                        neg ? negative_level : atom_level};
            }
            return {num + "/" + den, num[0] == '-' ? negative_level : product_level};
        }
        if (n.is_real()) {
            std::string s = options_.float_digits > 0
                                ? format_long_float(n, options_.float_digits)
                                : format_double(n.to_double());
            if (latex_) s = latex_float(s);
            return {s, s[0] == '-' ? negative_level : atom_level};
        }
        // Complex: a + b*sqrt(-1), which reads back (the language has no `I`).
        ex re = n.real(), im = n.imag();
        std::string imag_text = latex_ ? print(im * GiNaC::symbol("i"))
                                       : imaginary_text(GiNaC::ex_to<numeric>(im));
        if (re.is_zero()) return {imag_text, imag_text[0] == '-' ? negative_level : product_level};
        std::string re_text = print(re);
        if (imag_text[0] == '-') return {re_text + " - " + imag_text.substr(1), sum_level};
        return {re_text + " + " + imag_text, sum_level};
    }

    std::string imaginary_text(const numeric& im) {
        if (im.is_equal(numeric(1))) return "sqrt(-1)";
        if (im.is_equal(numeric(-1))) return "-sqrt(-1)";
        piece p = number(im);
        return (p.binding < product_level ? "(" + p.text + ")" : p.text) + "*sqrt(-1)";
    }

    static std::string latex_float(const std::string& s) {
        auto e = s.find('e');
        if (e == std::string::npos) return s;
        return s.substr(0, e) + " \\cdot 10^{" + s.substr(e + 1) + "}";
    }

    // GiNaC distributes numbers over sums (2*(x - y) is stored as 2*x - 2*y); put the
    // common factor back in front where that reads shorter.
    piece sum(const ex& e) {
        const std::vector<sum_term> terms = terms_of(e);
        piece plain = sum_text(terms);
        numeric content = sum_content(e);
        const bool negation = prefers_negation(e, &terms);
        if (content.is_equal(numeric(1)) && !negation) return plain;
        if (negation) content = -content;
        ex inner_sum = scaled_sum(e, content.inverse());
        if (!is_class<GiNaC::add>(inner_sum)) return plain;  // the terms merged: not a sum to show
        piece inner = sum_text(terms_of(inner_sum));
        bool negative = content.is_negative();
        if (negative) content = -content;
        std::string text = "(" + inner.text + ")";
        if (latex_) {
            std::string n = content.numer().is_equal(numeric(1)) ? "" : print(content.numer()) + " ";
            text = content.denom().is_equal(numeric(1))
                       ? n + paren(inner.text)
                       : "\\frac{" + n + "}{" + print(content.denom()) + "} " + paren(inner.text);
        } else {
            if (!content.numer().is_equal(numeric(1))) text = print(content.numer()) + "*" + text;
            if (!content.denom().is_equal(numeric(1))) text += "/" + print(content.denom());
        }
        if (negative) text = "-" + text;
        if (text.size() >= plain.text.size()) return plain;
        return {text, negative ? negative_level : product_level};
    }

    struct sum_term {
        sort_key key;
        bool negative;     // the term's own sign: its coefficient's
        std::string text;  // its magnitude printed (a product may still show a sign of its own)
    };

    // From GiNaC's pairs: a term with coefficient +-1 is its pair's rest (no new object, and
    // found in the memo where shared).
    std::vector<sum_term> terms_of(const ex& sum) {
        std::vector<sum_term> terms;
        auto add_term = [&](const ex& magnitude, bool negative) {
            std::string text = term_piece(magnitude).text;
            if (text[0] == '-') {  // the product shows a sign of its own: the term takes it
                negative = !negative;
                text.erase(0, 1);
            }
            terms.push_back({term_key(magnitude), negative, std::move(text)});
        };
        for (const GiNaC::expair& p : expairs::of(sum)) {
            const numeric& c = GiNaC::ex_to<numeric>(p.coeff);
            const bool negative = is_negative_number(c);
            const numeric magnitude = negative ? -c : c;
            add_term(magnitude.is_equal(numeric(1)) ? p.rest : ex(GiNaC::mul(p.rest, magnitude)), negative);
        }
        const numeric& number = expairs::number(sum);
        if (!number.is_zero()) add_term(is_negative_number(number) ? -number : number, is_negative_number(number));
        return terms;
    }

    piece sum_text(std::vector<sum_term> terms) {
        std::sort(terms.begin(), terms.end(), [](const sum_term& a, const sum_term& b) {
            return compare(a.key, a.text, b.key, b.text);
        });
        // A sum reads best starting with a positive term (`y - a*x - b`, not `-a*x - b + y`;
        // `1 - x^2`), but not at the cost of a polynomial's degree order: `-x^3 + x + 1`.
        auto first_positive = std::find_if(terms.begin(), terms.end(),
                                           [](const sum_term& t) { return !t.negative; });
        if (first_positive != terms.end() &&
            (terms.size() == 2 || !lower_power_of(first_positive->key, terms.front().key))) {
            std::rotate(terms.begin(), first_positive, first_positive + 1);
        }
        std::string out;
        size_t length = 1;  // (reserved: a sum of megabytes grew by copies of itself)
        for (const sum_term& t : terms) length += t.text.size() + 3;
        out.reserve(length);
        for (size_t i = 0; i < terms.size(); ++i) {
            out += i == 0 ? (terms[i].negative ? "-" : "") : (terms[i].negative ? " - " : " + ");
            out += terms[i].text;
        }
        return {std::move(out), sum_level};
    }

    // `absorb`: a minus sign may go into the one sum factor with terms of both signs.
    piece product(const ex& e, bool absorb = true) {
        numeric coefficient(1);
        std::vector<ex> numerator, denominator;
        auto add_factor = [&](ex f) {
            if (flip_sign_of_sum_factor(f)) coefficient = -coefficient;
            if (is_class<GiNaC::numeric>(f)) {
                coefficient *= GiNaC::ex_to<numeric>(f);
            } else if (is_class<GiNaC::power>(f) && is_class<GiNaC::numeric>(f.op(1)) &&
                       GiNaC::ex_to<numeric>(f.op(1)).is_real() &&
                       GiNaC::ex_to<numeric>(f.op(1)).is_negative()) {
                denominator.push_back(held_power(f.op(0), -f.op(1)));
            } else {
                numerator.push_back(f);
            }
        };
        if (is_class<GiNaC::mul>(e)) {
            for (const ex& f : e) add_factor(f);
        } else {
            add_factor(e);
        }
        bool negative = coefficient.is_real() && coefficient.is_negative();
        if (negative) coefficient = -coefficient;
        if (negative && absorb) negative = !absorb_sign(numerator, denominator);
        piece best = product_text(coefficient, negative, numerator, denominator);
        // 12*x^2*(2*x + 1) or x^2*(24*x + 12): an integer may go into the one sum factor, over
        // its terms only (expanding them would make a new tree of every nested fraction below,
        // printed anew at every level: exponential in the depth)
        auto sums = std::count_if(numerator.begin(), numerator.end(), [](const ex& f) { return is_class<GiNaC::add>(f); });
        if (!latex_ && sums == 1 && coefficient.is_integer() && !coefficient.is_equal(numeric(1))) {
            auto s = std::find_if(numerator.begin(), numerator.end(), [](const ex& f) { return is_class<GiNaC::add>(f); });
            if (scaling_only_lengthens(*s, coefficient)) return best;
            *s = scaled_sum(*s, coefficient);
            piece alternative = product_text(numeric(1), negative, numerator, denominator);
            if (visible_length(alternative.text) < visible_length(best.text)) best = alternative;
        }
        return best;
    }

    // Whether a sum printed with the integer c multiplied into its terms is certainly no
    // shorter than c*(sum): its terms' numbers are integers with no common factor (then the
    // scaled sum's own content is c, and printed with it it is c*(sum) again), and each of its
    // T terms grows by at least d - 1 digits (d those of c) against d + 3 characters saved.
    // Scaling and printing a sum of big numbers again was most of the printing of high-order
    // derivatives (bignum products for every coefficient, 2.6 MB printed anew).
    static bool scaling_only_lengthens(const ex& sum, const numeric& c) {
        if (!sum_content(sum).is_equal(numeric(1))) return false;
        for (const GiNaC::expair& p : expairs::of(sum)) {
            if (!GiNaC::ex_to<numeric>(p.coeff).is_integer()) return false;
        }
        if (!expairs::number(sum).is_integer()) return false;
        const double terms = static_cast<double>(sum.nops());
        const double digits = std::floor(static_cast<double>(cln::integer_length(cln::the<cln::cl_I>(abs(c).to_cl_N()))) * std::log10(2.0));
        return terms * (digits - 1) > digits + 3;
    }

    piece product_text(const numeric& coefficient, bool negative, const std::vector<ex>& numerator,
                       const std::vector<ex>& denominator) {
        std::vector<std::string> num = factor_texts(numerator), den = factor_texts(denominator);
        if (!coefficient.is_equal(numeric(1))) {
            if (coefficient.is_rational()) {
                if (!coefficient.numer().is_equal(numeric(1))) num.insert(num.begin(), print(coefficient.numer()));
                if (!coefficient.denom().is_equal(numeric(1))) den.insert(den.begin(), print(coefficient.denom()));
            } else {
                piece c = number(coefficient);
                num.insert(num.begin(), c.binding < power_level ? "(" + c.text + ")" : c.text);
            }
        }
        std::string sign = negative ? "-" : "";
        if (latex_) {
            // \frac{}{} groups by itself: a lone sum above or below the bar needs no brackets
            auto group = [&](const std::vector<std::string>& texts, const std::vector<ex>& factors) {
                if (texts.empty()) return std::string("1");
                if (texts.size() == 1 && factors.size() == 1) return print(factors[0]);
                return join(texts, " ");
            };
            std::string n = group(num, numerator);
            if (den.empty()) return {sign + n, negative ? negative_level : product_level};
            return {sign + "\\frac{" + n + "}{" + group(den, denominator) + "}",
                    negative ? negative_level : product_level};
        }
        std::string n = num.empty() ? "1" : join(num, "*");
        bool single = num.size() <= 1 && den.empty();
        std::string text = n;
        if (!den.empty()) {
            text += "/" + (den.size() == 1 ? den[0] : "(" + join(den, "*") + ")");
        }
        if (negative) return {sign + text, negative_level};
        if (single && numerator.size() == 1) return piece_of(numerator[0]);
        return {text, product_level};
    }

    // GiNaC may hold a sum factor either way round (-2*x*(y - b) or 2*x*(b - y)); print
    // the one with more positive terms, or on a tie the one whose leading term is positive,
    // so that the text never depends on how the expression was built. Returns whether the
    // factor's sign flipped (the product's sign then flips too).
    bool flip_sign_of_sum_factor(ex& f) {
        bool is_power = is_class<GiNaC::power>(f);
        const ex& base = is_power ? f.op(0) : f;
        if (!is_class<GiNaC::add>(base) || !prefers_negation(base)) return false;
        if (!is_power) {
            f = negated_sum(f);
            return true;
        }
        const ex& exponent = f.op(1);
        if (!is_class<GiNaC::numeric>(exponent) || !GiNaC::ex_to<numeric>(exponent).is_integer()) return false;
        f = held_power(negated_sum(base), exponent);
        return GiNaC::ex_to<numeric>(exponent).is_odd();
    }

    // -y*(x - 1) reads shorter as y*(1 - x): the one sum factor with terms of both signs
    // takes the product's sign (with two or more the choice would follow GiNaC's order).
    // (Signs as printed, as prefers_negation counts them.)
    bool absorb_sign(std::vector<ex>& numerator, std::vector<ex>& denominator) {
        auto mixed = [&](const ex& f) {
            if (!is_class<GiNaC::add>(f)) return false;
            size_t negative = 0, count = 0;
            for (const GiNaC::expair& p : expairs::of(f)) {
                negative += printed_negative(p) ? 1 : 0;
                ++count;
            }
            const numeric& number = expairs::number(f);
            if (!number.is_zero()) {
                negative += is_negative_number(number) ? 1 : 0;
                ++count;
            }
            return negative > 0 && negative < count;
        };
        ex* only = nullptr;
        for (auto* factors : {&numerator, &denominator}) {
            for (ex& f : *factors) {
                if (!mixed(f)) continue;
                if (only) return false;
                only = &f;
            }
        }
        if (!only) return false;
        *only = negated_sum(*only);
        return true;
    }

    // GiNaC would turn (1 - x)^(-1) back into -(x - 1)^(-1), undoing the printer's choice.
    // -s for a sum s: GiNaC distributes the -1 over its terms, and nothing is expanded (an
    // expansion could reveal a sum that is zero, and print 0 in place of the sum).
    static ex negated_sum(const ex& s) { return -s; }

    static ex held_power(const ex& base, const ex& exponent) {
        if (exponent.is_equal(ex(1))) return base;
        return GiNaC::power(base, exponent).hold();
    }

    // More negative terms than positive ones, or as many and the first in reading order
    // negative; signs as printed (a term's product may show one of its own). `terms`: the
    // sum's terms_of, where already made. Memoized: a sum's factors ask it of theirs, and a
    // nested sum would be asked again at every level.
    bool prefers_negation(const ex& sum, const std::vector<sum_term>* terms = nullptr) {
        auto known = orientation_.find(sum);
        if (known != orientation_.end()) return known->second;
        int balance = 0;
        for (const GiNaC::expair& p : expairs::of(sum)) balance += printed_negative(p) ? -1 : 1;
        const numeric& number = expairs::number(sum);
        if (!number.is_zero()) balance += is_negative_number(number) ? -1 : 1;
        bool negate = balance < 0;
        if (balance == 0) {
            std::vector<sum_term> own;
            if (!terms) terms = &(own = terms_of(sum));
            auto leading = std::min_element(terms->begin(), terms->end(), [](const sum_term& a, const sum_term& b) {
                return compare(a.key, a.text, b.key, b.text);
            });
            negate = leading != terms->end() && leading->negative;
        }
        orientation_.emplace(sum, negate);
        return negate;
    }

    // Whether the term of a sum's pair prints with a minus: its coefficient's sign, turned
    // once for each sum factor (or odd power of one) that prints negated (term_piece keeps
    // the sign in the product). Read without printing the term.
    bool printed_negative(const GiNaC::expair& p) {
        bool negative = is_negative_number(GiNaC::ex_to<numeric>(p.coeff));
        auto turns = [&](const ex& base, const ex& exponent) {
            return is_class<GiNaC::add>(base) && is_class<GiNaC::numeric>(exponent) &&
                   GiNaC::ex_to<numeric>(exponent).is_integer() && GiNaC::ex_to<numeric>(exponent).is_odd() &&
                   prefers_negation(base);
        };
        if (is_class<GiNaC::mul>(p.rest)) {
            for (const GiNaC::expair& f : expairs::of(p.rest)) negative = negative != turns(f.rest, f.coeff);
        } else if (is_class<GiNaC::power>(p.rest)) {
            negative = negative != turns(p.rest.op(0), p.rest.op(1));
        }
        return negative;
    }

    // Factors of a product in reading order: names and their powers, then functions, then
    // bracketed sums; each wrapped where it binds looser than `*`. Sums that are polynomials
    // in one and the same name read by ascending degree among themselves, in the places the
    // text order gives them (factor(x^60 - 1) printed (x^16 + ...) before (x^2 + 1)).
    std::vector<std::string> factor_texts(const std::vector<ex>& factors) {
        struct factor {
            sort_key key;
            std::string text;
            std::pair<ex, int> polynomial;  // its one name and degree; degree -1: not such
        };
        std::vector<factor> sorted;
        for (const ex& f : factors) {
            piece p = piece_of(f);
            // LaTeX juxtaposes factors, so only sums and signs need brackets there.
            bool wrap = latex_ ? p.binding == sum_level || p.binding == negative_level
                               : p.binding < power_level;
            std::string text = wrap ? paren(p.text) : p.text;
            const sort_key key = factor_key(f);
            sorted.push_back({key, text, key.group == 2 ? polynomial_in_one_name(f) : std::pair<ex, int>{0, -1}});
        }
        std::sort(sorted.begin(), sorted.end(), [](const factor& a, const factor& b) {
            return compare(a.key, a.text, b.key, b.text);
        });
        for (size_t i = 0; i < sorted.size(); ++i) {
            if (sorted[i].polynomial.second < 0) continue;
            std::vector<size_t> places;  // of the polynomials in this name, i the first
            for (size_t j = i; j < sorted.size(); ++j) {
                if (sorted[j].polynomial.second >= 0 && sorted[j].polynomial.first.is_equal(sorted[i].polynomial.first)) places.push_back(j);
            }
            std::vector<factor> in_name;
            for (size_t j : places) in_name.push_back(std::move(sorted[j]));
            std::stable_sort(in_name.begin(), in_name.end(), [](const factor& a, const factor& b) {
                return a.polynomial.second < b.polynomial.second;
            });
            for (size_t k = 0; k < places.size(); ++k) {
                sorted[places[k]] = std::move(in_name[k]);
                sorted[places[k]].polynomial.second = -1;  // placed
            }
        }
        std::vector<std::string> out;
        for (auto& f : sorted) out.push_back(std::move(f.text));
        return out;
    }

    // A sum (or a power of one) whose only name is one symbol, a polynomial in it: the symbol
    // and the degree; else degree -1.
    static std::pair<ex, int> polynomial_in_one_name(const ex& f) {
        const std::pair<ex, int> none{0, -1};
        const ex& sum = is_class<GiNaC::power>(f) ? f.op(0) : f;
        if (!is_class<GiNaC::add>(sum)) return none;
        ex name;
        int degree = 0;
        for (const GiNaC::expair& term : expairs::of(sum)) {
            ex base = term.rest;
            int power = 1;
            if (is_class<GiNaC::power>(base)) {
                const ex& exponent = base.op(1);
                if (!is_class<GiNaC::numeric>(exponent) || !GiNaC::ex_to<numeric>(exponent).is_pos_integer() ||
                    GiNaC::ex_to<numeric>(exponent) > numeric(1 << 30)) {
                    return none;
                }
                power = GiNaC::ex_to<numeric>(exponent).to_int();
                base = base.op(0);
            }
            if (!is_class<GiNaC::symbol>(base) || (!name.is_zero() && !name.is_equal(base))) return none;
            name = base;
            degree = std::max(degree, power);
        }
        if (name.is_zero()) return none;
        return {name, degree};
    }

    piece power(const ex& e) {
        const ex& base = e.op(0);
        const ex& exponent = e.op(1);
        if (is_class<GiNaC::add>(base) && is_class<GiNaC::numeric>(exponent) &&
            GiNaC::ex_to<numeric>(exponent).is_even() && prefers_negation(base)) {
            return power_of(negated_sum(base), exponent);  // (b - a)^2 reads as (a - b)^2
        }
        return power_of(base, exponent);
    }

    piece power_of(const ex& base, const ex& exponent) {
        if (is_class<GiNaC::numeric>(exponent)) {
            const numeric& n = GiNaC::ex_to<numeric>(exponent);
            if (n.is_real() && n.is_negative()) return product(held_power(base, exponent));
            if (n.is_equal(numeric(1, 2))) {
                std::string inner = print(base);
                return {latex_ ? "\\sqrt{" + inner + "}" : "sqrt(" + inner + ")", atom_level};
            }
        }
        if (latex_ && is_exp(base)) return {"e^{" + print(base.op(0) * exponent) + "}", power_level};
        piece b = piece_of(base);
        std::string base_text = b.binding < atom_level ? paren(b.text) : b.text;
        if (latex_) {
            if (is_a<GiNaC::function>(base) && !is_exp(base)) base_text = paren(b.text);
            return {base_text + "^{" + print(exponent) + "}", power_level};
        }
        piece x = piece_of(exponent);
        std::string exponent_text = x.binding < atom_level ? paren(x.text) : x.text;
        return {base_text + "^" + exponent_text, power_level};
    }


    // A derivative of a function (an undefined one, as f(x)): f'(u) and f''(u) for one
    // argument; diff(f(x, y), x, 2, y) for several, where each differentiated argument is a
    // symbol found in no other argument, else
    // subs(diff(f(t1, t2), t1), t1 = u, t2 = v). All of them are ddx input giving e back.
    // LaTeX: f'(u), \frac{\partial^{3} f}{\partial x^{2} \partial y}(x, y), and with
    // argument numbers where an argument is not such a symbol.
    piece derivative_of_function(const ex& e) {
        const auto& d = GiNaC::ex_to<GiNaC::fderivative>(e);
        std::string name = d.get_name();
        const GiNaC::paramset& params = d.derivatives();
        std::vector<std::string> args;
        for (const ex& a : e) args.push_back(print(a));
        if (e.nops() == 1) {
            return {name + std::string(params.size(), '\'') + "(" + args[0] + ")", atom_level};
        }
        std::map<unsigned, int> order;  // argument index -> how many times
        for (unsigned i : params) ++order[i];
        bool plain = true;
        for (const auto& [i, k] : order) {
            if (i >= e.nops() || !is_class<GiNaC::symbol>(e.op(i))) plain = false;
            for (size_t j = 0; plain && j < e.nops(); ++j) {
                if (j != i && e.op(j).has(e.op(i))) plain = false;
            }
        }
        std::vector<std::string> vars = args;
        if (!plain) {
            for (size_t j = 0; j < vars.size(); ++j) vars[j] = (latex_ ? "t_{" : "t") + std::to_string(j + 1) + (latex_ ? "}" : "");
        }
        if (latex_) {
            std::string below;
            for (const auto& [i, k] : order) {
                below += std::string(below.empty() ? "" : " ") + "\\partial " + vars[i] + (k > 1 ? "^{" + std::to_string(k) + "}" : "");
            }
            std::string total = params.size() > 1 ? "^{" + std::to_string(params.size()) + "}" : "";
            return {"\\frac{\\partial" + total + " " + name + "}{" + below + "}" + paren(join(args, ", ")), atom_level};
        }
        std::string text = "diff(" + name + "(" + join(vars, ", ") + ")";
        for (const auto& [i, k] : order) text += ", " + vars[i] + (k > 1 ? ", " + std::to_string(k) : "");
        text += ")";
        if (plain) return {text, atom_level};
        std::vector<std::string> equations;
        for (size_t j = 0; j < vars.size(); ++j) equations.push_back(vars[j] + " = " + args[j]);
        return {"subs(" + text + ", " + join(equations, ", ") + ")", atom_level};
    }

    piece function(const ex& e) {
        if (is_fderivative(e)) return derivative_of_function(e);
        const auto& f = GiNaC::ex_to<GiNaC::function>(e);
        std::string name = f.get_name();
        if (name == "exp" && e.op(0).is_equal(ex(1))) return {latex_ ? "e" : "E", atom_level};
        std::vector<std::string> args;
        for (const ex& a : e) args.push_back(print(a));
        if (!latex_) return {name + "(" + join(args, ", ") + ")", atom_level};
        std::string arg = join(args, ", ");
        if (name == "exp") return {"e^{" + arg + "}", power_level};
        if (name == "abs") return {"\\left|" + arg + "\\right|", atom_level};
        const math_function* row = find_math_function(f.get_serial());
        if (row && row->latex) return {row->latex + paren(arg), atom_level};
        return {"\\operatorname{" + name + "}" + paren(arg), atom_level};
    }

    piece list(const ex& e) {
        std::vector<std::string> items;
        if (is_a<GiNaC::matrix>(e)) {
            const auto& m = GiNaC::ex_to<GiNaC::matrix>(e);
            for (unsigned r = 0; r < m.rows(); ++r) {
                std::vector<std::string> row;
                for (unsigned c = 0; c < m.cols(); ++c) row.push_back(print(m(r, c)));
                items.push_back(latex_ ? join(row, " & ") : "[" + join(row, ", ") + "]");
            }
        } else if (latex_ && e.nops() != 0 && is_a<GiNaC::lst>(e.op(0))) {
            for (const ex& row : e) {
                std::vector<std::string> cells;
                if (is_a<GiNaC::lst>(row)) {
                    for (const ex& c : row) cells.push_back(print(c));
                } else {
                    cells.push_back(print(row));
                }
                items.push_back(join(cells, " & "));
            }
            return {"\\begin{pmatrix}" + join(items, " \\\\ ") + "\\end{pmatrix}", atom_level};
        } else {
            // the list's own iterator: ex's iterates by op(i), linear in i for a GiNaC lst
            for (const ex& x : GiNaC::ex_to<GiNaC::lst>(e)) items.push_back(print(x));
        }
        if (latex_) return {"\\left[" + join(items, ", ") + "\\right]", atom_level};
        return {"[" + join(items, ", ") + "]", atom_level};
    }

    std::string paren(const std::string& s) const {
        return latex_ ? "\\left(" + s + "\\right)" : "(" + s + ")";
    }

    static std::string join(const std::vector<std::string>& parts, const std::string& sep) {
        std::string out;
        for (size_t i = 0; i < parts.size(); ++i) {
            if (i) out += sep;
            out += parts[i];
        }
        return out;
    }

    bool latex_;
    print_options options_;
    detail::node_map<piece> memo_;
    detail::node_map<piece> term_memo_;  // products as terms of sums (term_piece)
    detail::node_map<bool> orientation_;   // prefers_negation
};

}  // namespace

namespace {

// The texts of the last few long expressions printed. A derivative's answer is printed when
// simplify chooses it, again when it is held against the plain derivative, and once more by
// the caller: for a high order's 200 KB answer that was a third of its time. (Like GiNaC's
// remember tables, a cache of facts about expressions, not session state; per thread, as
// GiNaC objects are.)
class recent_texts {
    // the key is the expression and float_digits, all that printing depends on: a new field of
    // print_options must join the key
    static_assert(sizeof(print_options) == sizeof(int), "print_options has a field the key lacks");

public:
    const std::string* find(const ex& e, int float_digits) const {
        for (const entry& x : entries_) {
            if (x.float_digits == float_digits && x.form.is_equal(e)) return &x.text;
        }
        return nullptr;
    }

    void keep(const ex& e, int float_digits, const std::string& text) {
        if (text.size() < min_length) return;
        entries_[next_] = {e, float_digits, text};
        next_ = (next_ + 1) % entries_.size();
    }

private:
    static constexpr std::size_t min_length = 1024;  // shorter texts print in microseconds
    struct entry {
        ex form;
        int float_digits = -1;
        std::string text;
    };
    std::array<entry, 4> entries_;
    std::size_t next_ = 0;
};

}  // namespace

std::string to_string(const ex& e, const print_options& options) {
    thread_local recent_texts recent;
    if (const std::string* known = recent.find(e, options.float_digits)) return *known;
    std::string text = printer(false, options).print(e);
    recent.keep(e, options.float_digits, text);
    return text;
}

std::string series_to_string(const std::vector<series_term>& terms, const print_options& options) {
    printer p(false, options);
    std::string out;
    for (const series_term& t : terms) {
        const bool negative = has_negative_sign(t.coefficient);
        const ex magnitude = (negative ? -t.coefficient : t.coefficient) * t.power;
        std::string text = p.print(magnitude);
        if (is_class<GiNaC::add>(magnitude) && (negative || !out.empty())) text = "(" + text + ")";
        if (out.empty()) {
            out = (negative ? "-" : "") + text;
        } else {
            out += (negative ? " - " : " + ") + text;
        }
    }
    return out.empty() ? "0" : out;
}

namespace {

// The bound, stopping early once it passes `cap` (the caller only asks whether it does).
size_t length_bound(const ex& e, size_t cap) {
    if (is_class<GiNaC::symbol>(e)) return GiNaC::ex_to<GiNaC::symbol>(e).get_name().size();
    // Read from GiNaC's pairs (op() would build each term and power): a term's coefficient
    // and a factor's exponent count nothing.
    if (is_class<GiNaC::add>(e)) {
        size_t n = e.nops() - 1;  // `+` or `-` (spaces are not counted)
        if (!expairs::number(e).is_zero()) ++n;
        for (const GiNaC::expair& p : expairs::of(e)) {
            if (n > cap) break;
            n += length_bound(p.rest, cap - n);
        }
        return n;
    }
    if (is_class<GiNaC::mul>(e)) {
        // numbers count nothing: a sum's content may be pulled out of its terms
        size_t n = 0, factors = 0;
        for (const GiNaC::expair& p : expairs::of(e)) {
            if (n > cap) break;
            n += length_bound(p.rest, cap - n);
            ++factors;
        }
        return n + (factors > 0 ? factors - 1 : 0);  // `*` or `/`
    }
    if (is_class<GiNaC::power>(e)) return length_bound(e.op(0), cap);
    if (is_a<GiNaC::function>(e)) {
        if (is_exp(e) && e.op(0).is_equal(ex(1))) return 1;  // E
        size_t n = 5;  // the shortest name (exp, log, ...) and brackets
        for (const ex& a : e) {
            if (n > cap) break;
            n += length_bound(a, cap - n);
        }
        return n;
    }
    return 1;
}

}  // namespace

size_t printed_length_lower_bound(const ex& e, size_t cap) { return std::min(length_bound(e, cap), cap + 1); }

std::string to_latex(const ex& e) { return printer(true, {}).print(e); }

}  // namespace ddx
