// The program's allocator (allocator.cpp): operator new and delete replaced for the whole
// program, so that stops and simplify's allocation caps reach into GiNaC.
#pragma once

namespace ddx {

/// Makes CLN and GMP allocate their numbers through the same allocator, counted against the
/// memory budget (CLN's large blocks can fail; GMP's never do).
void route_number_allocations();

}  // namespace ddx
