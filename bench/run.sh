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
# a fourth table. The full run compiles the biggest network's C as ddx does (ddx::load_c; about 1.5
# minutes); --quick times the calls up to 400 parameters only. Where python3-torch is
# installed (with apt-get when missing and running as root, as SymPy), the table has three
# columns more: PyTorch's value + gradient (loss.backward(), float64, one thread) of the same
# networks for one sample and per row of a batch of 1000 (bench/nn_torch.py), and ddx per call
# over PyTorch per row (target <= 0.5); without it they are skipped with a note.
#
# At the end, the training table (bench/nn_train.py, needs python3-torch, else skipped with a
# note): the 2-16-16-16-1 network fitted to 10,000 generated rows by ddx's
# fit(..., method = "lbfgs", steps = 200) and by PyTorch's LBFGS (strong Wolfe, 200
# iterations) from the same start: ms per iteration and the loss reached. --quick: 2,000 rows,
# 50 iterations (a few seconds); the full size takes about 10 s.
#
# Last of all, zero recognition on ddx's own table of integrals (bench/zero_table.py): 483
# integrand/antiderivative pairs from the standard tables in eight categories, each checked
# numerically when the table is built; per category, the share of pairs for which ddx prints
# simplify(diff(F, x) - (f)) as 0, and SymPy's simplify the same (symbols positive, 5 s limit
# per case; skipped with a note without python3-sympy). Every pair with both results goes to
# BUILD_DIR/bench/zero_table.tsv. --quick: every third pair, a 2 s limit.
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

# --- PyTorch (the network ladder's PyTorch columns and the training table), the same way -------
if ! { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; } \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing python3-torch (for the PyTorch comparisons of the network ladder)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch; } >"$work/apt-torch.log" 2>&1 \
        || echo "run.sh: apt-get install python3-torch failed (see $work/apt-torch.log)" >&2
fi
have_torch=no
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    have_torch=yes
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
# and, where python3-torch is installed, against PyTorch (bench/nn_torch.py, the same networks
# from `ddx_nn_ladder --shapes`): its columns are added to the ladder's table.
echo
ladder_status=0
if [ -x "$build/bench/ddx_nn_ladder" ] && [ -x "$build/ddx" ]; then
    mkdir -p "$work/ladder"
    if "$build/bench/ddx_nn_ladder" "$build/ddx" "$here" "$work/ladder" $quick >"$work/ladder.out" 2>"$work/ladder.err"; then
        torch_note=""
        if [ $have_torch = yes ]; then
            "$build/bench/ddx_nn_ladder" --shapes >"$work/ladder_shapes.txt"
            if ! OMP_NUM_THREADS=1 /usr/bin/python3 "$here/nn_torch.py" "$work/ladder_shapes.txt" "$here" "$work/ladder" $quick \
                >"$work/torch.out" 2>"$work/torch.err"; then
                cat "$work/torch.err" >&2
                echo "run.sh: the PyTorch half of the network ladder failed (see above)" >&2
                ladder_status=1
                : >"$work/torch.out"
            fi
        else
            torch_note="python3-torch is not installed for /usr/bin/python3: the PyTorch columns are skipped"
        fi
        # The ladder's table with three columns more (where nn_torch.py gave figures), then
        # its notes, then those of PyTorch.
        awk -v torch="$work/torch.out" '
            BEGIN { while ((getline l < torch) > 0) { split(l, f, " "); if (f[1] == "torch") { one[f[2]] = f[4]; row[f[2]] = f[5]; chk[f[2]] = f[6]; n++ } } }
            function cell(s) { gsub(/^ +| +$/, "", s); return s }
            n && /^\| network \|/ { print $0 " PyTorch ns/call one sample | PyTorch ns/row, batch of 1000 | ddx per call / PyTorch per row |"; next }
            n && /^\|---/ { print $0 "---:|---:|---:|"; next }
            n && /^\| / {
                split($0, c, "|"); name = cell(c[2]); d = cell(c[6])
                if (name in one) {
                    r = (d == "-") ? "-" : sprintf("%.2f", d / row[name])
                    print $0 " " one[name] " | " sprintf("%.0f", row[name]) " | " r " |"
                } else print $0 " - | - | - |"
                next
            }
            { print }' "$work/ladder.out"
        if [ -s "$work/torch.out" ]; then
            version=$(awk '$1 == "torch-version" { print $2 }' "$work/torch.out")
            echo "- PyTorch $version (Debian's python3-torch, BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)), float64, torch.set_num_threads(1): the same networks (widths from \`ddx_nn_ladder --shapes\`), value + gradient by loss.backward() (the gradients set to None before each call); one sample is a batch of one row; per row is the time of a batch of 1000 rows (mean squared error) / 1000; medians of $([ "$quick" = --quick ] && echo 7 || echo 21) interleaved rounds (bench/nn_torch.py)"
            echo "- PyTorch checked against the hand-written C at 5 random points: largest relative difference $(awk '$1 == "torch" { if ($6 + 0 > m) m = $6 + 0 } END { printf "%.1e", m }' "$work/torch.out") (limit 1e-9)"
            awk '$1 == "torch" { one[$2] = $4; row[$2] = $5 }
                 /^\| / { split($0, c, "|"); name = c[2]; gsub(/ /, "", name); d = c[6]; gsub(/ /, "", d)
                           if ((name in row) && d != "-" && d != "") { k++; r = d / row[name]; if (r <= 0.5) ok++; else miss = miss sprintf(" %s %.2f,", name, r) } }
                 END { if (k) { printf "- target ddx value+grad per call <= 0.5 x PyTorch per row (batch of 1000): %s (%d of %d timed networks)", (ok == k ? "met" : "NOT met"), ok, k
                                if (miss != "") { sub(/,$/, "", miss); printf "; above:%s", miss }
                                print "" } }' "$work/torch.out" "$work/ladder.out"
        elif [ -n "$torch_note" ]; then
            echo "- $torch_note"
        fi
        cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
        os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
        echo "- machine: $(uname -m), $(nproc 2>/dev/null || echo ?) cores ($cpu), ${os:-unknown OS}, $("$cc" --version 2>/dev/null | head -n 1); load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); command: bench/run.sh $build${quick:+ $quick}"
    else
        cat "$work/ladder.err" >&2
        echo "run.sh: the network ladder failed (see above)" >&2
        ladder_status=1
    fi
else
    echo "run.sh: no $build/bench/ddx_nn_ladder or $build/ddx; build them with: cmake --build $build --target benchmarks ddx" >&2
    ladder_status=1
fi

# --- training: the 2-16-16-16-1 network fitted by L-BFGS, ddx's fit against PyTorch's LBFGS -----
echo
train_status=0
if [ ! -x "$build/ddx" ]; then
    train_status=1
elif [ $have_torch = yes ]; then
    if ! OMP_NUM_THREADS=1 /usr/bin/python3 "$here/nn_train.py" "$build/ddx" "$work/train" $quick 2>"$work/train.err"; then
        cat "$work/train.err" >&2
        echo "run.sh: the training comparison failed (see above)" >&2
        train_status=1
    fi
else
    echo "- training table (ddx fit against PyTorch LBFGS, bench/nn_train.py) skipped: python3-torch is not installed for /usr/bin/python3"
fi

# --- zero recognition on ddx's own table of integrals: ddx against SymPy's simplify ------------
echo
zero_status=0
if [ ! -x "$build/ddx" ]; then
    echo "run.sh: no $build/ddx; build it with: cmake --build $build --target ddx" >&2
    zero_status=1
else
    zero_args=(--sympy --jobs "$(nproc 2>/dev/null || echo 2)")
    [ "$quick" = --quick ] && zero_args+=(--limit 2 --every 3)
    mkdir -p "$build/bench"
    if ! python3 "$here/zero_table.py" "$build/ddx" "${zero_args[@]}" --details "$build/bench/zero_table.tsv" \
        2>"$work/zero_table.err"; then
        cat "$work/zero_table.err" >&2
        echo "run.sh: the zero-recognition table failed (see above)" >&2
        zero_status=1
    fi
fi
[ $simplify_status = 0 ] && [ $scale_status = 0 ] && [ $ladder_status = 0 ] && [ $train_status = 0 ] \
    && [ $zero_status = 0 ] || exit 1
exit 0
