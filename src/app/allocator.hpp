// The program's allocator (allocator.cpp): operator new and delete replaced for the whole
// program, so that stops and simplify's allocation caps reach into GiNaC.
#pragma once

namespace ddx {

/// Makes CLN allocate its numbers through the same allocator (large blocks only can fail).
void route_cln_allocations();

}  // namespace ddx
