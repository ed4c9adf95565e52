// The program's allocator: every allocation asks ddx::allocation_must_fail() first, so that
// Ctrl-C, --timeout and the memory budget stop a computation inside GiNaC and simplify's
// allocation caps bound its steps (ddx/interrupt.hpp). It lives beside the program, not in
// the library: a library must not replace operator new. The tests and benchmarks that run
// the library link it too, so that they see what the program does.
#include "app/allocator.hpp"

#include <ddx/interrupt.hpp>

#include <cln/malloc.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <malloc.h>
#include <new>

namespace {

// Signed: blocks allocated before the hooks were installed (CLN's static numbers) may be
// released through them.
std::atomic<std::ptrdiff_t> live_bytes{0};

std::ptrdiff_t usable_size(void* p) { return static_cast<std::ptrdiff_t>(malloc_usable_size(p)); }

// `stoppable`: a pending stop or the spent budget fails this allocation.
void* allocate(std::size_t size, bool stoppable = true) {
    if (stoppable && ddx::allocation_must_fail()) throw std::bad_alloc();
    void* p = std::malloc(size ? size : 1);
    if (!p) throw std::bad_alloc();
    std::ptrdiff_t total = live_bytes.fetch_add(usable_size(p), std::memory_order_relaxed);
    std::size_t budget = ddx::memory_budget();
    if (stoppable && budget && total > 0 && std::size_t(total) > budget && std::uncaught_exceptions() == 0) {
        live_bytes.fetch_sub(usable_size(p), std::memory_order_relaxed);
        std::free(p);
        ddx::request_stop(ddx::stop_reason::memory);
        throw std::bad_alloc();
    }
    return p;
}

void release(void* p) noexcept {
    if (!p) return;
    live_bytes.fetch_sub(usable_size(p), std::memory_order_relaxed);
    std::free(p);
}

// CLN's numbers: counted against the budget, and a pending stop fails the next large block.
// Only large ones: CLN copes with a failing allocation in its arithmetic but not everywhere
// (a timeout striking while GiNaC printed a small number crashed in CLN's unwinding), and
// the computations that run for hours are those of numbers of megabytes.
void* allocate_for_cln(std::size_t size) {
    constexpr std::size_t large = std::size_t(1) << 20;
    return allocate(size, size >= large);
}

}  // namespace

// Every replaceable form, so that no block is allocated by one allocator and freed by another
// (AddressSanitizer checks that).
void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void* operator new(std::size_t size, std::align_val_t align) {
    if (ddx::allocation_must_fail()) throw std::bad_alloc();
    std::size_t a = static_cast<std::size_t>(align);
    void* p = std::aligned_alloc(a, (size + a - 1) / a * a);
    if (!p) throw std::bad_alloc();
    live_bytes.fetch_add(usable_size(p), std::memory_order_relaxed);
    return p;
}
void* operator new[](std::size_t size, std::align_val_t align) { return operator new(size, align); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }

namespace ddx {

void route_cln_allocations() {
    // CLN allocates its numbers through these hooks (malloc by default). Through ours, a long
    // computation inside CLN (an exact power of a huge exponent that GiNaC's gcd asks for)
    // stops at its next large number, and CLN's memory counts against the budget.
    cln::malloc_hook = allocate_for_cln;
    cln::free_hook = release;
}

}  // namespace ddx
