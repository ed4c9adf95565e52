// Data tables read from CSV files, for fitting.
#pragma once

#include <string>
#include <vector>

namespace ddx {

/// Named columns of doubles, stored column by column.
struct data_table {
    std::vector<std::string> names;
    std::vector<std::vector<double>> columns;
    std::size_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
};

/// Reads a CSV file: a header row of names (like symbols: letters, digits, `_`), then one row
/// of numbers per point; blank lines and `#` comments are skipped. Errors name the file, line
/// and column: `points.csv:3:7: 'abc' is not a number`.
data_table load_csv(const std::string& path);

}  // namespace ddx
