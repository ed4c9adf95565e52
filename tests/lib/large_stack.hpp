// For the test and benchmark drivers: run work on a thread with a large stack, as the ddx
// program runs its interpreter (src/guard.cpp; that one also routes signals, which these do
// not need). Deep expressions recurse deeply in ddx and in GiNaC, and a sanitizer build's
// frames are several times larger.
#pragma once

#include <cstddef>
#include <pthread.h>

namespace ddx_test {

/// body(arg) on a thread with a 512 MiB stack, waited for; on this thread if none can be made.
inline void run_on_large_stack(void* (*body)(void*), void* arg) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::size_t(512) << 20);
    pthread_t thread;
    if (pthread_create(&thread, &attr, body, arg) != 0) {
        body(arg);
    } else {
        pthread_join(thread, nullptr);
    }
    pthread_attr_destroy(&attr);
}

}  // namespace ddx_test
