#include <ddx/limits.hpp>
#include <ddx/parser.hpp>

#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "lang/build.hpp"
#include "lang/lexer.hpp"
#include "lang/polynomial_text.hpp"

namespace ddx {
namespace {

class parser {
public:
    explicit parser(std::vector<token> tokens) : tokens_(std::move(tokens)) {}

    std::optional<statement> next_statement() {
        while (is_op(";") || peek().type == token::kind::newline) next();
        if (peek().type == token::kind::end) return std::nullopt;
        statement s = statement_();
        if (!is_op(";") && peek().type != token::kind::newline && peek().type != token::kind::end) {
            throw unexpected("after the statement");
        }
        return s;
    }

    node single_expression() {
        while (peek().type == token::kind::newline) next();
        node e = expression();
        while (peek().type == token::kind::newline || is_op(";")) next();
        if (peek().type != token::kind::end) throw unexpected("after the expression");
        return e;
    }

private:
    const token& peek(size_t ahead = 0) const {
        size_t i = pos_ + ahead;
        const token& t = i < tokens_.size() ? tokens_[i] : tokens_.back();
        if (t.type == token::kind::invalid) throw error(t.text, t.where);
        return t;
    }
    const token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool is_op(const char* op, size_t ahead = 0) const {
        const token& t = peek(ahead);
        return t.type == token::kind::op && t.text == op;
    }

    error unexpected(const std::string& context) const {
        const token& t = peek();
        std::string what;
        switch (t.type) {
        case token::kind::end: what = "end of input"; break;
        case token::kind::newline: what = "end of line"; break;
        case token::kind::string: what = "string \"" + t.text + "\""; break;
        default: what = "'" + t.text + "'"; break;
        }
        return error("unexpected " + what + (context.empty() ? "" : " " + context), t.where);
    }

    void expect(const char* op, const token& opener) {
        if (!is_op(op)) {
            throw unexpected("(expected '" + std::string(op) + "' to close '" + opener.text +
                             "' at " + std::to_string(opener.where.line) + ":" +
                             std::to_string(opener.where.column) + ")");
        }
        next();
    }

    statement statement_() {
        statement s;
        s.where = peek().where;
        node lhs = expression();
        if (!is_op("=")) {
            s.body = std::move(lhs);
            return s;
        }
        const token& eq = next();
        if (lhs.type == node::kind::name) {
            s.type = statement::kind::assignment;
        } else if (lhs.type == node::kind::call) {
            s.type = statement::kind::definition;
            for (const node& p : lhs.children) {
                if (p.type != node::kind::name) {
                    throw error("the parameters of a function definition must be names", p.where);
                }
                for (const std::string& q : s.params) {
                    if (q == p.text) throw error("parameter '" + q + "' appears twice", p.where);
                }
                s.params.push_back(p.text);
            }
        } else {
            throw error("only a name or a function like f(x, y) can be assigned to", eq.where);
        }
        s.name = lhs.text;
        s.body = expression();
        return s;
    }

    node expression() { return sum(); }

    node make_binary(char op, node lhs, node rhs, position where) {
        node n;
        n.type = node::kind::binary;
        n.op = op;
        n.where = where;
        n.children.push_back(std::move(lhs));
        n.children.push_back(std::move(rhs));
        return n;
    }

    node sum() {
        node lhs = product();
        while (is_op("+") || is_op("-")) {
            const token& t = next();
            lhs = make_binary(t.text[0], std::move(lhs), product(), t.where);
        }
        return lhs;
    }

    // `@` (matrix product) binds like `*` and `/`, from the left, as in NumPy
    node product() {
        node lhs = unary();
        while (is_op("*") || is_op("/") || is_op("@")) {
            const token& t = next();
            lhs = make_binary(t.text[0], std::move(lhs), unary(), t.where);
        }
        return lhs;
    }

    // Every way of nesting (brackets, signs, exponents) passes through here. The statement's
    // own expression is level 0, so 1000 brackets around x are 1000 levels (allowed).
    struct depth_guard {
        depth_guard(int& depth, position where) : depth_(depth) {
            if (++depth_ > limits::input_nesting + 1) {
                throw error("input nested deeper than " + std::to_string(limits::input_nesting) + " levels",
                            where);
            }
        }
        ~depth_guard() { --depth_; }
        int& depth_;
    };

    node unary() {
        depth_guard guard(depth_, peek().where);
        if (is_op("-") || is_op("+")) {
            const token& t = next();
            node operand = unary();
            if (t.text == "+") return operand;
            node n;
            n.type = node::kind::negate;
            n.where = t.where;
            n.children.push_back(std::move(operand));
            return n;
        }
        return power();
    }

    node power() {
        node base = primary();
        if (is_op("^")) {
            const token& t = next();
            return make_binary('^', std::move(base), unary(), t.where);
        }
        return base;
    }

    node primary() {
        const token& t = peek();
        node n;
        n.where = t.where;
        switch (t.type) {
        case token::kind::number:
            n.type = node::kind::number;
            n.text = next().text;
            return n;
        case token::kind::string:
            n.type = node::kind::string;
            n.text = next().text;
            return n;
        case token::kind::name:
            n.text = next().text;
            if (is_op("'")) {
                while (is_op("'")) {
                    next();
                    ++n.primes;
                }
                if (!is_op("(")) throw unexpected("(expected '(' after " + n.text + "')");
                n.type = node::kind::derivative;
            } else {
                n.type = is_op("(") ? node::kind::call : node::kind::name;
            }
            if (n.type != node::kind::name) {
                const token& open = next();
                n.children = arguments(")", open, true);
            }
            return n;
        case token::kind::op:
            if (t.text == "(") {
                const token& open = next();
                node inner = expression();
                expect(")", open);
                return inner;
            }
            if (t.text == "[") {
                const token& open = next();
                n.type = node::kind::list;
                n.children = arguments("]", open, false);
                return n;
            }
            break;
        default:
            break;
        }
        throw unexpected("(expected a number, a name or '(')");
    }

    std::vector<node> arguments(const char* closer, const token& open, bool options_allowed) {
        std::vector<node> args;
        if (is_op(closer)) {
            next();
            return args;
        }
        while (true) {
            args.push_back(argument(options_allowed));
            if (is_op(",")) {
                next();
                continue;
            }
            expect(closer, open);
            return args;
        }
    }

    node argument(bool options_allowed) {
        if (peek().type == token::kind::name && is_op("=", 1)) {
            if (!options_allowed) throw error("'name = value' is only allowed in a call", peek(1).where);
            node n;
            n.type = node::kind::option;
            n.where = peek().where;
            n.text = next().text;
            next();
            n.children.push_back(range_or_expression());
            return n;
        }
        return range_or_expression();
    }

    node range_or_expression() {
        node lo = expression();
        if (!is_op("..")) return lo;
        node n;
        n.type = node::kind::range;
        n.where = next().where;
        n.children.push_back(std::move(lo));
        n.children.push_back(expression());
        return n;
    }

    std::vector<token> tokens_;
    size_t pos_ = 0;
    int depth_ = 0;
};

}  // namespace

struct statement_reader::impl {
    parser p;
};

statement_reader::statement_reader(const std::string& text)
    : impl_(std::make_unique<impl>(impl{parser(tokenize(text))})) {}

statement_reader::~statement_reader() = default;

std::optional<statement> statement_reader::next() { return impl_->p.next_statement(); }

std::vector<statement> parse_program(const std::string& text) {
    statement_reader reader(text);
    std::vector<statement> out;
    while (auto s = reader.next()) out.push_back(std::move(*s));
    return out;
}

bool needs_more_input(const std::string& text) {
    int depth = 0;
    try {
        for (const token& t : tokenize(text)) {
            if (t.type != token::kind::op) continue;
            if (t.text == "(" || t.text == "[") ++depth;
            if (t.text == ")" || t.text == "]") --depth;
        }
    } catch (const error&) {
        return false;  // let the parser report it
    }
    return depth > 0;
}

GiNaC::ex parse(const std::string& text, symbol_table& symbols) {
    if (auto polynomial = parse_polynomial_text(text, symbols)) return *polynomial;
    return build_expression(parser(tokenize(text)).single_expression(), symbols);
}

}  // namespace ddx
