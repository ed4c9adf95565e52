#!/usr/bin/env bash
# No input may crash or hang the program: runs the ddx program on
#   - every script in tests/fuzz/corpus and tests/fuzz/regressions (--timeout 10, killed
#     after 20 s), and
#   - COUNT scripts from the grammar generator gen_scripts.py with seed SEED (--timeout 5,
#     killed after 10 s),
# and checks that each exits with status 0 or 1 (never a signal, never killed).
#
#   tests/fuzz/check.sh /path/to/ddx [COUNT [SEED]]     (default 300 scripts, seed 1)
#
# Scripts run in a scratch directory (plot may write files) under ulimit -v 8 GiB.
# The last line is "N passed, M failed"; exit status 1 if any failed.

set -u
export LC_ALL=C

. "$(dirname "$0")/../lib/ddx_path.sh"
ddx_path "[COUNT [SEED]]" "$@"
COUNT=${2:-300}
SEED=${3:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ddx-fuzz-check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/scratch" "$TMP/generated"
export XDG_CACHE_HOME=$TMP/cache   # minimize and fit compile C code into a cache

if [ ! -x "$DDX" ]; then
    echo "error: $DDX is not an executable" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

MEMORY_KB=8388608   # ulimit -v for every run (not for a sanitizer build: AddressSanitizer
grep -qa __asan_init "$DDX" && MEMORY_KB=unlimited   # reserves terabytes of address space)

passed=0
failed=0

# check FILE TIMEOUT KILL: runs one script
check() {
    local file=$1 limit=$2 kill=$3 st start ms
    start=$(date +%s%N)
    (
        ulimit -v $MEMORY_KB
        cd "$TMP/scratch" || exit 1
        exec timeout -k 2 "$kill" "$DDX" --timeout "$limit" "$file" < /dev/null
    ) > /dev/null 2> "$TMP/err"
    st=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    case $st in
        0|1) passed=$((passed + 1)); return ;;
        124|137) echo "FAIL ${file#"$HERE"/}: no answer within ${kill} s (with --timeout $limit)" ;;
        *) if [ "$st" -gt 128 ]; then
               echo "FAIL ${file#"$HERE"/}: killed by signal $((st - 128)) after ${ms} ms"
           else
               echo "FAIL ${file#"$HERE"/}: exit status $st"
           fi ;;
    esac
    failed=$((failed + 1))
    head -n 3 "$TMP/err" | cut -c 1-200 | sed 's/^/    stderr: /'
    head -c 300 "$file" | cat -v | sed 's/^/    input: /'
    echo
}

for f in "$HERE"/corpus/* "$HERE"/regressions/*.ddx; do
    [ -f "$f" ] || continue
    check "$f" 10 20
done

if [ "$COUNT" -gt 0 ]; then
    if ! python3 "$HERE/gen_scripts.py" "$SEED" "$COUNT" "$TMP/generated"; then
        echo "FAIL gen_scripts.py"
        failed=$((failed + 1))
    fi
    for f in "$TMP"/generated/*.ddx; do
        [ -f "$f" ] || continue
        check "$f" 5 10
    done
    [ "$failed" -gt 0 ] && echo "(generated scripts: python3 tests/fuzz/gen_scripts.py $SEED $COUNT DIR writes them again)"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
