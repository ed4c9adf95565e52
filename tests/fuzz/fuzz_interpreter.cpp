// libFuzzer target: the bytes as a ddx script, run through a fresh ddx::session with a time
// and memory limit per input (see fuzz_session.hpp). A crash, a sanitizer report, an
// exception other than ddx::error, or a hang past libFuzzer's -timeout is a finding.
#include "fuzz_session.hpp"

#include <cstdint>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ddx_fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 2048) return -1;  // longer scripts are slow and add nothing
    std::string text(reinterpret_cast<const char*>(data), size);
    if (ddx_fuzz::runs_programs(text)) return -1;
    ddx_fuzz::run_script(text);
    return 0;
}
