#!/usr/bin/env bash
# The gradient benchmark: `make bench` builds the driver (target `benchmarks`) and runs
#
#   bench/run.sh BUILD_DIR [--quick]
#
# which prints one table: per case, the median ns per call of ddx's emitted C, of the
# hand-written C and of GiNaC's print_csrc (all compiled by ddx::load_c with
# `cc -std=c99 -O2 -fPIC -shared`, timed in one driver with interleaved rounds), and the
# floating-point instructions of each compiled with `cc -std=c99 -O2 -fPIC -c` (SymPy's
# cse + ccode version too, where python3-sympy is installed). Parts whose tools are missing
# are skipped with a note. Fails only when the driver is missing or the gradients disagree.
#
# Then the simplification benchmark (bench/simplify_bench.cpp, bench/simplify_sympy.py): a
# seeded corpus of derivative tasks, ddx::diff against sympy.simplify of the same derivative
# (printed lengths, time), printed as a second table; details (the tasks where ddx is longest
# relative to SymPy, misses by category, wrong results) go to BUILD_DIR/bench/simplify/.
# SymPy's per-task time limit is $DDX_SIMPLIFY_LIMIT seconds (default 10; 3 with --quick,
# which also uses a corpus of 40 generated tasks). python3-sympy is installed with apt-get
# when missing and running as root.
#
# Then the big-expression benchmark (bench/scale_run.sh: bench/scale_bench.cpp against plain
# GiNaC, with SymPy and Maxima as anchors): nested shared subexpressions, n-th derivatives, a
# gradient and Hessian, parsing 368 KB and a 1 MB script, as a third table with notes.
# --quick uses fewer repetitions and a 10 s limit per measurement there (else 60 s,
# $DDX_SCALE_LIMIT). maxima is installed with apt-get when missing and running as root.
#
# Last, the network ladder (bench/nn_ladder.cpp, BUILD_DIR/bench/ddx_nn_ladder): tanh networks
# from 2-4-1 to 4-64-64-64-1 (17 to 8,705 parameters) written as ddx scripts, the time of the
# ddx program to emit ccode([loss, grad(loss, params)], ...), its lines against the
# value-only code, and ns per call against hand-written loops (bench/nn_ladder_hand.c), as
# a fourth table. The full run compiles the biggest network's C with cc -O2 (about 1.5
# minutes); --quick times the calls up to 400 parameters only.
set -u

build=${1:-build}
quick=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
driver=$build/bench/ddx_bench
cc=${CC:-cc}
notes=()

if [ ! -x "$driver" ]; then
    echo "run.sh: no driver at $driver; build it with: cmake --build $build --target benchmarks" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ddx-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A private cache for ddx::load_c: every run compiles afresh with today's compiler.
export XDG_CACHE_HOME=$work/cache

# --- SymPy (for /usr/bin/python3: `python3` on PATH may be another Python without it) ---------
if ! { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sympy' 2>/dev/null; } \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing python3-sympy (for the SymPy comparisons)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sympy; } >"$work/apt.log" 2>&1 \
        || echo "run.sh: apt-get install python3-sympy failed (see $work/apt.log)" >&2
fi

# --- SymPy's version (instruction counts only) -----------------------------------------------
have_sympy=no
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sympy' 2>/dev/null; then
    if /usr/bin/python3 "$here/sympy_gen.py" "$work" 2>"$work/sympy.log"; then
        have_sympy=yes
        notes+=("SymPy $(/usr/bin/python3 -c 'import sympy; print(sympy.__version__)'): sympy.diff, then cse() over all outputs, printed by ccode")
    else
        notes+=("SymPy failed, its column is skipped: $(head -c 300 "$work/sympy.log")")
    fi
else
    notes+=("python3-sympy is not installed: SymPy column skipped")
fi

# --- verify and time ----------------------------------------------------------------------------
if ! "$driver" "$here" "$work" $quick >"$work/driver.out" 2>"$work/driver.err"; then
    cat "$work/driver.err" >&2
    echo "run.sh: the benchmark driver failed (see above); no table" >&2
    exit 1
fi
cat "$work/driver.err" >&2

value() {  # value KIND CASE WHAT -> the 4th field of the matching driver line
    awk -v k="$1" -v c="$2" -v w="$3" '$1 == k && $2 == c && $3 == w { print $4; exit }' "$work/driver.out"
}

# --- instruction counts --------------------------------------------------------------------------
have_objdump=no
if command -v objdump >/dev/null 2>&1 && [ "$(uname -m)" = x86_64 ]; then
    have_objdump=yes
else
    notes+=("objdump missing or not x86-64: instruction counts skipped")
fi

# count FILE.c -> "scalar packed tanh pow xorpd": scalar {add,sub,mul,div}sd, packed
# {add,sub,mul,div}pd (instructions, each 2 flops), call sites of tanh and pow (relocations,
# so tail calls count too), xorpd (sign flips). The code is straight-line, so the static
# counts are the per-call counts.
count() {
    local src=$1 obj=$work/$(basename "$1" .c).o
    if [ "$have_objdump" != yes ] || [ ! -f "$src" ]; then echo "- - - - -"; return; fi
    if ! "$cc" -std=c99 -O2 -fPIC -c "$src" -o "$obj" 2>>"$work/cc.log"; then echo "- - - - -"; return; fi
    objdump -dr --no-show-raw-insn "$obj" | awk -F'\t' '
        /R_X86_64_/ {
            if ($0 ~ /[[:space:]]tanh([-+]0x[0-9a-f]+)?$/) tanh++
            if ($0 ~ /[[:space:]]pow([-+]0x[0-9a-f]+)?$/) pow++
            next
        }
        NF >= 2 {
            split($2, a, " "); m = a[1]; sub(/^v/, "", m)
            if (m ~ /^(add|sub|mul|div)sd$/) scalar++
            else if (m ~ /^(add|sub|mul|div)pd$/) packed++
            else if (m == "xorpd") xor++
        }
        END { printf "%d %d %d %d %d\n", scalar, packed, tanh, pow, xor }'
}

declare -A ops
for case in nn seed; do
    if [ $case = nn ]; then hand=$here/nn_backprop.c; else hand=$here/seed_hand.c; fi
    ops[$case,ddx]=$(count "$work/${case}_ddx.c")
    ops[$case,hand]=$(count "$hand")
    ops[$case,ginac]=$(count "$work/${case}_ginac.c")
    if [ $have_sympy = yes ]; then ops[$case,sympy]=$(count "$work/${case}_sympy.c"); else ops[$case,sympy]="- - - - -"; fi
done

field() {  # field CASE IMPL N
    local f
    read -r -a f <<<"${ops[$1,$2]}"
    echo "${f[$3]}"
}
flops() {  # scalar + 2 per packed instruction
    local s p
    s=$(field "$1" "$2" 0); p=$(field "$1" "$2" 1)
    if [ "$s" = - ]; then echo -; else echo $((s + 2 * p)); fi
}
packed() {
    local p
    p=$(field "$1" "$2" 1)
    if [ "$p" = - ]; then echo -; else echo $((2 * p)); fi
}
four() {  # four FUNCTION CASE -> "ddx / hand / ginac / sympy"
    echo "$($1 "$2" ddx) / $($1 "$2" hand) / $($1 "$2" ginac) / $($1 "$2" sympy)"
}
col() { field "$1" "$2" "$3"; }
tanhs() { col "$1" "$2" 2; }
pows() { col "$1" "$2" 3; }

# --- the table -----------------------------------------------------------------------------------
echo "| case | ddx ns/call | hand-written ns/call | ddx/hand | GiNaC-naive ns/call | flops ddx / hand / GiNaC / SymPy | of which packed | tanh calls | pow calls |"
echo "|---|---:|---:|---:|---:|---|---|---|---|"
for case in nn seed; do
    d=$(value time $case ddx); h=$(value time $case hand); g=$(value time $case ginac)
    ratio=$(awk -v d="$d" -v h="$h" 'BEGIN { printf "%.3f", d / h }')
    label=$case
    [ $case = nn ] && label="nn gradient (17 out)"
    [ $case = seed ] && label="seed value+gradient (3 out)"
    echo "| $label | $d | $h | $ratio | $g | $(four flops $case) | $(four packed $case) | $(four tanhs $case) | $(four pows $case) |"
done
echo

# --- notes: spread, verification, the targets ------------------------------------------
for case in nn seed; do
    spread=""
    for impl in ddx hand ginac; do
        spread="$spread $impl $(awk -v c=$case -v i=$impl '$1 == "time" && $2 == c && $3 == i { print $5 "-" $6; exit }' "$work/driver.out"),"
    done
    notes+=("$case: interquartile ns/call:${spread%,}; $(grep "^note $case:" "$work/driver.out" | cut -d' ' -f3-)")
    v="$case: verified over 200 random points: max relative difference between implementations $(value verify $case pairwise) (limit 1e-12)"
    v="$v, against a long double central finite difference $(value verify $case fd) (limit 1e-9)"
    fv=$(value verify $case value)
    [ -n "$fv" ] && v="$v, loss value against long double $fv"
    notes+=("$v")
done
if command -v md5sum >/dev/null 2>&1; then
    notes+=("ddx's emitted C this run: nn $(md5sum <"$work/nn_ddx.c" | cut -c1-10), seed $(md5sum <"$work/seed_ddx.c" | cut -c1-10) (md5 prefix; the generator's output varies between runs, see bench/RESULTS.md)")
fi
if [ "$have_objdump" = yes ]; then
    notes+=("flops = scalar {add,sub,mul,div}sd + 2 x packed {add,sub,mul,div}pd instructions in the object; sign flips (xorpd) not counted: ddx $(col nn ddx 4), hand $(col nn hand 4), GiNaC $(col nn ginac 4), SymPy $(col nn sympy 4) (nn)")
fi

r=$(awk -v d="$(value time nn ddx)" -v h="$(value time nn hand)" 'BEGIN { printf "%.3f", d / h }')
met() { if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi; }
notes+=("target nn ddx/hand <= 1.1: $(met "$(awk -v r="$r" 'BEGIN { print (r <= 1.1) }')") ($r)")
if [ "$have_objdump" = yes ]; then
    f=$(flops nn ddx)
    notes+=("target nn ddx flops <= 54: $(met "$(awk -v f="$f" 'BEGIN { print (f <= 54) }')") ($f, of which $(packed nn ddx) in packed instructions)")
    notes+=("target nn ddx 4 tanh calls: $(met "$(awk -v t="$(tanhs nn ddx)" 'BEGIN { print (t == 4) }')") ($(tanhs nn ddx))")
    notes+=("target nn ddx no pow calls: $(met "$(awk -v p="$(pows nn ddx)" 'BEGIN { print (p == 0) }')") ($(pows nn ddx))")
fi
for n in "${notes[@]}"; do echo "- $n"; done

# --- the simplification benchmark: ddx::diff against sympy.simplify ---------------------------
simplification_table() {
    echo
    simplify_driver=$build/bench/ddx_simplify_bench
    if [ ! -x "$simplify_driver" ]; then
        echo "run.sh: no driver at $simplify_driver; build it with: cmake --build $build --target benchmarks" >&2
        return 1
    fi
    if ! "$simplify_driver" "$work" $quick 2>"$work/simplify_driver.err"; then
        cat "$work/simplify_driver.err" >&2
        echo "run.sh: the simplification driver failed (see above); no second table" >&2
        return 1
    fi
    cat "$work/simplify_driver.err" >&2
    # Once more, to see whether ddx prints the same derivatives in another process.
    mkdir -p "$work/rerun"
    "$simplify_driver" "$work/rerun" $quick 2>/dev/null || rm -rf "$work/rerun"
    if [ $have_sympy = no ] && ! { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sympy' 2>/dev/null; }; then
        echo "- simplification benchmark: python3-sympy is not installed for /usr/bin/python3; SymPy comparison skipped"
        return 0
    fi
    limit=${DDX_SIMPLIFY_LIMIT:-10}
    [ "$quick" = --quick ] && limit=${DDX_SIMPLIFY_LIMIT:-3}
    jobs=$(nproc 2>/dev/null || echo 2)
    if ! /usr/bin/python3 "$here/simplify_sympy.py" "$work" --limit "$limit" --jobs "$jobs" 2>"$work/simplify_sympy.err"; then
        cat "$work/simplify_sympy.err" >&2
        echo "run.sh: the SymPy half of the simplification benchmark failed (see above)" >&2
        return 1
    fi
    details=$build/bench/simplify
    mkdir -p "$details"
    cp "$work"/simplify_tasks.tsv "$work"/simplify_raw.tsv "$work"/simplify_answers.json "$work"/simplify_results.tsv \
        "$work"/simplify_report.md "$details"/
    [ -d "$work/rerun" ] && mkdir -p "$details/rerun" && cp "$work/rerun/simplify_tasks.tsv" "$details/rerun/"
    echo "- details (the tasks where ddx is longest relative to SymPy, misses by category, violations, wrong results, timeouts): $details/simplify_report.md; every task: $details/simplify_results.tsv"
    return 0
}
simplification_table
simplify_status=$?

# --- the big-expression benchmark (bench/scale_run.sh): ddx against GiNaC, SymPy, Maxima -----
echo
"$here/scale_run.sh" "$build" $quick
scale_status=$?

# --- the network ladder: emitted value and gradient of tanh networks against hand-written loops -
echo
ladder_status=0
if [ -x "$build/bench/ddx_nn_ladder" ] && [ -x "$build/ddx" ]; then
    mkdir -p "$work/ladder"
    "$build/bench/ddx_nn_ladder" "$build/ddx" "$here" "$work/ladder" $quick 2>"$work/ladder.err" || {
        cat "$work/ladder.err" >&2
        echo "run.sh: the network ladder failed (see above)" >&2
        ladder_status=1
    }
else
    echo "run.sh: no $build/bench/ddx_nn_ladder or $build/ddx; build them with: cmake --build $build --target benchmarks ddx" >&2
    ladder_status=1
fi
[ $simplify_status = 0 ] && [ $scale_status = 0 ] && [ $ladder_status = 0 ] || exit 1
exit 0
