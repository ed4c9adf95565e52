#!/usr/bin/env bash
# The catalogue of bad and extreme inputs: what ddx must do with each, run against the
# real program.
#
#   tests/catalogue/run.sh /path/to/ddx [NAME...]
#
# Every case states the whole expected outcome:
#   LIMIT   seconds within which ddx must have answered (it is killed after that: a hang)
#   STATUS  exit status (0 or 1; 2 for a bad command line; '*' when the check decides)
#   STDOUT  exact standard output without its final newline, or '!SHELL-CHECK' run with
#           $OUT, $ERR and $ST set (for outputs too large to spell out)
#   STDERR  an extended regular expression the first line of standard error must match, or
#           empty: standard error must be empty
# then ddx's own options (before the script file). A leading option '@stdin' or '@e' runs
# the script from standard input or as -e TEXT instead of as a file.
# The expectations say what is RIGHT by ddx's documentation (README.md, docs/language.md): an
# error is `error: LINE:COLUMN: message` on stderr, exit status 1, nothing on stdout for the
# failing statement, and no input may crash or hang the program. It is part of `make test`
# (ctest's `catalogue`), so every case must pass.
#
# Each run is under `timeout` and `ulimit -v` (8 GiB), two at a time; the whole catalogue
# takes well under a minute. Output: one line per failure (with what differs), then
# "N passed, M failed"; exit status 1 if any failed.

set -u
export LC_ALL=C

. "$(dirname "$0")/../lib/ddx_path.sh"
ddx_path "[case...]" "$@"
shift
ONLY=("$@")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ddx-catalogue.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
MEMORY_KB=8388608   # ulimit -v for every run: the catalogue must never take the machine
# (not for a sanitizer build: AddressSanitizer reserves terabytes of address space,
# and, slower by a few times, it gets LIMIT_FACTOR times each time limit)
LIMIT_FACTOR=1
grep -qa __asan_init "$DDX" && MEMORY_KB=unlimited && LIMIT_FACTOR=4
PARALLEL=2

names=()
declare -A c_limit c_status c_stdout c_stderr c_args

IN=""  # the script of the next case
# input TEXT: the script is TEXT and a newline.
input() { IN=$TMP/next.in; printf '%s\n' "$1" > "$IN"; }
# input_raw FORMAT [ARGS]: the script is printf's output (exact bytes).
input_raw() { IN=$TMP/next.in; printf "$@" > "$IN"; }
# input_from COMMAND...: the script is the command's output.
input_from() { IN=$TMP/next.in; "$@" > "$IN"; }

# expect NAME LIMIT STATUS STDOUT STDERR [DDX-OPTIONS...]
expect() {
    local name=$1
    if [ -n "${c_limit[$name]:-}" ]; then
        echo "catalogue: case $name defined twice" >&2
        exit 2
    fi
    names+=("$name")
    c_limit[$name]=$2
    c_status[$name]=$3
    c_stdout[$name]=$4
    c_stderr[$name]=$5
    shift 5
    c_args[$name]="$*"
    mv "$IN" "$TMP/$name.in"
}

repeat() { # repeat TEXT N: TEXT N times, no newline
    local text=$1 n=$2
    yes -- "$text" | head -n "$n" | tr -d '\n'
}

CLEAR_LIMIT='^error: [0-9]+:[0-9]+: .*(limit|too (large|big|many|long|deep)|exceed|at most|above)'
# the value, or a clear error naming a limit
VALUE_OR_LIMIT='{ [ "$ST" = 0 ] && [ "$(cat "$OUT")" = "$WANT" ]; } || { [ "$ST" = 1 ] && [ ! -s "$OUT" ] && head -n 1 "$ERR" | grep -Eq "$CLEAR_LIMIT"; }'

# ======================================================================== nesting depth
# Input nested deeper than 1000 levels is an error, not a stack overflow; 1000 is allowed.
input_from bash -c "$(declare -f repeat); repeat '(' 200000; printf x; repeat ')' 200000; echo"
expect nesting_parens_200k 5 1 '' '^error: 1:1002: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat '-' 200000; echo x"
expect nesting_minus_200k 5 1 '' '^error: 1:1002: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat '+' 200000; echo x"
expect nesting_plus_200k 5 1 '' '^error: 1:1002: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat 'x^' 200000; echo 2"
expect nesting_power_chain_200k 5 1 '' '^error: 1:2003: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat '[' 200000; printf x; repeat ']' 200000; echo"
expect nesting_brackets_200k 5 1 '' '^error: 1:1002: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat 'sin(' 200000; printf x; repeat ')' 200000; echo"
expect nesting_calls_200k 5 1 '' '^error: 1:4005: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat '-(' 100000; printf x; repeat ')' 100000; echo"
expect nesting_mixed_100k 5 1 '' '^error: 1:[0-9]+: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); echo 1; repeat '(' 5000; echo"
expect nesting_unclosed_line2 5 1 '1' '^error: 2:1002: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat '(' 1000; printf x; repeat ')' 1000; echo"
expect nesting_1000_ok 5 0 'x' ''
input_from bash -c "$(declare -f repeat); repeat '(' 1001; printf x; repeat ')' 1001; echo"
expect nesting_1001_refused 5 1 '' '^error: 1:1002: .*nested deeper than 1000'
input_from bash -c "$(declare -f repeat); repeat '[' 500; printf x; repeat ']' 500; echo"
expect nesting_list_500_ok 5 0 "$(repeat '[' 500)x$(repeat ']' 500)" ''
input_from bash -c "$(declare -f repeat); repeat 'sin(' 900; printf x; repeat ')' 900; echo"
expect nesting_sin_900_ok 5 0 "$(repeat 'sin(' 900)x$(repeat ')' 900)" ''

# ======================================================================== huge powers
# A result too large to compute must be a quick, clear error naming the limit; the same
# power left unexpanded is fine.
input 'expand((x + y)^100000000)'
expect expand_huge_power 4 1 '' "$CLEAR_LIMIT"
input '(x + y)^100000000'
expect huge_power_unexpanded 4 0 '(x + y)^100000000' ''
input 'x^(10^30)'
expect symbol_huge_exponent 4 0 'x^1000000000000000000000000000000' ''
input 'diff(x^(10^9), x)'
expect diff_huge_exponent 4 0 '1000000000*x^999999999' ''
input '2^(10^12)'
expect integer_power_huge 4 1 '' "$CLEAR_LIMIT"
input '(2/3)^(10^10)'
expect rational_power_huge 4 1 '' "$CLEAR_LIMIT"
input '9^9^9'
expect power_tower_huge 4 1 '' "$CLEAR_LIMIT"
input '2^100'
expect integer_power_ok 4 0 '1267650600228229401496703205376' ''
input 'evalf(2^100000, digits = 5)'
expect integer_power_100000_evalf 4 0 '9.9900e30102' ''
input '2.0^(10^30)'
expect float_power_overflow 4 0 'inf' ''
input "f(x) = x^2
expand($(repeat 'f(' 21)x + 1$(repeat ')' 21))"
expect composed_square_expand 4 1 '' "^error: 2:[0-9]+: .*(limit|too (large|big|many)|exceed)"
input 'factor((0.25/(exp(12345678901234567890) + E - x) + 4)^2)'
expect factor_float_exp_huge 4 '*' "!WANT='(0.25 - 4*x + 4*E + 4*exp(12345678901234567890))^2/(E - x + exp(12345678901234567890))^2'; $VALUE_OR_LIMIT" '' --timeout 1

# ======================================================================== derivative orders
input 'diff(x, x, 10^9)'
expect diff_order_1e9 4 1 '' '^error: 1:1[24]: diff: .*1000'
input 'diff(x, x, 99999999999999999999999)'
expect diff_order_huge_literal 4 1 '' '^error: 1:12: diff: .*1000'
input 'diff(x, x, -1)'
expect diff_order_negative 4 1 '' '^error: 1:12: diff: '
input 'diff(x^2, x, 1000)'
expect diff_order_1000_ok 4 0 '0' ''
input 'diff(x^2*y^2, x, 1000, y, 1000)'
expect diff_orders_two_vars_ok 4 0 '0' ''
input "diff(x^3, $(repeat 'x, ' 2000)x)"
expect diff_2001_variables 4 1 '' '^error: 1:[0-9]+: diff.*(at most|limit|above|1000)' 
input "sin$(repeat "'" 100000)(x)"
expect primes_100000 4 1 '' '^error: 1:[0-9]+: .*(limit|above).*1000'
input "f(x) = exp(x^2)
f$(repeat "'" 1001)(x)"
expect primes_user_1001 4 1 '' '^error: 2:[0-9]+: .*(limit|above).*1000'
# (diff(tan(x), x, 1000) itself answers in about 0.6 s: its 1.2 MB are no longer a timeout)
input 'diff(tan(x)/(1 + x^2), x, 1000)'
expect diff_tan_1000_timeout 4 1 '' '^error: 1:[0-9]+: time limit exceeded' --timeout 1
# past the stepwise budget and the plain derivative's bound the orders left grow without end
# (sin(sqrt(x)) is no generator: its argument is not a rational function): an error naming
# the limit
input 'diff(exp(exp(x))*sin(sqrt(x)), x, 200)'
expect diff_expexp_200_operands 60 1 '' '^error: 1:1: .*above the limit of ddx::limits::derivative_operands'

# ======================================================================== evalf digits
input 'evalf(pi, digits = 10000)'
expect evalf_digits_10000 4 0 '![ "$(head -c 22 "$OUT")" = 3.14159265358979323846 ] && [ "$(wc -c < "$OUT")" = 10002 ]' ''
input 'evalf(1/3, digits = 1)'
expect evalf_digits_one 4 0 '0.3' '' --timeout 1
input 'evalf(pi, digits = 10001)'
expect evalf_digits_10001 4 1 '' '^error: 1:[0-9]+: evalf: digits must be between 1 and 10000'
input 'evalf(pi, digits = 0)'
expect evalf_digits_zero 4 1 '' '^error: 1:[0-9]+: evalf: digits must be between 1 and 10000'
input 'evalf(pi, digits = 10^100)'
expect evalf_digits_googol 4 1 '' '^error: 1:[0-9]+: evalf: digits must be between 1 and 10000'
input 'evalf(pi, digits = 2.5)'
expect evalf_digits_fraction 4 1 '' '^error: 1:[0-9]+: evalf: digits must be a whole number'
input 'evalf(exp(10^10), digits = 5)'
expect evalf_exp_huge 4 '*' "!WANT=1.0778e4342944819; $VALUE_OR_LIMIT" ''
input 'evalf(exp(-10^10), digits = 5)'
expect evalf_exp_tiny 4 '*' "!WANT=9.2786e-4342944820; $VALUE_OR_LIMIT" ''
input 'evalf(11^12345678901234567890, digits = 5)'
expect evalf_huge_power 4 '*' "!WANT=1.0438e12856699701057912017; $VALUE_OR_LIMIT" '' --timeout 1

# ======================================================================== series
input 'series(atanh(b), x, 0, 3)'
expect series_atanh_constant 8 0 'atanh(b)' ''
input 'series(exp(x), x, 0, 101)'
expect series_order_101 4 1 '' '^error: 1:[0-9]+: series: .*100'
input 'series(1/x, x, 0, 3)'
expect series_laurent 4 0 '1/x' ''

# ======================================================================== user functions
input 'f(x) = f(x) + 1'
expect recursion_direct 4 1 '' '^error: 1:8: recursive definition'
input 'f(x) = g(x)
g(x) = f(x)'
expect recursion_through_unknown 4 0 '' ''  # g is an undefined function in f's body
input 'f(x) = x
g(x) = f(f(x))
f(x) = g(x)
f(2)'
expect recursion_by_redefinition 4 0 '2' ''
input "f(x) = x^2
$(repeat 'f(' 21)x$(repeat ')' 21)"
expect composition_power_ok 4 0 'x^2097152' ''
# 2^20 nested sin: GiNaC's work grows with the square of the depth (days here), so
# composition stops at the depth limit, at the definition that would cross it (f14, 2^14);
# 2^13 levels print (5 * 2^13 + 1 characters)
input_from bash -c 'echo "f0(x) = sin(x)"; for i in $(seq 1 13); do echo "f$i(x) = f$((i - 1))(f$((i - 1))(x))"; done; echo "f13(y)"'
expect composition_doubling_2e13 4 0 '!{ [ "$ST" = 0 ] && [ "$(wc -c < "$OUT")" = 40962 ] && [ "$(head -c 12 "$OUT")" = "sin(sin(sin(" ]; }' ''
input_from bash -c 'echo "f0(x) = sin(x)"; for i in $(seq 1 20); do echo "f$i(x) = f$((i - 1))(f$((i - 1))(x))"; done; echo "f20(y)"'
expect composition_doubling_2e20 4 1 '' '^error: 15:10: the result would nest deeper than 10000 levels \(the limit\)$'

# ======================================================================== time limit
# (GiNaC's factorization of a polynomial of degree 100001 runs for hours; x^100000 - 1 alone,
# a binomial, is factored through cyclotomic polynomials in 50 ms)
input '1
factor(expand((x^100000 - 1)*(x + 2)))
2'
expect timeout_script 4 1 '1' '^error: 2:1: time limit exceeded' --timeout 1
input 'y = 3^(10^9)
1'
# CLN's arithmetic cannot be stopped: the power is refused up front (a million digits at most)
expect timeout_bignum 4 1 '' '^error: 1:[0-9]+: (time limit exceeded|the exact power would have about)' --timeout 1
input '1
factor(expand((x^100000 - 1)*(x + 2)))'
expect timeout_stdin 4 1 '1' '^error: 2:1: time limit exceeded' @stdin --timeout 1
# 1.9e5 terms: the limit strikes while the value is being printed
input 'expand((a + b + c + d + e + f + g)^20)'
expect timeout_during_output 6 1 '' '^error: 1:[0-9]+: time limit exceeded' --timeout 1

# ======================================================================== memory budget
input 'expand((a + b + c + d + e)^40)'
expect memory_expand 10 1 '' '^error: 1:[0-9]+: memory budget exceeded' --memory 50
input 'y = expand((a + b + c + d + e)^20)
1'
expect memory_within_budget 10 0 '1' '' --memory 50
input 'y = 3^(10^9)
1'
expect memory_bignum 4 1 '' '^error: 1:[0-9]+: (memory budget exceeded|the exact power would have about)' --memory 50
# simplify's zero test evaluates sums at points: there sinh(sinh(...)) reaches 10^(10^11) and
# its tangent, reduced modulo pi to all its digits, took 3 GB in 10 s (here: a budget error at
# once); such an argument has no value now, and the Hessian answers
input 'h = hessian(asinh(1 + (tan(sinh(sinh(asinh(1 + (exp(exp(x + z + y)))^2)*x)*x)))^2), [x, z, y])
1'
expect hessian_huge_tangent 10 0 '1' '' --memory 200

# ======================================================================== input hygiene
input_raw '1\n2\0003\n4\n'
expect nul_byte 4 1 '1' '^error: 2:2: '
input_raw 'x\377 + 1\n'
expect invalid_utf8 4 1 '' '^error: 1:2: unexpected character'
input_raw '1\n"\377\376"\n'
expect invalid_utf8_in_string 4 1 '1' '^error: 2:[0-9]+: .*(UTF-8|utf-8|byte)'
input_raw 'caf\303\251 = 1\n'
expect utf8_letter_in_name 4 1 '' '^error: 1:4: unexpected character'
input_raw 'x + 1\r\ndiff(x^2, x)\r\n'
expect crlf 4 0 'x + 1
2*x' ''
input_raw 'x\t+\t1\n\tsin(x)\t# tab\n'
expect tabs 4 0 'x + 1
sin(x)' ''
input_raw ''
expect empty_input 4 0 '' ''
input_raw '# only\n   # comments\n#'
expect only_comments 4 0 '' ''
input_raw ';;;\n\n  ;\n'
expect only_separators 4 0 '' ''
input_raw '1 + 1\n2 + 2'
expect no_final_newline 4 0 '2
4' ''
input '"abc'
expect unterminated_string 4 1 '' '^error: 1:1: unterminated string'
input '1
"abc
2'
expect unterminated_string_line2 4 1 '1' '^error: 2:1: unterminated string'
input '(x + 1'
expect unclosed_paren 4 1 '' "^error: 1:7: unexpected end of input .*expected '\\)'"
input_from bash -c "$(declare -f repeat); repeat a 100000; echo ' + 1'"
expect name_100k_chars 4 0 '![ "$(cat "$OUT")" = "$(repeat a 100000) + 1" ]' ''
input_from bash -c "$(declare -f repeat); repeat 7 10000; echo"
expect number_10000_digits 4 0 "$(repeat 7 10000)" ''
input '1e999999'
expect number_1e999999 4 1 '' '^error: 1:1: .*too large'
input '1e-999999'
expect number_1e-999999 4 0 '0.0' ''
# CLN's doubles have no subnormals: a clear error (printing them back would be better)
input '1e-320'
expect number_subnormal 4 1 '' '^error: 1:1: number .1e-320. is too small for a double'
input '5e-324'
expect number_smallest_double 4 1 '' '^error: 1:1: number .5e-324. is too small for a double'
input_from bash -c "printf abcdefghi; yes '+abcdefghi' | head -n 999999 | tr -d '\n'; echo"
expect line_10mb_same_terms 10 0 '1000000*abcdefghi' ''
input_from bash -c "printf 1; yes '+1' | head -n 999999 | tr -d '\n'; echo"
expect line_2mb_ones 10 0 '1000000' ''
input_from bash -c "printf x0; seq -f '+x%.0f' 1 99999 | tr -d '\n'; echo"
expect line_100k_distinct_terms 10 0 '![ "$(tr -cd + < "$OUT" | wc -c)" = 99999 ] && [ "$(wc -l < "$OUT")" = 1 ]' ''
input_from bash -c "printf '[0'; seq -f ', %.0f' 1 99999 | tr -d '\n'; echo ']'"
expect list_100k_numbers 10 0 '!cmp -s "$OUT" "$IN"' ''
input_from bash -c "yes x | head -n 100000"
expect lines_100k 10 0 '![ "$(wc -l < "$OUT")" = 100000 ] && [ "$(sort -u "$OUT")" = x ]' ''
input_from bash -c "$(declare -f repeat); printf '\"'; repeat b 1000000; echo '\"'"
expect string_1mb 4 0 '![ "$(wc -c < "$OUT")" = 1000001 ]' ''
input_from bash -c "$(declare -f repeat); repeat '[' 1001; printf x; repeat ']' 1001; echo"
expect list_nested_1001 4 1 '' '^error: 1:1002: .*nested deeper than 1000'

# ======================================================================== division by zero, poles
input '1/0'
expect div_zero 4 1 '' '^error: 1:2: division by zero'
input 'x/0'
expect div_zero_symbolic 4 1 '' '^error: 1:2: division by zero'
input '0^(-1)'
expect zero_negative_power 4 1 '' '^error: 1:2: division by zero'
input '1
subs(1/x, x = 0)
2'
expect subs_div_zero 4 1 '1' '^error: 2:[0-9]+: .*division by zero'
# substitution doubles the depth each time: 501, 1001, ..., 16001 levels at line 6
input_from bash -c "$(declare -f repeat); printf 'e = '; repeat 'sin(' 500; printf x; repeat ')' 500; echo; for i in 1 2 3 4 5; do echo 'e = subs(e, x = e)'; done"
expect subs_doubling_depth 4 1 '' '^error: 6:5: the result would nest deeper than 10000 levels'
input 'subs(log(x), x = 0)'
expect subs_log_zero 4 1 '' '^error: 1:[0-9]+: log\(0\) is undefined'
input 'log(0)'
expect log_zero 4 1 '' '^error: 1:1: log\(0\) is undefined'
input 'atanh(1)'
expect atanh_one 4 1 '' '^error: 1:1: .*atanh'
input 'evalf(1/x, x = 0)'
expect evalf_div_zero 4 1 '' '^error: 1:[0-9]+: .*division by zero'
input 'eval(1/x, x = 0)'
expect eval_div_zero_inf 4 0 'inf' ''
input 'eval((x - 1)/(y - 1), x = 1, y = 1)'
expect eval_zero_over_zero_nan 4 0 'nan' ''
input 'a = eval(sqrt(x), x = -1)
a
a + 1'
expect eval_nan_reused 4 1 'nan' '^error: 3:1: nan cannot be used'

# ======================================================================== other errors
input 'eval(foo(x), x = 1)'
expect unknown_function 4 1 '' "^error: 1:1: foo is an undefined function: it has no value"
input 'diff = 1'
expect assign_to_builtin 4 1 '' "^error: 1:1: cannot assign to 'diff'"
input '2x'
expect number_then_name 4 1 '' '^error: 1:2: a name cannot follow a number'
input ')'
expect lone_close_paren 4 1 '' "^error: 1:1: unexpected '\\)'"
input 'x $ y'
expect stray_character 4 1 '' "^error: 1:3: unexpected character '\\$'"
input '[x = 1]'
expect option_in_list 4 1 '' "^error: 1:4: 'name = value' is only allowed in a call"
input '"a" + 1'
expect string_in_arithmetic 4 1 '' '^error: 1:1: a string is not an expression'
input '-c - 0^(a + c)'
expect zero_power_in_sum 4 0 '-c - 0^(a + c)' ''
input 'grad(x, [])'
expect grad_no_variables 4 0 '[]' ''
input 'hessian(x, x)'
expect hessian_not_a_list 4 1 '' '^error: 1:12: hessian: argument 2 must be a list'
input 'eval(x, x = [1, 2])'
expect eval_list_binding 4 1 '' '^error: 1:[0-9]+: .*x'

# ======================================================================== the command line
input '1 + 1'
expect directory_as_script 4 1 '' '^error: .*(directory|cannot read)' /
input '1 + 1'
expect bad_timeout_argument 4 2 '' "^ddx: bad argument '--timeout'" --timeout abc
input '1 + 1'
expect zero_memory_budget 4 2 '' "^ddx: bad argument '--memory'" --memory 0
input '1 + 1'
expect e_mode 4 0 '2' '' @e
input 'x^2; diff(x^2, x)'
expect stdin_mode 4 0 'x^2
2*x' '' @stdin

# ======================================================================== running
run_case() {   # run_case NAME: leaves NAME.out, NAME.err, NAME.st, NAME.time
    local name=$1 limit=$((c_limit[$1] * LIMIT_FACTOR)) mode=file
    local -a args
    read -r -a args <<< "${c_args[$name]}"
    if [ "${args[0]:-}" = @stdin ] || [ "${args[0]:-}" = @e ]; then
        mode=${args[0]#@}
        args=("${args[@]:1}")
    fi
    local in=$TMP/$name.in start end st
    start=$(date +%s%N)
    (
        ulimit -v $MEMORY_KB
        cd "$TMP" || exit 1
        case $mode in
            file)
                # a case whose last option is a path (directory_as_script) runs that
                if [ ${#args[@]} -gt 0 ] && [ "${args[${#args[@]}-1]}" = / ]; then
                    exec timeout -k 1 "$limit" "$DDX" "${args[@]}" < /dev/null
                fi
                exec timeout -k 1 "$limit" "$DDX" "${args[@]}" "$in" < /dev/null ;;
            stdin) exec timeout -k 1 "$limit" "$DDX" "${args[@]}" < "$in" ;;
            e) exec timeout -k 1 "$limit" "$DDX" "${args[@]}" -e "$(cat "$in")" < /dev/null ;;
        esac
    ) > "$TMP/$name.out" 2> "$TMP/$name.err"
    st=$?
    end=$(date +%s%N)
    echo "$st" > "$TMP/$name.st"
    echo $(( (end - start) / 1000000 )) > "$TMP/$name.time"
}

judge() {      # judge NAME: prints "FAIL ..." lines, returns 1 on failure
    local name=$1 st problems=()
    st=$(cat "$TMP/$name.st")
    local ms
    ms=$(cat "$TMP/$name.time")
    local OUT=$TMP/$name.out ERR=$TMP/$name.err IN=$TMP/$name.in ST=$st
    local want_st=${c_status[$name]} want_out=${c_stdout[$name]} want_err=${c_stderr[$name]}
    if [ "$st" = 124 ] || [ "$st" = 137 ]; then
        problems+=("no answer within $((c_limit[$name] * LIMIT_FACTOR)) s (killed)")
    elif [ "$st" -ge 128 ]; then
        problems+=("crashed: exit status $st (signal $((st - 128)))")
    elif [ "$want_st" != '*' ] && [ "$st" != "$want_st" ]; then
        problems+=("exit status $st, expected $want_st")
    fi
    if [ "${want_out:0:1}" = '!' ]; then
        if ! (OUT=$OUT ERR=$ERR IN=$IN ST=$ST; eval "$(declare -f repeat); ${want_out:1}") 2> /dev/null; then
            problems+=("stdout check failed: ${want_out:1}")
            problems+=("  stdout: $(head -c 200 "$OUT" | tr '\n' '|') ($(wc -c < "$OUT") bytes)")
        fi
    elif [ -z "$want_out" ]; then
        [ -s "$OUT" ] && problems+=("stdout should be empty, is: $(head -c 200 "$OUT" | tr '\n' '|')")
    elif ! printf '%s\n' "$want_out" | cmp -s - "$OUT"; then
        problems+=("stdout: $(head -c 200 "$OUT" | tr '\n' '|'), expected: $(printf '%s' "${want_out:0:200}" | tr '\n' '|')")
    fi
    if [ "$want_st" != '*' ]; then
        if [ -z "$want_err" ]; then
            [ -s "$ERR" ] && problems+=("stderr should be empty, is: $(head -n 1 "$ERR" | head -c 200)")
        elif ! head -n 1 "$ERR" | grep -Eq -- "$want_err"; then
            problems+=("stderr: '$(head -n 1 "$ERR" | head -c 200 | cat -v)', expected /$want_err/")
        fi
    fi
    if [ ${#problems[@]} -gt 0 ]; then
        echo "FAIL $name (${ms} ms)"
        printf '    %s\n' "${problems[@]}"
        return 1
    fi
    [ "$ms" -gt 2000 ] && echo "pass $name (slow: ${ms} ms)"
    return 0
}

selected=()
if [ ${#ONLY[@]} -gt 0 ]; then
    for n in "${ONLY[@]}"; do
        if [ -z "${c_limit[$n]:-}" ]; then
            echo "no such case: $n" >&2
            exit 2
        fi
        selected+=("$n")
    done
else
    selected=("${names[@]}")
fi

running=0
for name in "${selected[@]}"; do
    run_case "$name" &
    running=$((running + 1))
    if [ $running -ge $PARALLEL ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

passed=0
failed=0
failures=()
for name in "${selected[@]}"; do
    if judge "$name"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
    fi
done
[ $failed -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
