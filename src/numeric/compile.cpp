#include <ddx/codegen.hpp>
#include <ddx/error.hpp>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ddx {

namespace {

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

std::string cache_directory() {
    std::string base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        base = std::string(home) + "/.cache";
    } else {
        base = "/tmp";
    }
    ::mkdir(base.c_str(), 0755);
    std::string dir = base + "/ddx";
    ::mkdir(dir.c_str(), 0755);
    return dir;
}

std::string compiler() {
    const char* cc = std::getenv("CC");
    return cc && *cc ? cc : "cc";
}

// Runs the compiler without a shell; its messages go to `log`.
int run_compiler(const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

void* load_c(const std::string& source, const std::string& symbol, std::shared_ptr<void>& library) {
    const std::vector<std::string> flags = {"-std=c99", "-O2", "-fPIC", "-shared"};
    std::string key = source + "\n" + compiler();
    for (const std::string& f : flags) key += " " + f;
    char hash[32];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a(key)));
    std::string dir = cache_directory();
    std::string object = dir + "/" + hash + ".so";
    if (::access(object.c_str(), R_OK) != 0) {
        // Build under a private name, then rename: concurrent ddx processes never see a
        // half-written object.
        std::string stem = dir + "/" + hash + "." + std::to_string(::getpid());
        std::string c_file = stem + ".c", tmp_object = stem + ".so", log = stem + ".log";
        {
            std::ofstream out(c_file);
            out << source;
            if (!out) throw error("cannot write " + c_file);
        }
        std::vector<std::string> args = {compiler()};
        args.insert(args.end(), flags.begin(), flags.end());
        args.insert(args.end(), {"-o", tmp_object, c_file, "-lm"});
        int rc = run_compiler(args, log);
        std::string messages = read_file(log);
        std::remove(c_file.c_str());
        std::remove(log.c_str());
        if (rc != 0) {
            std::remove(tmp_object.c_str());
            throw error(rc < 0 ? "no C compiler (" + compiler() + ") could be run"
                               : "the C compiler failed:\n" + messages);
        }
        if (std::rename(tmp_object.c_str(), object.c_str()) != 0) {
            std::remove(tmp_object.c_str());
            throw error("cannot store the compiled object in " + dir);
        }
    }
    void* handle = ::dlopen(object.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw error(std::string("cannot load compiled code: ") + ::dlerror());
    library = std::shared_ptr<void>(handle, [](void* h) { ::dlclose(h); });
    void* address = ::dlsym(handle, symbol.c_str());
    if (!address) throw error("compiled code has no symbol " + symbol);
    return address;
}

compiled_function compile(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& variables) {
    compiled_function f;
    std::vector<GiNaC::ex> flat = flatten(outputs);
    f.inputs_ = variables.size();
    f.outputs_ = flat.size();
    std::string source = emit_c(flat, variables, "ddx_function");
    try {
        f.native_ = reinterpret_cast<compiled_function::native_fn>(load_c(source, "ddx_function", f.library_));
    } catch (const error& e) {
        static std::once_flag told;
        std::call_once(told, [&] {
            std::cerr << "ddx: compiled evaluation unavailable, interpreting instead (" << e.what() << ")\n";
        });
        f.interpreted_ = std::make_shared<const program>(lower(flat, variables));
    }
    return f;
}

void compiled_function::operator()(const double* in, double* out) const {
    if (native_) {
        native_(in, out);
        return;
    }
    thread_local std::vector<double> registers;
    run(*interpreted_, in, out, registers);
}

}  // namespace ddx
