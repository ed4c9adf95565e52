// doctest's main, run on a thread with a large stack like the ddx program's interpreter:
// a sanitizer build's stack frames are several times larger, and the parser's nesting
// tests go 1000 levels deep.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <pthread.h>

namespace {

struct arguments {
    int argc;
    char** argv;
    int result;
};

void* run_tests(void* p) {
    auto* a = static_cast<arguments*>(p);
    doctest::Context context(a->argc, a->argv);
    a->result = context.run();
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    arguments a{argc, argv, 1};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::size_t(512) << 20);
    pthread_t thread;
    if (pthread_create(&thread, &attr, run_tests, &a) != 0) {
        run_tests(&a);
    } else {
        pthread_join(thread, nullptr);
    }
    pthread_attr_destroy(&attr);
    return a.result;
}
