// The program's guards: the signal handlers that request stops (the allocator,
// allocator.cpp, raises them inside GiNaC), and a large stack for deep expressions.
#include "app/guard.hpp"

#include "app/allocator.hpp"

#include <ddx/interrupt.hpp>

#include <csignal>
#include <cstddef>
#include <pthread.h>
#include <unistd.h>

namespace {

void on_signal(int signal) {
    ddx::request_stop(signal == SIGALRM ? ddx::stop_reason::timeout : ddx::stop_reason::interrupt);
}

}  // namespace

namespace ddx {

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGALRM, &action, nullptr);
    route_number_allocations();
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
