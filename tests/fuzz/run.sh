#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer + UBSan) in a separate build
# directory and runs each for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS]        SECONDS per target (default 60)
#
# Environment: BUILD_DIR (default build-fuzz, relative to the repository), TARGETS (default
# "parser interpreter grammar"), JOBS (parallel fuzzing jobs per target, default 1).
#
# Each target runs in libFuzzer's fork mode and keeps going after a crash, a leak or a
# timeout. Its corpus grows in BUILD_DIR/fuzz-corpus/TARGET (kept between runs; the seeds
# are tests/fuzz/corpus), the log is BUILD_DIR/fuzz-TARGET.log. Every finding is re-run to
# get its signature (the first line of the report); one input per new signature is copied to
# tests/fuzz/regressions/ as a ddx script (for fuzz_grammar, the script its bytes stand for),
# which the ctest test fuzz_corpus then runs through the ddx program.
# Exit status: 0 if no target found anything, 1 otherwise (2: could not build).

set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SECONDS_PER_TARGET=${1:-60}
BUILD=${BUILD_DIR:-build-fuzz}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
TARGETS=${TARGETS:-parser interpreter grammar}
JOBS=${JOBS:-1}
REGRESSIONS=$HERE/regressions

if ! command -v clang++ > /dev/null; then
    echo "run.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi

# ---------------------------------------------------------------- build
if ! grep -qs '^DDX_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
    cmake -S "$ROOT" -B "$BUILD" -DDDX_FUZZ=ON -DDDX_BUILD_TESTS=OFF -DDDX_BUILD_EXAMPLES=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
        > "$BUILD.configure.log" 2>&1 || { cat "$BUILD.configure.log" >&2; exit 2; }
fi
cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_targets > "$BUILD/build.log" 2>&1 \
    || { tail -n 40 "$BUILD/build.log" >&2; exit 2; }

export LSAN_OPTIONS="suppressions=$HERE/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}allocator_may_return_null=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# signature FILE TARGET: the first line of the report when the target runs FILE again.
signature() {
    local file=$1 target=$2 log
    log=$(timeout 60 "$BUILD/tests/fuzz/fuzz_$target" -runs=1 -timeout=10 "$file" 2>&1)
    case $? in
        124) echo "timeout (over 60 s)"; return ;;
    esac
    local line
    line=$(printf '%s\n' "$log" | grep -m1 -A1 'ddx fuzz finding:' | tr '\n' ' ')
    [ -n "$line" ] || line=$(printf '%s\n' "$log" | grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY:')
    if printf '%s\n' "$log" | grep -q 'LeakSanitizer'; then
        # where the leaked block was allocated: the first frame in ddx's code
        line="$line $(printf '%s\n' "$log" | grep -m1 -E '#[0-9]+ .* in ddx::' | sed 's/.* in //')"
    fi
    [ -n "$line" ] || line="no longer reproduces"
    printf '%s\n' "$line" | sed -e 's/==[0-9]*==//g' -e 's/0x[0-9a-f]*//g' | cut -c 1-200
}

# script_of FILE TARGET: the ddx script an input stands for.
script_of() {
    if [ "$2" = grammar ]; then
        DDX_FUZZ_PRINT=1 timeout 60 "$BUILD/tests/fuzz/fuzz_grammar" -runs=0 "$1" 2>&1 \
            | awk '/^---- script:$/ { on = 1; next } /^----$/ { if (on) exit } on'
    else
        cat "$1"
    fi
}

status=0
summary=()
mkdir -p "$REGRESSIONS"
for target in $TARGETS; do
    exe=$BUILD/tests/fuzz/fuzz_$target
    corpus=$BUILD/fuzz-corpus/$target
    artifacts=$BUILD/fuzz-artifacts/$target
    log=$BUILD/fuzz-$target.log
    mkdir -p "$corpus" "$artifacts"
    options=(-timeout=10 -rss_limit_mb=3072 -max_total_time="$SECONDS_PER_TARGET")
    case $target in
        parser) options+=(-max_len=4096 -dict="$HERE/ddx.dict") ;;
        interpreter) options+=(-max_len=2048 -dict="$HERE/ddx.dict") ;;
        grammar) options+=(-max_len=512) ;;
    esac
    echo "== fuzz_$target: ${SECONDS_PER_TARGET}s (log: $log)"
    before=$(ls "$artifacts" | wc -l)
    "$exe" -fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="$artifacts/" "${options[@]}" "$corpus" "$HERE/corpus" > "$log" 2>&1
    # fork mode: "#N: cov: C ft: F corp: K exec/s: E oom/timeout/crash: a/b/c time: Ts ..."
    last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)
    runs=$(printf '%s' "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    elapsed=$(printf '%s' "$last" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
    rate=
    [ -n "$runs" ] && [ "${elapsed:-0}" -gt 0 ] && rate=$((runs / elapsed))
    cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    found=$(printf '%s' "$last" | sed -n 's/.*oom\/timeout\/crash: \([0-9\/]*\).*/\1/p')
    echo "   ${runs:-?} runs, ${rate:-?} exec/s, coverage ${cov:-?}, oom/timeout/crash ${found:-?}"
    summary+=("fuzz_$target: ${rate:-?} exec/s, ${runs:-?} runs, oom/timeout/crash ${found:-0/0/0}")

    # findings: one regression per new signature
    declare -A seen=()
    for f in "$REGRESSIONS"/*.sig; do
        [ -f "$f" ] && seen["$(cat "$f")"]=1
    done
    new=0
    for a in $(ls -tr "$artifacts"); do
        case $a in crash-*|leak-*|timeout-*|oom-*|slow-unit-*) ;; *) continue ;; esac
        file=$artifacts/$a
        sig=$(signature "$file" "$target")
        [ "$sig" = "no longer reproduces" ] && continue
        key="$target: $sig"
        if [ -z "${seen[$key]:-}" ]; then
            seen[$key]=1
            name=$target-${a%%-*}-$(sha1sum < "$file" | cut -c 1-12)
            script_of "$file" "$target" > "$REGRESSIONS/$name.ddx"
            printf '%s\n' "$key" > "$REGRESSIONS/$name.sig"
            echo "   NEW FINDING: $sig"
            echo "     input: tests/fuzz/regressions/$name.ddx (raw: $file)"
            new=$((new + 1))
        fi
    done
    unset seen
    total=$(( $(ls "$artifacts" | wc -l) - before ))
    if [ "$total" -gt 0 ]; then
        status=1
        echo "   $total finding(s) in this run, $new with a new signature"
    fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
