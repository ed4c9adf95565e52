#include "numeric/c_compiler.hpp"

#include <ddx/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ddx {

namespace {

struct run_result {
    bool started = false;  // false: the program could not be run at all
    int status = -1;       // the exit status; -1 for a signal
    std::string output;    // standard output and error together
};

// Runs `args` without a shell, stdin from /dev/null, collecting what it writes.
run_result run_process(const std::vector<std::string>& args) {
    run_result r;
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return r;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        return r;
    }
    r.started = true;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n > 0) {
            r.output.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return r;
    }
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// GCC and Clang (what `--version` says; Debian's `cc --version` names the Free Software
// Foundation, not gcc).
bool gcc_or_clang(const std::string& version) {
    for (const char* name : {"gcc", "GCC", "Free Software Foundation", "clang"}) {
        if (version.find(name) != std::string::npos) return true;
    }
    return false;
}

// What -march=native stands for: the processor's identification and features, from the
// first processor of /proc/cpuinfo (read once per process).
const std::string& processor() {
    static const std::string text = [] {
        std::string all, out;
        if (FILE* f = std::fopen("/proc/cpuinfo", "r")) {
            char buffer[4096];
            std::size_t n;
            while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) all.append(buffer, n);
            std::fclose(f);
        }
        for (std::size_t at = 0; at < all.size();) {
            std::size_t end = all.find('\n', at);
            if (end == std::string::npos) end = all.size();
            std::string line = all.substr(at, end - at);
            at = end + 1;
            if (line.empty()) break;  // the end of the first processor
            std::string key = line.substr(0, line.find(':'));
            while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
            for (const char* wanted : {"vendor_id", "cpu family", "model", "model name", "stepping", "flags"}) {
                if (key == wanted) out += line + "\n";
            }
        }
        return out.empty() ? std::string("unknown\n") : out;
    }();
    return text;
}

}  // namespace

c_compiler current_c_compiler() {
    c_compiler c;
    const char* cc = std::getenv("CC");
    c.command = cc && *cc ? cc : "cc";

    // `--version` once per process and command (tests and programs may change $CC).
    static std::mutex mutex;
    static std::map<std::string, std::string> versions;
    std::string version;
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = versions.find(c.command);
        if (it != versions.end()) version = it->second;
    }
    if (version.empty()) {
        run_result r = run_process({c.command, "--version"});
        if (!r.started) throw error("no C compiler (" + c.command + ") could be run");
        version = "exit status " + std::to_string(r.status) + ":\n" + r.output;
        std::lock_guard<std::mutex> lock(mutex);
        versions.emplace(c.command, version);
    }
    // ISO C99 at -O2. With GCC or Clang also: no contraction of a * b + c into a fused
    // multiply-add (the interpreter rounds the product; -std=c99 implies it for GCC, Clang
    // contracts within an expression by default), and on x86-64 the instructions of this
    // processor (-march=native: wider vectors for the loops of the emitted code). Neither
    // changes a result: without contraction every operation is the same IEEE operation in
    // any instruction set, vector lanes included, and the math functions are the same
    // library calls. The processor is part of the identity, so that a cache shared between
    // machines does not hand one machine's code to another.
    c.flags = {"-std=c99", "-O2"};
    const bool known = gcc_or_clang(version);
    if (known) c.flags.push_back("-ffp-contract=off");
#if defined(__x86_64__)
    const bool native = known;
#else
    const bool native = false;
#endif
    if (native) c.flags.push_back("-march=native");
    c.flags.insert(c.flags.end(), {"-fPIC", "-shared"});
    c.identity = "compiler: " + c.command + "\nflags:";
    for (const std::string& f : c.flags) c.identity += " " + f;
    c.identity += " -lm\n" + c.command + " --version, " + version;
    if (native) c.identity += "-march=native for:\n" + processor();
    return c;
}

void build_shared_object(const c_compiler& compiler, const std::string& source, const std::string& object) {
    std::vector<std::string> args = {compiler.command};
    args.insert(args.end(), compiler.flags.begin(), compiler.flags.end());
    args.insert(args.end(), {"-o", object, source, "-lm"});
    run_result r = run_process(args);
    if (!r.started) throw error("no C compiler (" + compiler.command + ") could be run");
    if (r.status != 0) {
        std::string output = r.output;
        output.erase(output.find_last_not_of(" \t\r\n") + 1);  // (its last line's newline)
        throw error("the C compiler failed:\n" + output);
    }
}

}  // namespace ddx
