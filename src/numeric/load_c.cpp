// ddx::load_c: C source to a loaded shared object, through the cache of compile_cache.hpp.
//
// A cache entry is a directory DIR/KEY (KEY: 16 hex digits of a 64-bit FNV-1a hash of the
// source and the compiler's identity) holding source.c (the exact source), build.txt (the
// compiler's identity) and object.so. It is built under a fresh name (DIR/.build-XXXXXX)
// and renamed into place whole, so an entry is never seen half-written and its three files
// always belong together; a build that was killed leaves its .build-XXXXXX, removed a day
// later. An entry is loaded only after trusted_subdirectory, trusted_file
// and trusted_object have checked it and both recorded texts equal the wanted ones byte for
// byte.
#include <ddx/codegen.hpp>
#include <ddx/error.hpp>

#include "numeric/c_compiler.hpp"
#include "numeric/compile_cache.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ddx {

namespace {

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

struct wanted {
    const std::string& source;
    const c_compiler& compiler;
    std::string key;
};

bool entry_matches(const std::string& entry, const wanted& w) {
    return compile_cache::trusted_subdirectory(entry) &&
           compile_cache::trusted_file(entry + "/source.c", &w.source) &&
           compile_cache::trusted_file(entry + "/build.txt", &w.compiler.identity) &&
           compile_cache::trusted_object(entry + "/object.so");
}

// dlopen, except for a path this process already loaded for other source: glibc returns
// the library already loaded under the same name without opening the file again, so that
// would give the other source's code (only a hash collision can lead there).
void* open_object(const std::string& path, const wanted& w, std::string& failure) {
    static std::mutex mutex;
    static std::map<std::string, std::string> loaded;  // path -> source and identity
    std::string material = w.source + '\0' + w.compiler.identity;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = loaded.find(path);
    if (it != loaded.end() && it->second != material) {
        failure = "the cache key of this code collides with other code's";
        return nullptr;
    }
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* message = ::dlerror();
        failure = message ? message : "dlopen failed";
        return nullptr;
    }
    loaded.emplace(path, std::move(material));
    return handle;
}

// Moves the built entry `tmp` to `entry`. An existing entry is kept if it matches (another
// process built the same) unless `replace`, else moved aside and removed. False if `tmp`
// could not be put in place (it is then removed).
bool publish(const std::string& tmp, const std::string& entry, const wanted& w, bool replace) {
    if (std::rename(tmp.c_str(), entry.c_str()) == 0) return true;
    if (errno != EEXIST && errno != ENOTEMPTY && errno != ENOTDIR && errno != EISDIR) {
        compile_cache::remove_tree(tmp);
        return false;
    }
    if (!replace && entry_matches(entry, w)) {
        compile_cache::remove_tree(tmp);
        return true;
    }
    std::string stale = tmp + ".stale";  // tmp is unique, so is this
    bool moved = std::rename(entry.c_str(), stale.c_str()) == 0 && std::rename(tmp.c_str(), entry.c_str()) == 0;
    compile_cache::remove_tree(stale);
    if (!moved) compile_cache::remove_tree(tmp);
    return moved;
}

// A build killed on the way (Ctrl-C, the time limit, a crash) leaves its DIR/.build-XXXXXX
// behind. Those of this user untouched for a day are removed when the next entry is built: no
// compile runs that long, so none of them is another process's build in progress.
void remove_stale_builds(const std::string& dir) {
    constexpr std::time_t stale_after = 24 * 60 * 60;
    const std::time_t now = std::time(nullptr);
    std::error_code failed;
    for (const auto& item : std::filesystem::directory_iterator(dir, failed)) {
        const std::string name = item.path().filename().string();
        if (name.size() != std::string(".build-XXXXXX").size() || name.compare(0, 7, ".build-") != 0) continue;
        struct stat st {};
        if (::lstat(item.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) continue;
        if (now - st.st_mtime > stale_after) compile_cache::remove_tree(item.path().string());
    }
}

// Loads the entry for `w` in `dir`, building it if it is missing, untrusted, different or
// fails to load. nullopt when `dir` cannot take a new entry (the caller tries elsewhere).
// Throws ddx::error when compiling fails or a freshly built object does not load.
std::optional<void*> load_or_build(const std::string& dir, const wanted& w) {
    std::string entry = dir + "/" + w.key;
    std::string object = entry + "/object.so";
    std::string failure;
    bool replace = false;
    if (entry_matches(entry, w)) {
        if (void* handle = open_object(object, w, failure)) return handle;
        replace = true;  // rebuilt once
    }

    remove_stale_builds(dir);
    std::string tmp = dir + "/.build-XXXXXX";
    if (!::mkdtemp(tmp.data())) return std::nullopt;
    if (!compile_cache::write_new_file(tmp + "/source.c", w.source) ||
        !compile_cache::write_new_file(tmp + "/build.txt", w.compiler.identity)) {
        compile_cache::remove_tree(tmp);
        return std::nullopt;
    }
    try {
        build_shared_object(w.compiler, tmp + "/source.c", tmp + "/object.so");
    } catch (...) {
        compile_cache::remove_tree(tmp);
        throw;
    }
    // The compiler's mode follows the umask, which may let others write.
    if (::chmod((tmp + "/object.so").c_str(), 0700) != 0) {
        compile_cache::remove_tree(tmp);
        return std::nullopt;
    }
    if (!compile_cache::trusted_object(tmp + "/object.so")) {
        compile_cache::remove_tree(tmp);
        throw error("cannot load compiled code: the compiler did not write a whole shared object");
    }
    if (!publish(tmp, entry, w, replace)) return std::nullopt;
    if (!entry_matches(entry, w)) throw error("the compiled code in " + entry + " changed before it was loaded");
    if (void* handle = open_object(object, w, failure)) return handle;
    throw error("cannot load compiled code: " + failure);
}

}  // namespace

void* load_c(const std::string& source, const std::string& symbol, std::shared_ptr<void>& library) {
    c_compiler compiler = current_c_compiler();
    wanted w{source, compiler, ""};
    char key[32];
    std::snprintf(key, sizeof key, "%016llx",
                  static_cast<unsigned long long>(fnv1a(source + '\0' + compiler.identity)));
    w.key = key;

    std::optional<void*> handle;
    if (std::string shared = compile_cache::shared_directory(); !shared.empty()) handle = load_or_build(shared, w);
    if (!handle) {
        std::string own = compile_cache::private_directory();
        handle = load_or_build(own, w);
        if (!handle) throw error("cannot write compiled code in " + own);
    }
    library = std::shared_ptr<void>(*handle, [](void* h) { ::dlclose(h); });
    void* address = ::dlsym(*handle, symbol.c_str());
    if (!address) throw error("compiled code has no symbol " + symbol);
    return address;
}

}  // namespace ddx
