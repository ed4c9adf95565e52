// The cache of compiled objects (ddx/codegen.hpp, top): ddx::compile never runs an object it
// cannot show it built for the source wanted. Each case works in a fresh temporary directory
// with XDG_CACHE_HOME (and HOME) pointed into it, plants what another user or an accident
// could leave there, and checks that the planted code never runs (its constructor would
// write a marker file) and that the compiled function's values are right.
#include <doctest/doctest.h>

#include "lib/scopes.hpp"

#include <ddx/ddx.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using GiNaC::ex;
using ddx_test::env_scope;
using ddx_test::read_text;
using ddx_test::temp_dir;
using ddx_test::write_text;

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

// The cache entries (directories named by key) in a cache directory, without the
// temporary ones.
std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ignored;
    for (auto it = fs::directory_iterator(dir, ignored); it != fs::directory_iterator(); it.increment(ignored)) {
        std::string name = it->path().filename().string();
        if (name[0] != '.') names.push_back(name);
    }
    return names;
}

// The function every case compiles, f(x, y) = x^2*y + 1, and a different one.
struct functions {
    ddx::symbol_table s;
    ex x = s.get("x"), y = s.get("y");
    std::vector<ex> f = {ddx::parse("x^2*y + 1", s)};
    std::vector<ex> g = {ddx::parse("x - y", s)};
};

// f's values at a few points, checked against the formula; is_native() is left to callers.
void check_f(const ddx::compiled_function& f) {
    REQUIRE(f.inputs() == 2);
    REQUIRE(f.outputs() == 1);
    for (double x : {3.0, -1.5, 0.25}) {
        for (double y : {2.0, 7.0}) {
            double in[2] = {x, y}, out[1] = {0};
            f(in, out);
            CHECK(out[0] == x * x * y + 1);
        }
    }
}

// An entry for f built in a cache of its own: `dir` is the cache, `key` the entry's name.
struct reference_entry {
    temp_dir home;
    std::string dir, key;
    std::string source, build, object;  // the entry's three files
};

void build_reference(functions& fs_, reference_entry& r) {
    env_scope xdg("XDG_CACHE_HOME", r.home.path().c_str());
    ddx::compiled_function f = ddx::compile(fs_.f, {fs_.x, fs_.y});
    REQUIRE(f.is_native());
    r.dir = r.home / "ddx";
    std::vector<std::string> names = entries(r.dir);
    REQUIRE(names.size() == 1);
    r.key = names[0];
    std::string entry = r.dir + "/" + r.key;
    r.source = read_text(entry + "/source.c");
    r.build = read_text(entry + "/build.txt");
    r.object = read_text(entry + "/object.so");
    REQUIRE(r.source.find("ddx_function") != std::string::npos);
    REQUIRE(r.object.size() > 100);
}

// A shared object defining ddx_function with wrong values, whose constructor (run by
// dlopen, before anything can be checked) writes `marker`.
std::string planted_object(const temp_dir& work, const std::string& marker) {
    std::string c = work / "planted.c", so = work / "planted.so";
    write_text(c, "#include <stdio.h>\n"
                  "__attribute__((constructor)) static void planted(void) {\n"
                  "    FILE *f = fopen(\"" + marker + "\", \"w\");\n"
                  "    if (f) { fputs(\"the planted object ran\\n\", f); fclose(f); }\n"
                  "}\n"
                  "void ddx_function(const double *in, double *out) { (void)in; out[0] = -12345.0; }\n");
    std::string command = "cc -shared -fPIC -o '" + so + "' '" + c + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    return read_text(so);
}

// Makes DIR/KEY with f's recorded source and build and the given object, all owned by
// this user, not writable by others: what a matching entry looks like.
void plant_entry(const std::string& dir, const reference_entry& r, const std::string& object) {
    std::string entry = dir + "/" + r.key;
    fs::create_directories(entry);
    ::chmod(entry.c_str(), 0755);
    write_text(entry + "/source.c", r.source);
    write_text(entry + "/build.txt", r.build);
    write_text(entry + "/object.so", object);
    ::chmod((entry + "/source.c").c_str(), 0644);
    ::chmod((entry + "/build.txt").c_str(), 0644);
    ::chmod((entry + "/object.so").c_str(), 0755);
}

// Whether the object at `path` is a fresh build: an ELF object, and not `old`.
bool rebuilt(const std::string& path, const std::string& old) {
    std::string object = read_text(path);
    return object != old && object.size() > 100 && object.compare(0, 4, "\x7f" "ELF") == 0;
}

// Clears the fallback handler at the end of a scope (it refers to the scope's variables).
struct handler_scope {
    handler_scope() = default;
    handler_scope(const handler_scope&) = delete;
    handler_scope& operator=(const handler_scope&) = delete;
    ~handler_scope() { ddx::set_interpreter_fallback_handler(nullptr); }
};

std::optional<uid_t> nobody() {
    if (const passwd* p = ::getpwnam("nobody")) return p->pw_uid;
    return std::nullopt;
}

bool can_chown() { return ::geteuid() == 0 && nobody().has_value(); }

}  // namespace

TEST_CASE("compile cache: a planted object in a world-writable cache directory never runs") {
    functions fns;
    reference_entry ref;
    build_reference(fns, ref);
    temp_dir work;
    std::string marker = work / "marker";
    std::string planted = planted_object(work, marker);

    SUBCASE("the ddx directory is 0777") {
        std::string dir = work / "xdg/ddx";
        fs::create_directories(dir);
        REQUIRE(::chmod(dir.c_str(), 0777) == 0);
        plant_entry(dir, ref, planted);
        env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());  // built in the private directory
        check_f(f);
        CHECK_FALSE(exists(marker));
        // Nothing was written into the untrusted directory.
        CHECK(entries(dir) == std::vector<std::string>{ref.key});
        CHECK(read_text(dir + "/" + ref.key + "/object.so") == planted);
    }
    SUBCASE("the directory above it is 0777") {
        std::string dir = work / "xdg/ddx";
        fs::create_directories(dir);
        REQUIRE(::chmod(dir.c_str(), 0700) == 0);
        REQUIRE(::chmod((work / "xdg").c_str(), 0777) == 0);
        plant_entry(dir, ref, planted);
        env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK_FALSE(exists(marker));
    }
    SUBCASE("the ddx directory is a link to a 0777 one") {
        std::string open_dir = work / "open";
        fs::create_directories(open_dir);
        REQUIRE(::chmod(open_dir.c_str(), 0777) == 0);
        plant_entry(open_dir, ref, planted);
        fs::create_directories(work / "xdg");
        fs::create_directory_symlink(open_dir, work / "xdg/ddx");
        env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        check_f(f);
        CHECK_FALSE(exists(marker));
    }
    SUBCASE("the entry is a link to a planted one") {
        std::string dir = work / "xdg/ddx";
        fs::create_directories(dir);
        ::chmod(dir.c_str(), 0700);
        plant_entry(work / "elsewhere", ref, planted);
        fs::create_directory_symlink(work / ("elsewhere/" + ref.key), dir + "/" + ref.key);
        env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK_FALSE(exists(marker));
        // The link was replaced by a real entry.
        CHECK(fs::is_directory(fs::symlink_status(dir + "/" + ref.key)));
    }
    SUBCASE("the object is a link to a planted one") {
        std::string dir = work / "xdg/ddx";
        fs::create_directories(dir);
        ::chmod(dir.c_str(), 0700);
        plant_entry(dir, ref, planted);
        std::string object = dir + "/" + ref.key + "/object.so";
        fs::remove(object);
        write_text(work / "planted-target.so", planted);
        fs::create_symlink(work / "planted-target.so", object);
        env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK_FALSE(exists(marker));
        CHECK(fs::is_regular_file(fs::symlink_status(object)));
    }
    SUBCASE("the object is writable by others") {
        std::string dir = work / "xdg/ddx";
        fs::create_directories(dir);
        ::chmod(dir.c_str(), 0700);
        plant_entry(dir, ref, planted);
        std::string object = dir + "/" + ref.key + "/object.so";
        REQUIRE(::chmod(object.c_str(), 0777) == 0);
        env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK_FALSE(exists(marker));
        CHECK(rebuilt(object, planted));
    }
}

TEST_CASE("compile cache: what another user owns is refused") {
    if (!can_chown()) {
        MESSAGE("skipped: changing a file's owner to nobody needs root (this runs as uid " << ::geteuid() << ")");
        return;
    }
    const uid_t other = *nobody();
    functions fns;
    reference_entry ref;
    build_reference(fns, ref);
    temp_dir work;
    std::string marker = work / "marker";
    std::string planted = planted_object(work, marker);
    std::string dir = work / "xdg/ddx";
    fs::create_directories(dir);
    ::chmod(dir.c_str(), 0700);
    plant_entry(dir, ref, planted);
    std::string entry = dir + "/" + ref.key;
    env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());

    SUBCASE("the object") {
        REQUIRE(::chown((entry + "/object.so").c_str(), other, static_cast<gid_t>(-1)) == 0);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK_FALSE(exists(marker));
        struct stat st {};
        REQUIRE(::lstat((entry + "/object.so").c_str(), &st) == 0);
        CHECK(st.st_uid == ::geteuid());  // replaced by this user's build
    }
    SUBCASE("the recorded source") {
        REQUIRE(::chown((entry + "/source.c").c_str(), other, static_cast<gid_t>(-1)) == 0);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        check_f(f);
        CHECK_FALSE(exists(marker));
    }
    SUBCASE("the entry") {
        REQUIRE(::chown(entry.c_str(), other, static_cast<gid_t>(-1)) == 0);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        check_f(f);
        CHECK_FALSE(exists(marker));
    }
    SUBCASE("the cache directory") {
        REQUIRE(::chown(dir.c_str(), other, static_cast<gid_t>(-1)) == 0);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());  // in the private directory
        check_f(f);
        CHECK_FALSE(exists(marker));
        CHECK(entries(dir) == std::vector<std::string>{ref.key});
    }
    SUBCASE("the directory above the cache") {
        REQUIRE(::chown((work / "xdg").c_str(), other, static_cast<gid_t>(-1)) == 0);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK_FALSE(exists(marker));
    }
}

TEST_CASE("compile cache: an entry recorded for other source or another compiler is rebuilt") {
    functions fns;
    reference_entry ref;
    build_reference(fns, ref);
    temp_dir work;
    std::string dir = work / "ddx";
    env_scope xdg("XDG_CACHE_HOME", work.path().c_str());
    std::string entry = dir + "/" + ref.key;

    SUBCASE("g's entry under f's name") {
        {
            ddx::compiled_function g = ddx::compile(fns.g, {fns.x, fns.y});
            REQUIRE(g.is_native());
        }
        std::vector<std::string> names = entries(dir);
        REQUIRE(names.size() == 1);
        REQUIRE(names[0] != ref.key);
        fs::rename(dir + "/" + names[0], entry);
        std::string swapped_source = read_text(entry + "/source.c");
        REQUIRE(swapped_source != ref.source);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK(read_text(entry + "/source.c") == ref.source);
        CHECK(rebuilt(entry + "/object.so", ""));
    }
    SUBCASE("a source differing in one byte") {
        fs::create_directories(dir);
        std::string source = ref.source;
        source[source.find("ddx")] = 'D';
        // The object is f's, but recorded for other source: it must not be believed (here
        // it would even work, so only the rebuilt files show that it was not).
        plant_entry(dir, ref, ref.object + "x");
        write_text(entry + "/source.c", source);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK(read_text(entry + "/source.c") == ref.source);
        CHECK(rebuilt(entry + "/object.so", ref.object + "x"));
    }
    SUBCASE("another compiler's build record") {
        fs::create_directories(dir);
        plant_entry(dir, ref, ref.object + "x");
        write_text(entry + "/build.txt", ref.build + "another compiler\n");
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK(read_text(entry + "/build.txt") == ref.build);
        CHECK(rebuilt(entry + "/object.so", ref.object + "x"));
    }
    SUBCASE("a missing source record") {
        fs::create_directories(dir);
        plant_entry(dir, ref, ref.object + "x");
        fs::remove(entry + "/source.c");
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK(read_text(entry + "/source.c") == ref.source);
    }
    SUBCASE("a file where the entry should be") {
        fs::create_directories(dir);
        write_text(entry, "not an entry");
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK(read_text(entry + "/source.c") == ref.source);
    }
    // No temporary directories are left behind.
    std::vector<std::string> all;
    for (const auto& e : fs::directory_iterator(dir)) all.push_back(e.path().filename().string());
    CHECK(all == std::vector<std::string>{ref.key});
}

TEST_CASE("compile cache: a truncated or corrupt object is rebuilt") {
    functions fns;
    reference_entry ref;
    build_reference(fns, ref);
    temp_dir work;
    std::string dir = work / "ddx";
    env_scope xdg("XDG_CACHE_HOME", work.path().c_str());
    std::string entry = dir + "/" + ref.key;
    fs::create_directories(dir);

    std::string broken;
    SUBCASE("cut after 200 bytes") { broken = ref.object.substr(0, 200); }
    SUBCASE("cut in half") { broken = ref.object.substr(0, ref.object.size() / 2); }
    SUBCASE("empty") { broken = ""; }
    SUBCASE("garbage of the right size") { broken = std::string(ref.object.size(), '\x7f'); }
    plant_entry(dir, ref, broken);
    ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
    CHECK(f.is_native());
    CHECK(f.why_interpreted().empty());
    check_f(f);
    CHECK(rebuilt(entry + "/object.so", broken));
}

// A "compiler" whose objects are whole but cannot be loaded (an undefined symbol), or that
// writes junk; it counts its builds in `log`.
std::string bad_compiler(const temp_dir& work, const std::string& log, bool junk) {
    std::string cc = work / (junk ? "junk-cc" : "unloadable-cc"), c = work / "unloadable.c";
    write_text(c, "extern void ddx_missing_function(void);\n"
                  "void ddx_function(const double *in, double *out) { ddx_missing_function(); out[0] = in[0]; }\n");
    std::string build = junk ? "printf 'not an ELF object' > \"$out\"\n"
                             : "cc -shared -fPIC -o \"$out\" '" + c + "' || exit 1\n";
    write_text(cc, "#!/bin/sh\n"
                   "if [ \"$1\" = --version ]; then echo 'bad-cc 1.0'; exit 0; fi\n"
                   "echo build >> '" + log + "'\n"
                   "while [ $# -gt 0 ]; do\n"
                   "  if [ \"$1\" = -o ]; then out=$2; fi\n"
                   "  shift\n"
                   "done\n" + build);
    REQUIRE(::chmod(cc.c_str(), 0755) == 0);
    return cc;
}

TEST_CASE("compile cache: an object that still fails to load after one rebuild is interpreted") {
    functions fns;
    temp_dir work;
    std::string log = work / "builds";
    env_scope xdg("XDG_CACHE_HOME", work.path().c_str());

    SUBCASE("an object with an undefined symbol") {
        env_scope compiler("CC", bad_compiler(work, log, false).c_str());
        ddx::compiled_function first = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK_FALSE(first.is_native());
        CHECK(first.why_interpreted().find("cannot load compiled code") != std::string::npos);
        CHECK(first.why_interpreted().find("ddx_missing_function") != std::string::npos);
        check_f(first);
        CHECK(read_text(log) == "build\n");  // a fresh object that fails to load is not rebuilt

        // The entry stays in the cache; the next compile finds it, fails to load it, rebuilds
        // it once, and then gives up.
        REQUIRE(entries(work / "ddx").size() == 1);
        ddx::compiled_function second = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK_FALSE(second.is_native());
        check_f(second);
        CHECK(read_text(log) == "build\nbuild\n");
    }
    SUBCASE("junk instead of an object") {
        env_scope compiler("CC", bad_compiler(work, log, true).c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK_FALSE(f.is_native());
        CHECK(f.why_interpreted() == "cannot load compiled code: the compiler did not write a whole shared object");
        check_f(f);
        CHECK(read_text(log) == "build\n");
        CHECK(entries(work / "ddx").empty());  // never stored
    }
}

TEST_CASE("compile cache: a cache that cannot be written still gives the right answer") {
    functions fns;
    temp_dir work;
    env_scope home("HOME", (work / "home").c_str());
    fs::create_directories(work / "home");

    SUBCASE("a directory with mode 0500") {
        std::string xdg_dir = work / "readonly";
        fs::create_directories(xdg_dir);
        REQUIRE(::chmod(xdg_dir.c_str(), 0500) == 0);
        env_scope xdg("XDG_CACHE_HOME", xdg_dir.c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());  // root writes anyway; others use the private directory
        check_f(f);
    }
    SUBCASE("a read-only ddx directory, empty") {
        std::string dir = work / "xdg/ddx";
        fs::create_directories(dir);
        REQUIRE(::chmod(dir.c_str(), 0500) == 0);
        env_scope xdg("XDG_CACHE_HOME", (work / "xdg").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
    }
    SUBCASE("a file") {
        std::string file = work / "a-file";
        write_text(file, "not a directory\n");
        env_scope xdg("XDG_CACHE_HOME", file.c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK(read_text(file) == "not a directory\n");
    }
    SUBCASE("/proc") {
        env_scope xdg("XDG_CACHE_HOME", "/proc");
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
    }
    SUBCASE("a relative path (ignored: HOME's cache is used)") {
        env_scope xdg("XDG_CACHE_HOME", "relative/cache");
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        CHECK(entries(work / "home/.cache/ddx").size() == 1);
        CHECK_FALSE(exists("relative"));
    }
    SUBCASE("neither XDG_CACHE_HOME nor HOME") {
        env_scope xdg("XDG_CACHE_HOME", nullptr);
        env_scope no_home("HOME", nullptr);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
    }
    SUBCASE("HOME's cache, created 0700") {
        env_scope xdg("XDG_CACHE_HOME", nullptr);
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK(f.is_native());
        check_f(f);
        struct stat st {};
        REQUIRE(::lstat((work / "home/.cache/ddx").c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0700);
        CHECK(entries(work / "home/.cache/ddx").size() == 1);
    }
}

TEST_CASE("compile cache: the interpreter fallback is reported by the result, not on stderr") {
    functions fns;
    temp_dir work;
    env_scope xdg("XDG_CACHE_HOME", work.path().c_str());
    std::vector<std::string> told;
    handler_scope reset;
    ddx::set_interpreter_fallback_handler([&](const std::string& why) { told.push_back(why); });

    ddx::compiled_function native = ddx::compile(fns.f, {fns.x, fns.y});
    CHECK(native.is_native());
    CHECK(native.why_interpreted().empty());
    CHECK(told.empty());

    {
        env_scope cc("CC", (work / "no-such-compiler").c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK_FALSE(f.is_native());
        CHECK(f.why_interpreted() == "no C compiler (" + work / "no-such-compiler" + ") could be run");
        check_f(f);
        ddx::compiled_function copy = f;
        CHECK(copy.why_interpreted() == f.why_interpreted());
    }
    REQUIRE(told.size() == 1);
    CHECK(told[0].find("no C compiler") != std::string::npos);

    {
        // A compiler that fails: its messages are the reason.
        std::string cc = work / "failing-cc";
        write_text(cc, "#!/bin/sh\n[ \"$1\" = --version ] && { echo failing-cc; exit 0; }\necho 'it went wrong' >&2\nexit 1\n");
        REQUIRE(::chmod(cc.c_str(), 0755) == 0);
        env_scope failing("CC", cc.c_str());
        ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
        CHECK_FALSE(f.is_native());
        CHECK(f.why_interpreted() == "the C compiler failed:\nit went wrong");  // no newline at the end
        CHECK(f.source().find("void ddx_function(const double *in, double *out)") != std::string::npos);
        check_f(f);
    }
    CHECK(told.size() == 2);

    ddx::set_interpreter_fallback_handler(nullptr);
    env_scope cc("CC", (work / "no-such-compiler").c_str());
    ddx::compiled_function f = ddx::compile(fns.f, {fns.x, fns.y});
    CHECK_FALSE(f.is_native());
    CHECK(told.size() == 2);
}

TEST_CASE("compile cache: load_c keeps the same rules") {
    temp_dir work;
    env_scope xdg("XDG_CACHE_HOME", work.path().c_str());
    std::shared_ptr<void> library;
    auto twice = reinterpret_cast<double (*)(double)>(
        ddx::load_c("double twice(double x) { return 2 * x; }", "twice", library));
    CHECK(twice(21) == 42.0);
    std::vector<std::string> names = entries(work / "ddx");
    REQUIRE(names.size() == 1);
    std::string entry = work / ("ddx/" + names[0]);
    struct stat st {};
    REQUIRE(::lstat((work / "ddx").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0700);
    CHECK(read_text(entry + "/source.c") == "double twice(double x) { return 2 * x; }");
    CHECK(read_text(entry + "/build.txt").find("--version") != std::string::npos);

    // A compile error is an error, with the compiler's messages.
    std::shared_ptr<void> bad;
    CHECK_THROWS_WITH_AS(ddx::load_c("this is not C", "f", bad), doctest::Contains("the C compiler failed"), ddx::error);
    CHECK(entries(work / "ddx").size() == 1);
    std::vector<std::string> all;
    for (const auto& e : fs::directory_iterator(work / "ddx")) all.push_back(e.path().filename().string());
    CHECK(all.size() == 1);  // the failed build left nothing
}
