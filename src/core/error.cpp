#include <ddx/error.hpp>

#include <sstream>

namespace ddx {

std::string format_error(const error& e, const std::string& source) {
    std::ostringstream out;
    position p = e.where();
    out << "error: ";
    if (p.line > 0) out << p.line << ":" << p.column << ": ";
    out << e.what();
    if (p.line <= 0) return out.str();
    // Show the offending line with a caret, when it is short enough to help.
    std::istringstream lines(source);
    std::string line;
    for (int i = 0; i < p.line && std::getline(lines, line); ++i) {
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.size() > 200) return out.str();
    out << "\n  " << line << "\n  ";
    int column = 1;
    for (char c : line) {
        if (column >= p.column) break;
        if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
        out << (c == '\t' ? '\t' : ' ');
        ++column;
    }
    out << "^";
    return out.str();
}

}  // namespace ddx
