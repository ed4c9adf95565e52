// plot: see include/ddx/plot.hpp
#include <ddx/error.hpp>
