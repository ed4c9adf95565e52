#include "numeric/compile_cache.hpp"

#include <ddx/error.hpp>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ddx::compile_cache {

namespace {

bool writable_by_others(const struct stat& st) { return (st.st_mode & (S_IWGRP | S_IWOTH)) != 0; }

bool owned_by_me(const struct stat& st) { return st.st_uid == ::geteuid(); }

// mkdir -p with mode 0700 for what is missing; the caller checks the result.
void make_directories(const std::string& path) {
    for (std::size_t at = path.find('/', 1); ; at = path.find('/', at + 1)) {
        std::string prefix = path.substr(0, at);
        if (!prefix.empty()) ::mkdir(prefix.c_str(), 0700);
        if (at == std::string::npos) break;
    }
}

std::string absolute_variable(const char* name) {
    const char* value = std::getenv(name);
    // The XDG base directory specification: a relative path is invalid and ignored.
    return value && value[0] == '/' ? value : "";
}

// The process's private directory: removed at exit by the process that made it (not by a
// child that forked and then exited normally).
struct private_dir {
    std::string path;
    pid_t owner = 0;
    ~private_dir() {
        if (!path.empty() && ::getpid() == owner) remove_tree(path);
    }
};

}  // namespace

std::string trusted_directory(const std::string& path) {
    char resolved[PATH_MAX];
    if (!::realpath(path.c_str(), resolved)) return "";
    std::string canonical = resolved;
    if (canonical.empty() || canonical[0] != '/') return "";
    // Every directory from the root down, without following links (realpath removed them;
    // one appearing now is refused).
    std::vector<std::string> chain = {"/"};
    for (std::size_t at = 0; at < canonical.size();) {
        std::size_t next = canonical.find('/', at + 1);
        if (next == std::string::npos) next = canonical.size();
        if (next > at + 1) chain.push_back(canonical.substr(0, next));
        at = next;
    }
    for (std::size_t i = 0; i < chain.size(); ++i) {
        struct stat st {};
        if (::lstat(chain[i].c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return "";
        if (i + 1 == chain.size()) return owned_by_me(st) && !writable_by_others(st) ? canonical : "";
        if (st.st_uid != 0 && !owned_by_me(st)) return "";
        if (writable_by_others(st) && !(st.st_mode & S_ISVTX)) return "";
    }
    return "";
}

namespace {

// Opens `path` without following a link and reads it whole if it is a regular file owned by
// the effective user and not writable by others, of at most `limit` bytes.
std::optional<std::string> read_trusted(const std::string& path, std::size_t limit) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && owned_by_me(st) && !writable_by_others(st) &&
              static_cast<std::size_t>(st.st_size) <= limit;
    std::string text;
    char buffer[65536];
    while (ok) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, static_cast<std::size_t>(n));
            ok = text.size() <= limit;
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            ok = false;
        }
    }
    ::close(fd);
    if (!ok) return std::nullopt;
    return text;
}

// Whether [offset, offset + size) lies within a file of `file_size` bytes.
bool within(std::uint64_t offset, std::uint64_t size, std::uint64_t file_size) {
    return offset <= file_size && size <= file_size - offset;
}

template <typename T>
T read_struct(const std::string& bytes, std::size_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

}  // namespace

bool trusted_file(const std::string& path, const std::string* contents) {
    std::optional<std::string> text = read_trusted(path, contents ? contents->size() : SIZE_MAX);
    return text && (!contents || *text == *contents);
}

bool trusted_object(const std::string& path) {
    std::optional<std::string> bytes = read_trusted(path, SIZE_MAX);
    if (!bytes) return false;
    const std::string& b = *bytes;
    using ehdr = ElfW(Ehdr);
    using phdr = ElfW(Phdr);
    if (b.size() < sizeof(ehdr) || b.compare(0, SELFMAG, ELFMAG) != 0) return false;
    ehdr header = read_struct<ehdr>(b, 0);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    constexpr unsigned char data = ELFDATA2LSB;
#else
    constexpr unsigned char data = ELFDATA2MSB;
#endif
    constexpr unsigned char elf_class = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;
    if (header.e_ident[EI_CLASS] != elf_class || header.e_ident[EI_DATA] != data || header.e_type != ET_DYN)
        return false;
    // Every segment the loader maps and every section header lies within the file: a cut
    // object would otherwise be mapped past its end, and touching that page is SIGBUS.
    if (header.e_phentsize != sizeof(phdr) ||
        !within(header.e_phoff, std::uint64_t{header.e_phnum} * sizeof(phdr), b.size()))
        return false;
    for (std::size_t i = 0; i < header.e_phnum; ++i) {
        phdr p = read_struct<phdr>(b, header.e_phoff + i * sizeof(phdr));
        if (p.p_type != PT_NULL && !within(p.p_offset, p.p_filesz, b.size())) return false;
    }
    return header.e_shoff == 0 ||
           within(header.e_shoff, std::uint64_t{header.e_shnum} * header.e_shentsize, b.size());
}

bool trusted_subdirectory(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && owned_by_me(st) && !writable_by_others(st);
}

bool write_new_file(const std::string& path, const std::string& contents) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    std::size_t done = 0;
    while (done < contents.size()) {
        ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    return ::close(fd) == 0 && done == contents.size();
}

void remove_tree(const std::string& path) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
}

std::string shared_directory() {
    std::string base = absolute_variable("XDG_CACHE_HOME");
    if (base.empty()) {
        std::string home = absolute_variable("HOME");
        if (home.empty()) return "";
        base = home + "/.cache";
    }
    std::string dir = base + "/ddx";
    make_directories(dir);
    return trusted_directory(dir);
}

std::string private_directory() {
    static std::mutex mutex;
    static private_dir dir;
    std::lock_guard<std::mutex> lock(mutex);
    if (!dir.path.empty()) return dir.path;
    std::string tmpdir = absolute_variable("TMPDIR");
    for (const std::string& base : {tmpdir, std::string("/tmp")}) {
        if (base.empty()) continue;
        std::string pattern = base + "/ddx-XXXXXX";
        if (!::mkdtemp(pattern.data())) continue;
        if (std::string trusted = trusted_directory(pattern); !trusted.empty()) {
            dir.path = trusted;
            dir.owner = ::getpid();
            return dir.path;
        }
        ::rmdir(pattern.c_str());
    }
    throw error("no private directory for compiled code could be made in " +
                (tmpdir.empty() ? std::string("/tmp") : tmpdir + " or /tmp"));
}

}  // namespace ddx::compile_cache
