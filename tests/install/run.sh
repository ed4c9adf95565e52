#!/usr/bin/env bash
# Installs ddx from a built tree into a temporary prefix, then builds and runs a small
# program outside the tree against it, three ways: CMake find_package(ddx) with ddx::ddx
# (shared) and ddx::ddx_static, and pkg-config (ddx.pc). Removes everything it made.
#
#   tests/install/run.sh BUILD_DIR
#
# DDX_CONSUMER_FLAGS (environment): extra compile and link flags for the consumer, e.g. the
# sanitizers a DDX_SANITIZE build needs.
set -euo pipefail
export LC_ALL=C

build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
flags=${DDX_CONSUMER_FLAGS:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ddx-install-test.XXXXXX")
manifest="$build/install_manifest.txt"
# cmake --install rewrites BUILD/install_manifest.txt; keep a real installation's list.
[ -f "$manifest" ] && cp "$manifest" "$tmp/manifest.saved"
cleanup() {
    if [ -f "$tmp/manifest.saved" ]; then cp "$tmp/manifest.saved" "$manifest"; else rm -f "$manifest"; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAILED: $*"; exit 1; }
step() { echo "== $*"; }

prefix=$tmp/prefix
step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "install"; }

# Where GNUInstallDirs put the libraries (lib, or lib/<multiarch> for /usr).
libdir=$(dirname "$(find "$prefix" -name ddxConfig.cmake -path '*/cmake/ddx/*')")
libdir=${libdir%/cmake/ddx}
[ -d "$libdir" ] || fail "no ddxConfig.cmake installed"

step "installed files"
version=$("$prefix/bin/ddx" --version | sed -n 's/^ddx //p')
[ -n "$version" ] || fail "bin/ddx --version"
major_minor=${version%.*}
for f in include/ddx/ddx.hpp include/ddx/version.hpp include/ddx/codegen.hpp bin/ddx; do
    [ -f "$prefix/$f" ] || fail "missing $f"
done
for f in libddx.a "libddx.so.$version" "libddx.so.$major_minor" libddx.so \
         cmake/ddx/ddxConfig.cmake cmake/ddx/ddxConfigVersion.cmake cmake/ddx/ddxTargets.cmake \
         pkgconfig/ddx.pc; do
    [ -e "$libdir/$f" ] || fail "missing ${libdir#$prefix/}/$f"
done
soname=$(objdump -p "$libdir/libddx.so.$version" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libddx.so.$major_minor" ] || fail "SONAME is '$soname', expected libddx.so.$major_minor"
grep -q "#define DDX_VERSION \"$version\"" "$prefix/include/ddx/version.hpp" || fail "version.hpp does not say $version"
if grep -q 'DDX_VERSION=' "$libdir"/cmake/ddx/ddxTargets*.cmake; then
    fail "the exported targets leak the build tree's DDX_VERSION definition"
fi
grep -q "^prefix=$prefix\$" "$libdir/pkgconfig/ddx.pc" || fail "ddx.pc has the wrong prefix"
echo "version $version, SONAME $soname"

# Checks one built consumer: it runs, prints what it should, and uses the expected libddx.
run_consumer() {  # PROGRAM LIBRARY_KIND
    local out
    out=$("$1") || { echo "$out"; fail "$1 exited with an error"; }
    echo "$out"
    grep -qx "ddx $version" <<<"$out" || fail "$1 does not print ddx $version"
    grep -qx "consumer ok" <<<"$out" || fail "$1 did not finish its checks"
    # (ldd's output is kept first: with pipefail, `ldd | grep -q` fails when grep stops early.)
    local libs
    libs=$(ldd "$1")
    if [ "$2" = shared ]; then
        grep -q "libddx.so.$major_minor => $libdir/" <<<"$libs" || { echo "$libs"; fail "$1 does not use $libdir/libddx.so"; }
    else
        if grep -q libddx <<<"$libs"; then echo "$libs"; fail "$1 should not need libddx.so"; fi
    fi
}

step "CMake: find_package(ddx) with CMAKE_PREFIX_PATH=$prefix"
cmake -S "$here/consumer" -B "$tmp/cmake" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$tmp/cmake.log" 2>&1 \
    || { cat "$tmp/cmake.log"; fail "configuring the CMake consumer"; }
grep -q "ddx $version from $libdir/cmake/ddx" "$tmp/cmake.log" || { cat "$tmp/cmake.log"; fail "find_package(ddx) found another ddx"; }
cmake --build "$tmp/cmake" -j 2 >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building the CMake consumer"; }
run_consumer "$tmp/cmake/consumer" shared
run_consumer "$tmp/cmake/consumer_static" static

step "pkg-config: c++ main.cpp \$(pkg-config --cflags --libs ddx)"
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
[ "$(pkg-config --modversion ddx)" = "$version" ] || fail "pkg-config --modversion ddx"
# shellcheck disable=SC2046,SC2086
c++ -std=c++17 -O1 $flags -o "$tmp/consumer_pc" "$here/consumer/main.cpp" $(pkg-config --cflags --libs ddx) \
    -Wl,-rpath,"$libdir" || fail "building with pkg-config"
run_consumer "$tmp/consumer_pc" shared

echo "install test passed"
