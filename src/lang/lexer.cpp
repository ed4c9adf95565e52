#include "lang/lexer.hpp"

#include <cstdio>

namespace ddx {
namespace {

std::string describe(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
    return buf;
}

class lexer {
public:
    explicit lexer(const std::string& text) : text_(text) {}

    const std::vector<token>& tokens() const { return out_; }

    std::vector<token> all_tokens() {
        std::vector<token>& out = out_;
        std::vector<char> brackets;
        while (true) {
            skip_blanks();
            position where{line_, column_};
            if (at_end()) {
                // "unexpected end of input" points just past the last token, not at an
                // empty line after it
                out.push_back({token::kind::end, "", end_of_last_token_});
                return out;
            }
            char c = peek();
            if (c == '\n') {
                advance();
                if (brackets.empty()) out.push_back({token::kind::newline, "\n", where});
                continue;
            }
            if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
                out.push_back({token::kind::number, number(), where});
            } else if (is_name_start(c)) {
                std::string name;
                while (!at_end() && is_name_char(peek())) name += advance();
                out.push_back({token::kind::name, name, where});
            } else if (c == '"') {
                out.push_back({token::kind::string, string_literal(where), where});
            } else {
                std::string op = operator_token(where);
                if (op == "(" || op == "[") brackets.push_back(op[0]);
                if ((op == ")" || op == "]") && !brackets.empty()) brackets.pop_back();
                out.push_back({token::kind::op, op, where});
            }
            end_of_last_token_ = {line_, column_};
        }
    }

private:
    bool at_end() const { return pos_ >= text_.size(); }
    char peek(size_t ahead = 0) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }
    char advance() {
        char c = text_[pos_++];
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && c != '\r') {
            ++column_;  // neither a UTF-8 continuation byte nor CR starts a new column
        }
        return c;
    }

    void skip_blanks() {
        while (!at_end()) {
            char c = peek();
            if (is_blank(c)) {
                advance();
            } else if (c == '#') {
                while (!at_end() && peek() != '\n') advance();
            } else {
                return;
            }
        }
    }

    // Digits, an optional fraction and an optional exponent. `1..2` is 1, `..`, 2.
    std::string number() {
        std::string s;
        while (is_digit(peek())) s += advance();
        if (peek() == '.' && peek(1) != '.') {
            s += advance();
            while (is_digit(peek())) s += advance();
        }
        if ((peek() == 'e' || peek() == 'E') &&
            (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
            s += advance();
            if (peek() == '+' || peek() == '-') s += advance();
            while (is_digit(peek())) s += advance();
        }
        if (is_name_start(peek())) {
            throw error("a name cannot follow a number directly (write " + s + "*" +
                            std::string(1, peek()) + "... for a product)",
                        {line_, column_});
        }
        return s;
    }

    std::string string_literal(position where) {
        advance();  // opening quote
        std::string s;
        while (true) {
            if (at_end() || peek() == '\n') throw error("unterminated string", where);
            char c = advance();
            if (c == '"') {
                if (!valid_utf8(s)) throw error("a string must be UTF-8 (invalid byte sequence)", where);
                return s;
            }
            if (c == '\\' && !at_end() && peek() != '\n') c = advance();
            if (c == '\0') throw error("NUL byte in string", where);
            s += c;
        }
    }

    // Strings are echoed and used as file names: bytes that are not UTF-8 would reach the
    // terminal raw.
    static bool valid_utf8(const std::string& s) {
        for (size_t i = 0; i < s.size();) {
            unsigned char c = static_cast<unsigned char>(s[i]);
            size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
            if (length == 0 || i + length > s.size() || (length == 2 && c < 0xc2)) return false;
            for (size_t k = 1; k < length; ++k) {
                if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
            }
            i += length;
        }
        return true;
    }

    std::string operator_token(position where) {
        char c = advance();
        switch (c) {
        case '*':
            if (peek() == '*') {
                advance();
                return "^";
            }
            return "*";
        case '.':
            if (peek() == '.') {
                advance();
                return "..";
            }
            break;
        case '+': case '-': case '/': case '^': case '(': case ')': case '[': case ']':
        case ',': case '=': case ';': case '\'': case '@':
            return std::string(1, c);
        default:
            break;
        }
        throw error("unexpected character " + describe(c), where);
    }

    const std::string& text_;
    std::vector<token> out_;
    position end_of_last_token_{1, 1};
    size_t pos_ = 0;
    int line_ = 1;
    int column_ = 1;
};

}  // namespace

std::vector<token> tokenize(const std::string& text) {
    lexer l(text);
    try {
        return l.all_tokens();
    } catch (const error& e) {
        std::vector<token> partial = l.tokens();
        partial.push_back({token::kind::invalid, e.what(), e.where()});
        partial.push_back({token::kind::end, "", e.where()});
        return partial;
    }
}

}  // namespace ddx
