#include <ddx/data.hpp>
#include <ddx/error.hpp>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace ddx {

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool is_name(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

// Splits at commas, remembering the 1-based column where each field starts.
std::vector<std::pair<std::string, int>> fields(const std::string& line) {
    std::vector<std::pair<std::string, int>> out;
    size_t start = 0;
    while (true) {
        size_t comma = line.find(',', start);
        std::string raw = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        size_t lead = raw.find_first_not_of(" \t");
        out.emplace_back(trim(raw), static_cast<int>(start + (lead == std::string::npos ? 0 : lead)) + 1);
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

}  // namespace

data_table load_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw error("cannot open " + path + ": " + std::strerror(errno));
    data_table table;
    std::string line;
    int line_number = 0;
    auto fail = [&](int column, const std::string& what) {
        throw error(path + ":" + std::to_string(line_number) + ":" + std::to_string(column) + ": " + what);
    };
    while (std::getline(in, line)) {
        ++line_number;
        std::string content = trim(line);
        if (content.empty() || content[0] == '#') continue;
        auto row = fields(line);
        if (table.names.empty()) {
            for (const auto& [name, column] : row) {
                if (!is_name(name)) fail(column, "'" + name + "' is not a column name (letters, digits and _)");
                for (const std::string& seen : table.names) {
                    if (seen == name) fail(column, "column '" + name + "' appears twice");
                }
                table.names.push_back(name);
            }
            table.columns.resize(table.names.size());
            continue;
        }
        if (row.size() != table.names.size()) {
            fail(1, "expected " + std::to_string(table.names.size()) + " values, found " + std::to_string(row.size()));
        }
        for (size_t i = 0; i < row.size(); ++i) {
            const auto& [text, column] = row[i];
            char* end = nullptr;
            double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0') fail(column, "'" + text + "' is not a number");
            if (!std::isfinite(v)) fail(column, "'" + text + "' is not a finite number");
            table.columns[i].push_back(v);
        }
    }
    if (table.names.empty()) throw error(path + ": no header row");
    return table;
}

}  // namespace ddx
