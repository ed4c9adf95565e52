// Data tables read from CSV files, for fitting.
#pragma once

#include <string>
#include <vector>

namespace ddx {

/// Named columns of doubles, stored column by column. For a file `points.csv` holding
/// `x, y` then the rows `0, 1`, `1, 3.1` and `2, 4.9`:
/// \code
/// ddx::data_table t = ddx::load_csv("points.csv");
/// t.names;          // {"x", "y"}
/// t.columns[1][2];  // 4.9: column y, third row
/// t.rows();         // 3
/// \endcode
struct data_table {
    /// The column names, from the header row, in file order.
    std::vector<std::string> names;
    /// One vector per name, all of the same length: `columns[i][row]` is the value of
    /// column `names[i]` in that row.
    std::vector<std::vector<double>> columns;
    /// The number of data rows (0 when there are no columns): `t.rows()`.
    std::size_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
};

/// Reads a CSV file: a header row of names (like symbols: letters, digits, `_`), then one row
/// of numbers per point; blank lines and `#` comments are skipped. Errors name the file, line
/// and column: `points.csv:3:7: 'abc' is not a number`.
/// `data_table t = load_csv("points.csv")`; ddx::data_table shows what `t` holds.
data_table load_csv(const std::string& path);

}  // namespace ddx
