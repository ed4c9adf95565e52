// The program's allocator: every allocation asks ddx::allocation_must_fail() first, so that
// Ctrl-C, --timeout and the memory budget stop a computation inside GiNaC and simplify's
// allocation caps bound its steps (ddx/interrupt.hpp). It lives beside the program, not in
// the library: a library must not replace operator new. The tests and benchmarks that run
// the library link it too, so that they see what the program does.
#include "app/allocator.hpp"

#include <ddx/interrupt.hpp>

#include <cln/malloc.h>
#include <gmp.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <malloc.h>
#include <new>

namespace {

// The live bytes, counted per thread and added to the shared total in batches: an atomic
// addition on every allocation and release serialised the memory traffic of CLN's bignum
// arithmetic (in perf, a sixth of a high-order derivative's samples). The budget is then
// checked against a total off by at most one batch per thread (a thread's last batch is lost
// when it ends: the program runs its statements on one thread for its whole life). Signed:
// blocks allocated before the hooks were installed (CLN's static numbers) may be released
// through them, and a block may be released by another thread than its own.
constexpr std::ptrdiff_t batch_bytes = std::ptrdiff_t(1) << 18;
std::atomic<std::ptrdiff_t> shared_live_bytes{0};
thread_local std::ptrdiff_t unshared_live_bytes = 0;

// Counts `delta` more live bytes and returns the total as far as this thread knows it.
std::ptrdiff_t count_live_bytes(std::ptrdiff_t delta) noexcept {
    unshared_live_bytes += delta;
    if (unshared_live_bytes > batch_bytes || unshared_live_bytes < -batch_bytes) {
        shared_live_bytes.fetch_add(unshared_live_bytes, std::memory_order_relaxed);
        unshared_live_bytes = 0;
    }
    return shared_live_bytes.load(std::memory_order_relaxed) + unshared_live_bytes;
}

std::ptrdiff_t usable_size(void* p) { return static_cast<std::ptrdiff_t>(malloc_usable_size(p)); }

// `stoppable`: a pending stop or the spent budget fails this allocation.
void* allocate(std::size_t size, bool stoppable = true) {
    if (stoppable && ddx::allocation_must_fail()) throw std::bad_alloc();
    void* p = std::malloc(size ? size : 1);
    if (!p) throw std::bad_alloc();
    std::ptrdiff_t total = count_live_bytes(usable_size(p));
    std::size_t budget = ddx::memory_budget();
    if (stoppable && budget && total > 0 && std::size_t(total) > budget && std::uncaught_exceptions() == 0) {
        count_live_bytes(-usable_size(p));
        std::free(p);
        ddx::request_stop(ddx::stop_reason::memory);
        throw std::bad_alloc();
    }
    return p;
}

void release(void* p) noexcept {
    if (!p) return;
    count_live_bytes(-usable_size(p));
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

// GMP's integers (the numerators of high-order derivatives): counted against the budget but
// never failed (GMP cannot unwind an exception; the steps check for a stop at every order).
// Out of memory, GMP's own allocator aborts too.
void* allocate_for_gmp(std::size_t size) {
    void* p = std::malloc(size ? size : 1);
    if (!p) std::abort();
    count_live_bytes(usable_size(p));
    return p;
}

void* reallocate_for_gmp(void* old, std::size_t, std::size_t size) {
    const std::ptrdiff_t before = usable_size(old);
    void* p = std::realloc(old, size ? size : 1);
    if (!p) std::abort();
    count_live_bytes(usable_size(p) - before);
    return p;
}

void release_for_gmp(void* p, std::size_t) { release(p); }

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
    count_live_bytes(usable_size(p));
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

void route_number_allocations() {
    // CLN allocates its numbers through these hooks (malloc by default). Through ours, a long
    // computation inside CLN (an exact power of a huge exponent that GiNaC's gcd asks for)
    // stops at its next large number, and CLN's memory counts against the budget.
    cln::malloc_hook = allocate_for_cln;
    cln::free_hook = release;
    mp_set_memory_functions(allocate_for_gmp, reallocate_for_gmp, release_for_gmp);
}

}  // namespace ddx
