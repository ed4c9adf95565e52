// data: see include/ddx/data.hpp
#include <ddx/error.hpp>
