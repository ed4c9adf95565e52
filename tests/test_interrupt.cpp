// Stopping a computation: a stop is requested (by a signal handler, a timer or the
// allocator), seen by ddx's own loops and by allocations inside a stoppable region, and
// turned into one ddx::error with a message that says why.
#include <doctest/doctest.h>

#include <ddx/ddx.hpp>

#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <atomic>
#include <chrono>

namespace {

struct clear_stop_after {
    ~clear_stop_after() { ddx::take_stop(); }
};

}  // namespace

TEST_CASE("interrupt: a requested stop stays pending until it is taken, once") {
    clear_stop_after guard;
    CHECK(ddx::pending_stop() == ddx::stop_reason::none);
    ddx::request_stop(ddx::stop_reason::timeout);
    CHECK(ddx::pending_stop() == ddx::stop_reason::timeout);
    CHECK(ddx::pending_stop() == ddx::stop_reason::timeout);  // reading leaves it
    CHECK(ddx::take_stop() == ddx::stop_reason::timeout);
    CHECK(ddx::take_stop() == ddx::stop_reason::none);
}

TEST_CASE("interrupt: check_stop throws the stop's message and clears it") {
    clear_stop_after guard;
    CHECK_NOTHROW(ddx::check_stop());
    ddx::request_stop(ddx::stop_reason::interrupt);
    try {
        ddx::check_stop();
        FAIL("check_stop did not throw");
    } catch (const ddx::error& e) {
        CHECK(std::string(e.what()).find("interrupted") != std::string::npos);
    }
    CHECK(ddx::pending_stop() == ddx::stop_reason::none);
    CHECK_NOTHROW(ddx::check_stop());
}

TEST_CASE("interrupt: each reason has its own message, and a failed allocation says which") {
    clear_stop_after guard;
    CHECK(std::string(ddx::stop_message(ddx::stop_reason::interrupt)) == "interrupted");
    CHECK(std::string(ddx::stop_message(ddx::stop_reason::timeout)).find("time limit") == 0);
    CHECK(std::string(ddx::stop_message(ddx::stop_reason::memory)).find("memory budget") == 0);
    CHECK(std::string(ddx::failed_allocation_message()) == "out of memory");
    ddx::request_stop(ddx::stop_reason::memory);
    CHECK(std::string(ddx::failed_allocation_message()).find("memory budget") == 0);
    CHECK(ddx::pending_stop() == ddx::stop_reason::none);  // the message took the stop
}

TEST_CASE("interrupt: allocations fail only inside a stoppable region, and not while unwinding") {
    clear_stop_after guard;
    ddx::request_stop(ddx::stop_reason::interrupt);
    CHECK_FALSE(ddx::allocation_must_fail());  // outside: the REPL's own work goes on
    {
        ddx::stoppable_region region;  // entering clears a stale stop
        CHECK(ddx::pending_stop() == ddx::stop_reason::none);
        CHECK_FALSE(ddx::allocation_must_fail());
        ddx::request_stop(ddx::stop_reason::interrupt);
        CHECK(ddx::allocation_must_fail());
        struct during_unwinding {
            bool seen = true;
            ~during_unwinding() { seen = ddx::allocation_must_fail(); CHECK_FALSE(seen); }
        };
        try {
            during_unwinding probe;
            throw std::runtime_error("unwinding");
        } catch (const std::runtime_error&) {
        }
    }
    CHECK_FALSE(ddx::allocation_must_fail());
}

TEST_CASE("interrupt: a stop requested from another thread ends a session's long loop with an error") {
    clear_stop_after guard;
    // High orders by polynomials (here of a rational function of x, about a second for
    // order 1000) look for a pending stop at every order; a region entered
    // clears a stale stop, so the other thread keeps asking until the statement has ended.
    ddx::session interpreter;
    std::ostringstream out;
    interpreter.run("a = 1", out);
    std::atomic<bool> done{false};
    std::thread stopper([&] {
        while (!done) {
            ddx::request_stop(ddx::stop_reason::interrupt);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    std::string message;
    try {
        ddx::stoppable_region region;
        interpreter.run("diff(1/(1 + x^2), x, 1000)", out);
    } catch (const ddx::error& e) {
        message = e.what();
    }
    done = true;
    stopper.join();
    ddx::take_stop();
    CHECK(message.find("interrupted") != std::string::npos);
    std::ostringstream after;
    interpreter.run("a + 1", after);
    CHECK(after.str() == "2\n");
}
