// The general parser spends most of a big polynomial's time on tokens, syntax nodes and
// GiNaC's evaluation of one power and one product per factor: 1.7x GiNaC's own parser on
// the expanded (x + y + z + 1)^40. Here the text is read in one pass into monomials, and
// each becomes one GiNaC pair list.
#include "lang/polynomial_text.hpp"

#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "lang/build.hpp"
#include "lang/lexer.hpp"

#include <ddx/interrupt.hpp>

#include <unordered_map>
#include <vector>

namespace ddx {
namespace {

struct factor {
    size_t name;  // index into the names read
    long exponent;
};

struct monomial {
    GiNaC::numeric coefficient;
    size_t first, last;  // its factors: [first, last)
};

class scanner {
public:
    explicit scanner(std::string_view text) : text_(text) {}

    // False where the text is not a sum of monomials, or one in brackets times and over an
    // integer (`8*(3*x^2 + 1)/7`: how ddx prints a polynomial with a common content).
    bool read() {
        blanks();
        const size_t start = pos_;
        GiNaC::numeric scale = 1;
        if (!at_end() && text_[pos_] == '-') {
            scale = -1;
            ++pos_;
            blanks();
        }
        if (!at_end() && is_digit(text_[pos_])) {
            std::optional<GiNaC::numeric> n = integer();
            blanks();
            if (!n || at_end() || text_[pos_] != '*') {
                pos_ = start;
                return sum() && at_end();
            }
            scale = scale * *n;
            ++pos_;
            blanks();
        }
        if (at_end() || text_[pos_] != '(') {
            pos_ = start;
            return sum() && at_end();
        }
        ++pos_;
        if (!sum() || at_end() || text_[pos_] != ')') return false;
        ++pos_;
        blanks();
        if (!at_end() && text_[pos_] == '/') {
            ++pos_;
            blanks();
            std::optional<GiNaC::numeric> d = at_end() || !is_digit(text_[pos_]) ? std::nullopt : integer();
            if (!d || d->is_zero()) return false;
            scale = scale / *d;
            blanks();
        }
        if (!at_end()) return false;
        for (monomial& m : terms_) m.coefficient = m.coefficient * scale;
        return true;
    }

    const std::vector<std::string_view>& names() const { return names_; }
    const std::vector<monomial>& terms() const { return terms_; }
    const std::vector<factor>& factors() const { return factors_; }

private:
    // Terms between + and -, up to the end or a `)`.
    bool sum() {
        blanks();
        if (at_end()) return false;
        bool negative = false;
        if (text_[pos_] == '-') {
            negative = true;
            ++pos_;
        }
        while (true) {
            if (!term(negative)) return false;
            blanks();
            if (at_end() || text_[pos_] == ')') return true;
            const char c = text_[pos_++];
            if (c != '+' && c != '-') return false;
            negative = c == '-';
            if (terms_.size() % 4096 == 0) check_stop();
        }
    }

    bool at_end() const { return pos_ >= text_.size(); }
    void blanks() {
        while (!at_end() && is_blank(text_[pos_])) ++pos_;
    }

    // A product of integers and name^digits, `/` an integer; blanks before each.
    bool term(bool negative) {
        monomial m{negative ? -1 : 1, factors_.size(), 0};
        char op = '*';
        while (true) {
            blanks();
            if (at_end()) return false;
            if (is_digit(text_[pos_])) {
                std::optional<GiNaC::numeric> n = integer();
                if (!n) return false;
                if (op == '/') {
                    if (n->is_zero()) return false;
                    m.coefficient = m.coefficient / *n;
                } else {
                    m.coefficient = m.coefficient * *n;
                }
            } else if (is_name_start(text_[pos_]) && op == '*') {
                const size_t start = pos_;
                while (!at_end() && is_name_char(text_[pos_])) ++pos_;
                const size_t name = name_index(text_.substr(start, pos_ - start));
                blanks();
                long exponent = 1;
                if (!at_end() && text_[pos_] == '^') {
                    ++pos_;
                    blanks();
                    // digits only: no sign, bracket or power of a power
                    const size_t digits = pos_;
                    exponent = 0;
                    while (!at_end() && is_digit(text_[pos_]) && pos_ - digits < 9) exponent = 10 * exponent + (text_[pos_++] - '0');
                    if (pos_ == digits || (!at_end() && is_name_char(text_[pos_]))) return false;
                    blanks();
                    if (!at_end() && (text_[pos_] == '^' || text_[pos_] == '.')) return false;
                }
                if (exponent != 0) factors_.push_back({name, exponent});
            } else {
                return false;  // a bracket, a call, a sign after * ...: the general parser's
            }
            blanks();
            if (at_end() || (text_[pos_] != '*' && text_[pos_] != '/')) break;
            op = text_[pos_++];
        }
        m.last = factors_.size();
        if (!m.coefficient.is_zero()) terms_.push_back(m);
        return true;
    }

    // Digits not followed by a fraction, an exponent or a name (`2x`, `1.5`, `1e3`).
    std::optional<GiNaC::numeric> integer() {
        const size_t start = pos_;
        while (!at_end() && is_digit(text_[pos_])) ++pos_;
        if (!at_end() && (is_name_char(text_[pos_]) || text_[pos_] == '.' || text_[pos_] == '\'')) return std::nullopt;
        return integer_from_digits(text_.substr(start, pos_ - start));
    }

    size_t name_index(std::string_view name) {
        auto [it, added] = name_indices_.try_emplace(name, names_.size());
        if (added) names_.push_back(name);
        return it->second;
    }

    std::string_view text_;
    size_t pos_ = 0;
    std::vector<std::string_view> names_;
    std::unordered_map<std::string_view, size_t> name_indices_;
    std::vector<monomial> terms_;
    std::vector<factor> factors_;
};

}  // namespace

std::optional<GiNaC::ex> parse_polynomial_text(std::string_view text, symbol_table& symbols) {
    scanner s(text);
    if (!s.read()) return std::nullopt;
    for (std::string_view name : s.names()) {
        if (constant(std::string(name))) return std::nullopt;  // pi, E: not symbols
    }
    // only now, with the whole text read, are its names made symbols
    std::vector<GiNaC::ex> bases;
    for (std::string_view name : s.names()) bases.push_back(symbols.get(std::string(name)));
    GiNaC::epvector terms;
    terms.reserve(s.terms().size());
    GiNaC::numeric constant_term = 0;
    for (const monomial& m : s.terms()) {
        if (terms.size() % 4096 == 4095) check_stop();
        if (m.first == m.last) {
            constant_term += m.coefficient;
            continue;
        }
        const factor& f0 = s.factors()[m.first];
        if (m.last == m.first + 1 && f0.exponent == 1) {
            terms.emplace_back(bases[f0.name], m.coefficient);
            continue;
        }
        GiNaC::epvector powers;
        powers.reserve(m.last - m.first);
        for (size_t i = m.first; i < m.last; ++i) {
            const factor& f = s.factors()[i];
            powers.emplace_back(bases[f.name], GiNaC::numeric(f.exponent));
        }
        terms.emplace_back(GiNaC::mul(std::move(powers), GiNaC::ex(1)), m.coefficient);
    }
    return GiNaC::ex(GiNaC::add(std::move(terms), constant_term));
}

}  // namespace ddx
