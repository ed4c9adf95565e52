// The program's guards: the allocator that lets Ctrl-C, --timeout and the memory budget stop
// a computation inside GiNaC, the signal handlers, and a large stack for deep expressions.
// They live in the program, not the library: a library must not replace operator new.
#include "app/guard.hpp"

#include <ddx/interrupt.hpp>

#include <cln/malloc.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <malloc.h>
#include <new>
#include <pthread.h>
#include <unistd.h>

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

void on_signal(int signal) {
    ddx::request_stop(signal == SIGALRM ? ddx::stop_reason::timeout : ddx::stop_reason::interrupt);
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

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGALRM, &action, nullptr);
    // CLN allocates its numbers through these hooks (malloc by default). Through ours, a long
    // computation inside CLN (an exact power of a huge exponent that GiNaC's gcd asks for)
    // stops at its next large number, and CLN's memory counts against the budget.
    cln::malloc_hook = allocate_for_cln;
    cln::free_hook = release;
}

void set_time_limit(unsigned seconds) { alarm(seconds); }

int run_with_large_stack(int (*body)(void*), void* arg) {
    // Deep expressions recurse deeply in GiNaC and in ddx; 1 GiB of address space for the
    // stack (pages are only used when touched) keeps that away from a crash.
    constexpr std::size_t stack_size = std::size_t(1) << 30;
    struct call {
        int (*body)(void*);
        void* arg;
        int result;
    } c{body, arg, 1};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack_size);
    pthread_t thread;
    auto trampoline = [](void* p) -> void* {
        auto* c = static_cast<call*>(p);
        c->result = c->body(c->arg);
        return nullptr;
    };
    if (pthread_create(&thread, &attr, trampoline, &c) != 0) return body(arg);
    // Signals go to the interpreter's thread, so that they interrupt its blocking reads
    // (the REPL's prompt), not this one's wait.
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &stops, nullptr);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
    return c.result;
}

}  // namespace ddx
