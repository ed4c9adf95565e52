// A cap on the allocations of one step. GiNaC's normal(), gcd and expand have no cost bound
// that a cheap estimate can promise (a gcd over many symbols can take forty times what the
// sizes of its arguments suggest), and no way to stop them but the allocator: where the
// program's allocator asks allocation_must_fail() (the ddx program's does), an allocation
// past the cap fails with std::bad_alloc, which unwinds the step. Every node GiNaC makes is an
// allocation, so the count follows GiNaC's work; it is the same in every run of the same
// input up to GiNaC's hash order, so a step well below or well above its cap behaves alike
// everywhere. Without such an allocator nothing is counted and a meter never refuses.
#pragma once

#include <cstddef>

namespace ddx {

class allocation_meter {
public:
    /// Counts the allocations from here to the end of the scope; past `allowance` of them
    /// (or past what an enclosing meter has left) each one inside a droppable step fails.
    /// What this one counted is taken from the enclosing meter's allowance when it ends.
    explicit allocation_meter(std::size_t allowance) noexcept;
    ~allocation_meter();
    allocation_meter(const allocation_meter&) = delete;
    allocation_meter& operator=(const allocation_meter&) = delete;

    /// The allocations left to the innermost meter (this one, unless another was opened
    /// inside it); 0 once past the cap.
    std::size_t left() const noexcept;

    /// Marks a step that can be dropped (simplify's attempt()): allocations are counted
    /// everywhere inside a meter, but refused only inside such a step, whose caller catches
    /// the std::bad_alloc; work that cannot be dropped (printing the answer) goes on.
    class droppable_step {
    public:
        droppable_step() noexcept;
        ~droppable_step();
        droppable_step(const droppable_step&) = delete;
        droppable_step& operator=(const droppable_step&) = delete;
    };

    /// Whether the innermost meter of this thread has refused an allocation: a
    /// std::bad_alloc caught while this is true is that meter's, not a lack of memory.
    static bool refused() noexcept;

    /// For allocation_must_fail(): counts one allocation against the innermost meter and says
    /// whether it must fail (it is past the allowance, inside a droppable step, and no
    /// exception is unwinding).
    static bool refuses_next() noexcept;

private:
    // the enclosing meter's state, restored at the end
    std::ptrdiff_t outer_left_;
    bool outer_active_;
    bool outer_refused_;
    std::ptrdiff_t allowance_;
};

}  // namespace ddx
