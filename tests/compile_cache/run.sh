#!/usr/bin/env bash
# The cache of compiled objects through the real program (ddx/codegen.hpp, top): a script
# whose minimize calls compile two functions runs with its cache in places another user or
# an accident could have prepared, and must give the same output as with a clean cache,
# never run a planted object (its constructor would write a marker file), and say on stderr,
# once, when it falls back to the interpreter.
#
#   tests/compile_cache/run.sh /path/to/ddx
#
# Cases that need a second user (chown to nobody, running as nobody) need root; without it
# they are skipped with the reason printed. The last line is "N passed, M failed"; exit
# status 1 if any failed.

set -u
export LC_ALL=C

. "$(dirname "$0")/../lib/ddx_path.sh"
ddx_path "" "$@"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ddx-compile-cache.XXXXXX")
trap 'chmod -R u+rwX "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
unset XDG_CACHE_HOME CC
export HOME=$TMP/home
mkdir -p "$HOME"

passed=0
failed=0
fail() { echo "FAIL $case: $1"; bad=1; }
begin() { case=$1; bad=0; }
end() { if [ "$bad" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; }

SCRIPT='minimize((x - 3)^2 + 1, [x], [0])
minimize((x - 1)^2 + (y + 2)^4, [x, y], [0, 0], method = "newton")'
mkdir -m 0777 "$TMP/markers"  # the planted object, whoever runs it, could write its marker
MARKER=$TMP/markers/marker

# run [ENV...]: runs the script with the environment changed, leaving $TMP/out, $TMP/err, $st.
run() {
    env "$@" timeout 60 "$DDX" -e "$SCRIPT" < /dev/null > "$TMP/out" 2> "$TMP/err"
    st=$?
}

# expect_right: the output of a clean run, nothing on stderr, no marker.
expect_right() {
    [ "$st" = 0 ] || fail "exit status $st"
    cmp -s "$TMP/out" "$TMP/expected" || fail "stdout differs: $(head -c 300 "$TMP/out")"
    [ -s "$TMP/err" ] && fail "stderr: $(head -c 300 "$TMP/err")"
    [ -e "$MARKER" ] && fail "the planted object ran"
    rm -f "$MARKER"
}

mode_of() { stat -c %a "$1"; }

# A shared object defining ddx_function with wrong values, whose constructor writes $MARKER.
cat > "$TMP/planted.c" <<EOF
#include <stdio.h>
__attribute__((constructor)) static void planted(void) {
    FILE *f = fopen("$MARKER", "w");
    if (f) { fputs("the planted object ran\n", f); fclose(f); }
}
void ddx_function(const double *in, double *out) { (void)in; out[0] = -12345.0; }
EOF
if ! cc -shared -fPIC -o "$TMP/planted.so" "$TMP/planted.c"; then
    echo "FAIL setup: cannot build the planted object with cc"
    echo "0 passed, 1 failed"
    exit 1
fi

# copy_cache DIR: a copy of the clean cache's entries in DIR/ddx.
copy_cache() {
    mkdir -p "$1"
    cp -a "$TMP/clean/ddx" "$1/ddx"
}
# plant DIR: every object in DIR/ddx replaced by the planted one (owned by this user, 0755).
plant() {
    local object
    for object in "$1"/ddx/*/object.so; do
        cp "$TMP/planted.so" "$object"
        chmod 0755 "$object"
    done
}

# --- a clean cache: the expected output, entries made 0700
begin clean
run XDG_CACHE_HOME="$TMP/clean"
cp "$TMP/out" "$TMP/expected"
[ "$st" = 0 ] || fail "exit status $st"
grep -q '^\[x = 2.99999' "$TMP/expected" || fail "unexpected output: $(head -c 300 "$TMP/expected")"
entries=$(ls "$TMP/clean/ddx" | wc -l)
[ "$entries" -ge 1 ] || fail "no cache entries"
[ "$(mode_of "$TMP/clean/ddx")" = 700 ] || fail "cache mode $(mode_of "$TMP/clean/ddx")"
for entry in "$TMP"/clean/ddx/*; do
    for file in source.c build.txt object.so; do
        [ -f "$entry/$file" ] || fail "no $file in $entry"
    done
done
[ -s "$TMP/err" ] && fail "stderr: $(cat "$TMP/err")"
end

# --- control: the planted object does run when placed in this user's own cache with the
# right records (ddx trusts its own cache, by design), so the marker checks below can fail
begin control
copy_cache "$TMP/own"
plant "$TMP/own"
run XDG_CACHE_HOME="$TMP/own"
[ -e "$MARKER" ] || fail "the planted object did not run where it is trusted: the other cases prove nothing"
rm -f "$MARKER"
end

# --- the ddx directory world-writable
begin world-writable
copy_cache "$TMP/open"
plant "$TMP/open"
chmod 0777 "$TMP/open/ddx"
run XDG_CACHE_HOME="$TMP/open"
expect_right
[ "$(ls -A "$TMP/open/ddx" | wc -l)" = "$entries" ] || fail "something was written into the world-writable directory"
end

# --- the directory above it world-writable (no sticky bit)
begin parent-world-writable
copy_cache "$TMP/open-parent"
plant "$TMP/open-parent"
chmod 0777 "$TMP/open-parent"
run XDG_CACHE_HOME="$TMP/open-parent"
expect_right
end

# --- objects cut in half: rebuilt, and whole again afterwards
begin truncated
copy_cache "$TMP/cut"
for object in "$TMP"/cut/ddx/*/object.so; do
    size=$(stat -c %s "$object")
    truncate -s $((size / 2)) "$object"
done
run XDG_CACHE_HOME="$TMP/cut"
expect_right
for entry in "$TMP"/cut/ddx/*; do
    whole=$TMP/clean/ddx/$(basename "$entry")/object.so
    [ "$(stat -c %s "$entry/object.so")" -ge "$(stat -c %s "$whole")" ] || fail "$entry/object.so was not rebuilt"
done
end

# --- a recorded source that differs: rebuilt
begin other-source
copy_cache "$TMP/other"
plant "$TMP/other"
for source in "$TMP"/other/ddx/*/source.c; do
    echo "/* changed */" >> "$source"
done
run XDG_CACHE_HOME="$TMP/other"
expect_right
for entry in "$TMP"/other/ddx/*; do
    cmp -s "$entry/source.c" "$TMP/clean/ddx/$(basename "$entry")/source.c" || fail "$entry/source.c was not rewritten"
done
end

# --- builds killed on the way: their .build-XXXXXX removed a day later, not before
begin stale_builds
mkdir -p "$TMP/stale/ddx" && chmod 700 "$TMP/stale/ddx"
mkdir "$TMP/stale/ddx/.build-old123" "$TMP/stale/ddx/.build-new123"
echo 'half a source' > "$TMP/stale/ddx/.build-old123/source.c"
touch -d '2 days ago' "$TMP/stale/ddx/.build-old123"
run XDG_CACHE_HOME="$TMP/stale"
cmp -s "$TMP/out" "$TMP/expected" || fail "output differs"
[ -e "$TMP/stale/ddx/.build-old123" ] && fail "a build left two days ago is still there"
[ -d "$TMP/stale/ddx/.build-new123" ] || fail "a build of today was removed"
end

# --- no cache at all: a private directory in TMPDIR, removed at exit
begin no-home
mkdir -p "$TMP/private-tmp"
run -u HOME -u XDG_CACHE_HOME TMPDIR="$TMP/private-tmp"
expect_right
[ -z "$(ls -A "$TMP/private-tmp")" ] || fail "the private directory was left behind: $(ls -A "$TMP/private-tmp")"
end

# --- caches that cannot be used or written
for where in /proc file readonly; do
    begin "unwritable-$where"
    case $where in
        /proc) xdg=/proc ;;
        file) xdg=$TMP/a-file; echo "not a directory" > "$xdg" ;;
        readonly) xdg=$TMP/readonly; mkdir -p "$xdg/ddx"; chmod 0500 "$xdg/ddx" ;;
    esac
    run XDG_CACHE_HOME="$xdg" TMPDIR="$TMP"
    expect_right
    end
done

# --- no compiler: the same output, and one note on stderr for both minimize calls
begin no-compiler
run XDG_CACHE_HOME="$TMP/nocc" CC="$TMP/no-such-cc"
[ "$st" = 0 ] || fail "exit status $st"
cmp -s "$TMP/out" "$TMP/expected" || fail "stdout differs: $(head -c 300 "$TMP/out")"
note="ddx: compiled evaluation unavailable, interpreting instead (no C compiler ($TMP/no-such-cc) could be run)"
[ "$(cat "$TMP/err")" = "$note" ] || fail "stderr is not the one note: $(head -c 300 "$TMP/err")"
end

# --- another user's objects, and another user's cache
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
    begin owned-by-nobody
    copy_cache "$TMP/nob"
    plant "$TMP/nob"
    chown nobody "$TMP"/nob/ddx/*/object.so
    run XDG_CACHE_HOME="$TMP/nob"
    expect_right
    for object in "$TMP"/nob/ddx/*/object.so; do
        [ "$(stat -c %u "$object")" = 0 ] || fail "$object was not replaced"
    done
    end

    begin run-as-nobody
    # nobody runs ddx with root's cache, planted: not its own, so not used
    chmod 0755 "$TMP"
    copy_cache "$TMP/rootcache"
    plant "$TMP/rootcache"
    chmod 0755 "$TMP/rootcache" "$TMP/rootcache/ddx"
    mkdir -p "$TMP/nobody-tmp"
    chown nobody "$TMP/nobody-tmp"
    chmod 0700 "$TMP/nobody-tmp"
    if command -v setpriv > /dev/null; then
        as_nobody=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups)
    else
        as_nobody=(runuser -u nobody --)
    fi
    # the build may sit below a directory only its owner can enter (a clone in mktemp -d):
    # then nobody runs a copy of the program
    nobody_ddx=$DDX
    if ! "${as_nobody[@]}" test -x "$DDX"; then
        nobody_ddx=$TMP/ddx-for-nobody
        cp "$DDX" "$nobody_ddx" && chmod 0755 "$nobody_ddx"
    fi
    # and so may a sanitizer build's leak suppressions (LSAN_OPTIONS=suppressions=FILE:...)
    lsan_options=${LSAN_OPTIONS:-}
    if [[ "$lsan_options" == *suppressions=* ]]; then
        suppressions=${lsan_options#*suppressions=}
        suppressions=${suppressions%%:*}
        if ! "${as_nobody[@]}" test -r "$suppressions"; then
            cp "$suppressions" "$TMP/lsan.supp" && chmod 0644 "$TMP/lsan.supp"
            lsan_options=${lsan_options/"$suppressions"/"$TMP/lsan.supp"}
        fi
    fi
    env XDG_CACHE_HOME="$TMP/rootcache" TMPDIR="$TMP/nobody-tmp" HOME=/nonexistent LSAN_OPTIONS="$lsan_options" \
        "${as_nobody[@]}" timeout 60 "$nobody_ddx" -e "$SCRIPT" < /dev/null > "$TMP/out" 2> "$TMP/err"
    st=$?
    chmod 0700 "$TMP"
    expect_right
    [ -z "$(ls -A "$TMP/nobody-tmp")" ] || fail "the private directory was left behind"
    end
else
    echo "skipped: owned-by-nobody and run-as-nobody need root and a user nobody (this runs as uid $(id -u))"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
