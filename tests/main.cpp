// doctest's main, run on a thread with a large stack like the ddx program's interpreter:
// a sanitizer build's stack frames are several times larger, and the parser's nesting
// tests go 1000 levels deep.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "lib/large_stack.hpp"

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
    ddx_test::run_on_large_stack(run_tests, &a);
    return a.result;
}
