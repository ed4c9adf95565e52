#!/usr/bin/env bash
# End-to-end tests: run the real ddx binary on the scripts in cases/ and compare.
#
#   tests/e2e/run.sh /path/to/ddx [NAME...]
#
# A case is cases/NAME.ddx (the script) with
#   NAME.out     exact expected standard output (missing = empty)
#   NAME.err     exact expected standard error (optional; if missing, stderr must be
#                empty when the run succeeds, and start with "error: L:C: " when it fails)
#   NAME.status  expected exit status (optional, default 0)
# Each case is run as `ddx NAME.ddx`, as `ddx < NAME.ddx`, as `ddx -e "$(cat NAME.ddx)"`
# when the script is a single line, and with CRLF line endings (stdout and status only).
# A few direct checks follow. The last line is "N passed, M failed"; exit status 1 if any failed.

set -u
export LC_ALL=C

. "$(dirname "$0")/../lib/ddx_path.sh"
ddx_path "[case...]" "$@"
shift

HERE=$(cd "$(dirname "$0")" && pwd)
CASES=$HERE/cases
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ddx-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
LIMIT=10          # seconds per ddx run

passed=0
failed=0
failures=()
problems=()       # problems of the current case

problem() { problems+=("$1"); }

# run_ddx MODE FILE [DIR]: runs ddx in DIR (default: FILE's directory), leaving $TMP/out,
# $TMP/err and $st.
run_ddx() {
    local mode=$1 file=$2 dir=${3:-$(dirname "$2")}
    case $mode in
        file)  (cd "$dir" && timeout $LIMIT "$DDX" "$file") ;;
        stdin) (cd "$dir" && timeout $LIMIT "$DDX" < "$file") ;;
        e)     (cd "$dir" && timeout $LIMIT "$DDX" -e "$(cat "$file")" < /dev/null) ;;
    esac > "$TMP/out" 2> "$TMP/err"
    st=$?
}

show_diff() {   # show_diff LABEL EXPECTED_FILE ACTUAL_FILE
    problem "$1 differs (--- expected, +++ actual):"
    problems+=("$(diff -u --label expected --label actual "$2" "$3" | head -n 30 | cut -c 1-300)")
}

# check MODE NAME [stdout-only]: compares one run of a case with its expectations.
check() {
    local mode=$1 name=$2 only_out=${3:-}
    local exp_out=$CASES/$name.out exp_err=$CASES/$name.err exp_st=0
    [ -f "$exp_out" ] || exp_out=/dev/null
    [ -f "$CASES/$name.status" ] && exp_st=$(tr -d ' \r\n' < "$CASES/$name.status")
    if [ "$st" = 124 ]; then
        problem "[$mode] timed out after ${LIMIT}s"
        return
    fi
    if [ "$st" -ge 128 ]; then
        problem "[$mode] crashed: exit status $st (signal $((st - 128)))"
    elif [ "$st" != "$exp_st" ]; then
        problem "[$mode] exit status $st, expected $exp_st"
    fi
    cmp -s "$exp_out" "$TMP/out" || show_diff "[$mode] stdout" "$exp_out" "$TMP/out"
    [ -n "$only_out" ] && return
    if [ -f "$exp_err" ]; then
        cmp -s "$exp_err" "$TMP/err" || show_diff "[$mode] stderr" "$exp_err" "$TMP/err"
    elif [ "$exp_st" = 0 ]; then
        [ -s "$TMP/err" ] && show_diff "[$mode] stderr" /dev/null "$TMP/err"
    elif ! head -n 1 "$TMP/err" | grep -Eq '^error: [0-9]+:[0-9]+: .'; then
        problem "[$mode] stderr does not start with 'error: LINE:COLUMN: ':"
        problems+=("$(head -n 3 "$TMP/err")")
    fi
}

finish() {      # finish NAME: counts the case and prints its problems
    if [ ${#problems[@]} -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$1")
        echo "FAIL $1"
        printf '%s\n' "${problems[@]}" | sed 's/^/    /'
    fi
    problems=()
}

# ---------------------------------------------------------------- cases
if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for f in "$CASES"/*.ddx; do
        n=$(basename "$f" .ddx)
        names+=("$n")
    done
fi

for name in "${names[@]}"; do
    script=$CASES/$name.ddx
    if [ ! -f "$script" ]; then
        problem "no such case: $script"
        finish "$name"
        continue
    fi
    run_ddx file "$script";  check file "$name"
    run_ddx stdin "$script"; check stdin "$name"
    # -e for a single-line script ($(cat) drops the final newline)
    if [ "$(tr -cd '\n' < "$script" | wc -c)" -le 1 ]; then
        run_ddx e "$script"; check -e "$name"
    fi
    # CRLF line endings must be accepted and give the same results
    # (the copy is not written beside the case: two runs at once would share it)
    sed 's/$/\r/' "$script" > "$TMP/crlf_case.ddx"
    run_ddx stdin "$TMP/crlf_case.ddx" "$(dirname "$script")"; check crlf "$name" stdout-only
    finish "$name"
done

# ---------------------------------------------------------------- direct checks
if [ $# -eq 0 ]; then

# --version prints a version
out=$(timeout $LIMIT "$DDX" --version 2>&1); st=$?
[ "$st" = 0 ] || problem "ddx --version: exit status $st"
echo "$out" | grep -Eq '[0-9]+\.[0-9]+' || problem "ddx --version printed no version: '$out'"
finish direct_version

# a missing script file: exit 1, an error on stderr, nothing on stdout
(cd "$TMP" && timeout $LIMIT "$DDX" nonexistent_file > "$TMP/out" 2> "$TMP/err"); st=$?
[ "$st" = 1 ] || problem "ddx nonexistent_file: exit status $st, expected 1"
[ -s "$TMP/out" ] && problem "ddx nonexistent_file: printed on stdout: $(head -c 200 "$TMP/out")"
grep -q '^error: .*nonexistent_file' "$TMP/err" || problem "ddx nonexistent_file: stderr is not an error naming the file: $(head -c 200 "$TMP/err")"
finish direct_missing_file

# a NUL byte: earlier statements print, then an error at its line and column, exit 1
printf '1\n2\0003\n4\n' > "$TMP/nul.ddx"
for mode in file stdin; do
    run_ddx $mode "$TMP/nul.ddx"
    [ "$st" = 1 ] || problem "[$mode] NUL byte: exit status $st, expected 1"
    [ "$(cat "$TMP/out")" = 1 ] || problem "[$mode] NUL byte: stdout '$(head -c 100 "$TMP/out")', expected '1'"
    head -n 1 "$TMP/err" | grep -q '^error: 2:2: ' || problem "[$mode] NUL byte: stderr $(head -n 1 "$TMP/err" | cat -v), expected 'error: 2:2: ...'"
done
finish direct_nul_byte

# CRLF line endings, a lone CR at the end, and a last line without newline
printf 'x - y\r\n1/3 + 1\r\n# comment\r\ndiff(x^3, x)\r\n' > "$TMP/crlf.ddx"
run_ddx file "$TMP/crlf.ddx"
[ "$st" = 0 ] && [ "$(cat "$TMP/out")" = $'x - y\n4/3\n3*x^2' ] && [ ! -s "$TMP/err" ] \
    || problem "CRLF script: status $st, stdout '$(cat -v "$TMP/out")', stderr '$(head -n 3 "$TMP/err")'"
printf '1 + 1\n2 + 2' > "$TMP/nonl.ddx"
run_ddx stdin "$TMP/nonl.ddx"
[ "$st" = 0 ] && [ "$(cat "$TMP/out")" = $'2\n4' ] || problem "script without final newline: status $st, stdout '$(cat -v "$TMP/out")'"
printf '1 + 1\r\n2 +\r\n' > "$TMP/crlferr.ddx"
run_ddx stdin "$TMP/crlferr.ddx"
{ [ "$st" = 1 ] && [ "$(cat "$TMP/out")" = 2 ] && head -n 1 "$TMP/err" | grep -q '^error: 2:4: '; } \
    || problem "CRLF error position: status $st, stderr '$(head -n 1 "$TMP/err" | cat -v)', expected 'error: 2:4: ...'"
finish direct_crlf

# -e with several lines and statements; empty input
out=$(timeout $LIMIT "$DDX" -e $'1 + 1\nx = 2; x^2' 2>&1); st=$?
[ "$st" = 0 ] && [ "$out" = $'2\n4' ] || problem "-e with two lines: status $st, output '$out'"
# several -e: their texts run as successive lines of one script (errors count lines across)
out=$(timeout $LIMIT "$DDX" -e 'L = x^2*y' -e 'grad(L, [x, y])' 2>&1); st=$?
[ "$st" = 0 ] && [ "$out" = '[2*x*y, x^2]' ] || problem "two -e: status $st, output '$out'"
out=$(timeout $LIMIT "$DDX" -e '1' -e '2 +' 2>&1); st=$?
[ "$st" = 1 ] && [[ "$(head -n 2 <<<"$out")" == $'1\nerror: 2:4: unexpected end of input'* ]] || problem "two -e, error in the second: status $st, output '$out'"
out=$(timeout $LIMIT "$DDX" < /dev/null 2>&1); st=$?
[ "$st" = 0 ] && [ -z "$out" ] || problem "empty standard input: status $st, output '$out'"
: > "$TMP/empty.ddx"
run_ddx file "$TMP/empty.ddx"
[ "$st" = 0 ] && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] || problem "empty script: status $st"
finish direct_entry_points

# a stop (here the memory budget) names the statement it ended, wherever it struck
out=$(timeout $LIMIT "$DDX" --memory 50 -e 'y = 1; expand((a + b + c + d + e)^40)' 2>&1 >/dev/null); st=$?
[ "$st" = 1 ] && [ "$(head -n 1 <<<"$out")" = "error: 1:8: memory budget exceeded (raise it with --memory MEGABYTES)" ] \
    || problem "memory stop: status $st, stderr '$(head -n 1 <<<"$out")'"
finish direct_stop_position

# no input may crash the program: exit status 0 or 1, never a signal or a hang
i=0
while IFS= read -r text; do
    i=$((i + 1))
    timeout $LIMIT "$DDX" -e "$text" > /dev/null 2> "$TMP/err"; st=$?
    case $st in
        0|1) ;;
        124) problem "no-crash input $i '${text:0:60}': timed out" ;;
        *)   problem "no-crash input $i '${text:0:60}': exit status $st" ;;
    esac
done <<EOF
$(printf -- '-%.0s' $(seq 20000))x
$(printf '[%.0s' $(seq 3000))
$(printf 'sin(%.0s' $(seq 3000))x
$(printf 'x^%.0s' $(seq 3000))2
x^^2
f(x) = x; f'(x)(1)
f'
''
"unterminated
diff(x^2, [x])
eval(x, x = [1, 2])
eval([], x = 1)
grad(x, [])
jacobian([], [x])
hessian(x, [])
diff(x, x, 1000)
1e999999999999
evalf(pi, digits = 100000)
series(1/x, x, 0, 3)
series(exp(x), x, 0, 0)
0^0
0.0^0
(-8)^(1/3)
log(0)
atanh(1)
eval(atanh(x), x = 1)
sqrt(-1)
eval(sqrt(x), x = -1)
x = x + 1; x
f(x) = x; f = 2; f
subs(x, x = x)
latex("s")
simplify([x, [y]])
diff([x^2, [x^3]], x)
1..2
x = ; y
@#\$%
EOF
finish direct_no_crash

fi

# ---------------------------------------------------------------- summary
if [ $failed -gt 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
