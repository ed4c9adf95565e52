// optimize: see include/ddx/optimize.hpp
#include <ddx/error.hpp>
