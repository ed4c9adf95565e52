// Shared harness of the interpreter fuzz targets: runs a script through a fresh
// ddx::session with a time and memory limit per input, the way the ddx program does (see
// src/guard.cpp): a replaced operator new that honours ddx::allocation_must_fail() and a
// budget. It differs from the program in three ways, all on purpose:
//   - the time limit is checked in the allocator (libFuzzer owns SIGALRM for -timeout);
//   - CLN's own allocations (cln::malloc_hook) are limited too, so that huge integer powers
//     stop instead of running for minutes (the ddx program does not do this: see
//     tests/catalogue for those cases);
//   - the script runs on a thread with a large stack, like the program's.
// Include it in exactly one translation unit per fuzz target (it defines operator new).
#pragma once

#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/session.hpp>

#include <cln/malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <malloc.h>
#include <new>
#include <sstream>
#include <string>
#include <time.h>
#include <typeinfo>

#include "../lib/large_stack.hpp"

namespace ddx_fuzz {

// Per input (environment: DDX_FUZZ_MEMORY_MB, DDX_FUZZ_TIME_MS). libFuzzer's -rss_limit_mb
// and -timeout stay above these, so that an input which escapes them is reported.
inline long long memory_limit = 256ll << 20;
inline long time_limit_ms = 2000;

inline std::atomic<bool> limited{false};
inline std::atomic<long long> live{0};  // bytes from operator new and CLN (signed: CLN may
                                        // free blocks allocated before the hook existed)
inline long long limit_bytes = 0;
inline timespec deadline{};
inline std::atomic<int> our_stops{0};  // stops requested by this harness during the input

inline bool past_deadline() noexcept {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec > deadline.tv_nsec);
}

inline void* allocate(std::size_t size) {
    if (limited.load(std::memory_order_relaxed) && std::uncaught_exceptions() == 0) {
        if (ddx::pending_stop() == ddx::stop_reason::none) {
            if (past_deadline()) {
                ++our_stops;
                ddx::request_stop(ddx::stop_reason::timeout);
            } else if (static_cast<long long>(size) > memory_limit ||
                       live.load(std::memory_order_relaxed) + static_cast<long long>(size) > limit_bytes) {
                ++our_stops;
                ddx::request_stop(ddx::stop_reason::memory);
                throw std::bad_alloc();
            }
        }
        if (ddx::allocation_must_fail()) throw std::bad_alloc();
    }
    void* p = std::malloc(size ? size : 1);
    if (!p) throw std::bad_alloc();
    live.fetch_add(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
    return p;
}

inline void release(void* p) noexcept {
    if (!p) return;
    live.fetch_sub(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
    std::free(p);
}

inline void* allocate_aligned(std::size_t size, std::size_t alignment) {
    void* p = nullptr;
    if (posix_memalign(&p, alignment < sizeof(void*) ? sizeof(void*) : alignment, size ? size : 1) != 0) {
        throw std::bad_alloc();
    }
    live.fetch_add(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
    return p;
}

// CLN allocates its numbers through this hook; throwing from it unwinds through CLN.
inline void* cln_allocate(std::size_t size) { return allocate(size); }

/// What a run ended with.
enum class outcome { ok, error, stopped };

struct result {
    outcome how = outcome::ok;
    std::string output;
    std::string message;  // the ddx::error's text
    ddx::position where;
};

struct job {
    const std::string* text;
    result r;
};

inline void fail(const char* what, const std::string& text, const std::string& detail) {
    std::fprintf(stderr, "\n==== ddx fuzz finding: %s\n%s\n---- input (%zu bytes):\n%s\n----\n", what,
                 detail.c_str(), text.size(), text.c_str());
    std::abort();
}

inline void* run_job(void* arg) {
    job& j = *static_cast<job*>(arg);
    const std::string& text = *j.text;
    std::ostringstream out;
    {
        ddx::stoppable_region region;  // clears a stale stop
        our_stops = 0;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += time_limit_ms / 1000;
        deadline.tv_nsec += (time_limit_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_nsec -= 1000000000L;
            ++deadline.tv_sec;
        }
        limit_bytes = live.load() + memory_limit;
        limited = true;
        try {
            ddx::session s;
            s.run(text, out);
        } catch (const ddx::error& e) {
            limited = false;
            j.r.how = our_stops ? outcome::stopped : outcome::error;
            j.r.message = e.what();
            j.r.where = e.where();
        } catch (const std::bad_alloc&) {
            limited = false;
            // The program reports this as "error: <stop message>" (without a position).
            if (!our_stops) fail("std::bad_alloc escaped without a limit being hit", text, "");
            j.r.how = outcome::stopped;
        } catch (const std::exception& e) {
            limited = false;
            fail("an exception other than ddx::error escaped ddx::session::run", text,
                 std::string(typeid(e).name()) + ": " + e.what());
        } catch (...) {
            limited = false;
            fail("a non-std exception escaped ddx::session::run (the program would terminate)", text, "");
        }
        limited = false;
    }
    ddx::take_stop();
    j.r.output = out.str();
    return nullptr;
}

/// Runs `text` as a script in a fresh session on a large stack, within the limits.
inline result run_script(const std::string& text) {
    job j{&text, {}};
    ddx_test::run_on_large_stack(run_job, &j);
    // Checks of ddx's promises that are findings only in strict mode (DDX_FUZZ_STRICT=1), because the
    // known cases would drown everything else: every error names LINE:COLUMN.
    static const bool strict = std::getenv("DDX_FUZZ_STRICT") != nullptr;
    if (strict && j.r.how == outcome::error && j.r.where.line <= 0) {
        fail("error without LINE:COLUMN", text, j.r.message);
    }
    return j.r;
}

/// Scripts that would start other programs or touch files (plot, minimize and fit compile C
/// code or run gnuplot; load reads files) are not run by the fuzzers.
inline bool runs_programs(const std::string& text) {
    for (const char* word : {"plot", "minimize", "fit", "load"}) {
        if (text.find(word) != std::string::npos) return true;
    }
    return false;
}

// DDX_FUZZ_CLN_HOOK=0 leaves CLN's allocations alone, as the ddx program does: then a
// computation the program's --timeout cannot stop shows as a libFuzzer timeout. With the
// hook (the default) such inputs stop at the limits and the fuzzer stays fast.
inline void initialize() {
    if (const char* mb = std::getenv("DDX_FUZZ_MEMORY_MB")) memory_limit = std::atoll(mb) << 20;
    if (const char* ms = std::getenv("DDX_FUZZ_TIME_MS")) time_limit_ms = std::atol(ms);
    const char* hook = std::getenv("DDX_FUZZ_CLN_HOOK");
    if (hook && std::strcmp(hook, "0") == 0) return;
    cln::malloc_hook = cln_allocate;
    cln::free_hook = release;
}

}  // namespace ddx_fuzz

// The replaced global allocation functions (all forms, so that none of the sanitizer's own
// is mixed with these).
void* operator new(std::size_t size) { return ddx_fuzz::allocate(size); }
void* operator new[](std::size_t size) { return ddx_fuzz::allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return ddx_fuzz::allocate(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return ddx_fuzz::allocate(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new(std::size_t size, std::align_val_t a) { return ddx_fuzz::allocate_aligned(size, std::size_t(a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return ddx_fuzz::allocate_aligned(size, std::size_t(a)); }
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    try {
        return ddx_fuzz::allocate_aligned(size, std::size_t(a));
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    try {
        return ddx_fuzz::allocate_aligned(size, std::size_t(a));
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept { ddx_fuzz::release(p); }
void operator delete[](void* p) noexcept { ddx_fuzz::release(p); }
void operator delete(void* p, std::size_t) noexcept { ddx_fuzz::release(p); }
void operator delete[](void* p, std::size_t) noexcept { ddx_fuzz::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { ddx_fuzz::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { ddx_fuzz::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { ddx_fuzz::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { ddx_fuzz::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { ddx_fuzz::release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { ddx_fuzz::release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { ddx_fuzz::release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { ddx_fuzz::release(p); }
