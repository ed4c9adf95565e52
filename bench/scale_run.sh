#!/usr/bin/env bash
# The big-expression benchmark, run by bench/run.sh after its other tables (`make bench`):
#
#   bench/scale_run.sh BUILD_DIR [--quick]
#
# runs BUILD_DIR/bench/ddx_scale_bench (ddx's library API and plain GiNaC in one process,
# bench/scale_bench.cpp), then the anchors bench/scale_sympy.py (SymPy) and
# bench/scale_maxima.sh (Maxima), and prints one table: per case, the time of ddx, GiNaC,
# SymPy and Maxima, the ratio ddx/GiNaC, the target for the case (met/missed) and the
# output size of each; notes follow. Each measurement is limited to $DDX_SCALE_LIMIT seconds
# (default 60; 10 with --quick, which also takes fewer repetitions); one over the limit shows
# as "> N s". Anchors that are not installed are skipped with a note; as root, python3-sympy
# and maxima are installed with apt-get when missing (neither is needed by ddx or its tests).
# Exits 1 when the driver is missing or reports a wrong result (the table is printed anyway).
set -u

build=${1:-build}
quick=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
driver=$build/bench/ddx_scale_bench
limit=${DDX_SCALE_LIMIT:-60}
[ "$quick" = --quick ] && limit=${DDX_SCALE_LIMIT:-10}
notes=()
status=0

if [ ! -x "$driver" ]; then
    echo "scale_run.sh: no driver at $driver; build it with: cmake --build $build --target benchmarks" >&2
    exit 1
fi
ddx_program=$build/ddx
[ -x "$ddx_program" ] && ddx_program=$(cd "$(dirname "$ddx_program")" && pwd)/ddx

work=$(mktemp -d "${TMPDIR:-/tmp}/ddx-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache  # ddx::load_c's cache: compile afresh

# --- the anchors' packages (root only; never needed by the product or `make test`) -----------
have_sympy() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sympy' 2>/dev/null; }
missing=()
have_sympy || missing+=(python3-sympy)
command -v maxima >/dev/null 2>&1 || missing+=(maxima)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "scale_run.sh: installing ${missing[*]} (for the big-expression anchors)" >&2
    # maxima without its recommendations (maxima-share, gnuplot-x11): the benchmark needs neither
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >"$work/apt.log" 2>&1 || echo "scale_run.sh: apt-get install ${missing[*]} failed (see the log below)" >&2
fi

# --- measure -----------------------------------------------------------------------------------
out=$work/lines
if ! "$driver" "$work" "$ddx_program" $quick --limit "$limit" >"$work/driver.out" 2>"$work/driver.err"; then
    status=1
    notes+=("THE DRIVER FAILED (a wrong result or a crash): $(tr '\n' ' ' <"$work/driver.err" | head -c 600)")
fi
cat "$work/driver.out" >"$out"
if have_sympy; then
    /usr/bin/python3 "$here/scale_sympy.py" "$work" --limit "$limit" $quick >>"$out" 2>"$work/sympy.err" \
        || notes+=("scale_sympy.py failed: $(tail -c 300 "$work/sympy.err")")
else
    echo "skip all sympy python3-sympy is not installed for /usr/bin/python3" >>"$out"
fi
"$here/scale_maxima.sh" "$work" --limit "$limit" $quick >>"$out" 2>"$work/maxima.err"

# --- the table ---------------------------------------------------------------------------------
# field KIND CASE IMPL N -> the N-th field (1-based) of the first matching line
field() {
    awk -v k="$1" -v c="$2" -v i="$3" -v n="$4" '$1 == k && $2 == c && $3 == i { print $n; exit }' "$out"
}
installed() {  # installed IMPL -> whether the implementation ran at all
    ! grep -q "^skip all $1 " "$out"
}
seconds() {  # seconds CASE IMPL -> the median time in seconds, or nothing
    field time "$1" "$2" 4
}
human() {  # human SECONDS -> "0.52 ms", "35.7 ms", "2.23 s"
    awk -v s="$1" 'BEGIN {
        if (s < 0.001) printf "%.3f ms", s * 1000
        else if (s < 1) printf "%.3g ms", s * 1000
        else printf "%.3g s", s }'
}
cell() {  # cell CASE IMPL -> the time cell
    local t l
    t=$(seconds "$1" "$2")
    if [ -n "$t" ]; then human "$t"; return; fi
    l=$(field limit "$1" "$2" 4)
    if [ -n "$l" ] && [ "$(field limit "$1" "$2" 5)" = timing ]; then echo "> $l s"; return; fi
    if ! installed "$2"; then echo "n/a"; return; fi
    if grep -q "^skip $1 $2 " "$out"; then echo "not tried"; return; fi
    echo "-"
}
size() {  # size CASE IMPL
    local v
    v=$(field size "$1" "$2" 4)
    echo "${v:--}"
}
sizes() {  # sizes CASE UNIT -> "a / b / c / d UNIT"
    echo "$(size "$1" ddx) / $(size "$1" ginac) / $(size "$1" sympy) / $(size "$1" maxima) $2"
}
ratio() {  # ratio CASE -> ddx/GiNaC
    local d g
    d=$(seconds "$1" ddx); g=$(seconds "$1" ginac)
    if [ -n "$d" ] && [ -n "$g" ]; then awk -v d="$d" -v g="$g" 'BEGIN { printf "%.3g", d / g }'; else echo "-"; fi
}
verdict() {  # verdict VALUE OP BOUND -> met / missed / "-" (no value)
    if [ -z "$1" ] || [ "$1" = - ]; then echo "-"; return; fi
    awk -v v="$1" -v op="$2" -v b="$3" 'BEGIN {
        ok = (op == "<") ? (v < b) : (v <= b)
        print ok ? "met" : "missed" }'
}
row() {  # row LABEL CASE TARGET SIZE_UNIT
    echo "| $1 | $(cell "$2" ddx) | $(cell "$2" ginac) | $(cell "$2" sympy) | $(cell "$2" maxima) | $(ratio "$2") | $3 | $(sizes "$2" "$4") |"
}

t18=$(seconds nested18 ddx)
t1000=$(seconds nested1000 ddx)
echo "| case | ddx | GiNaC | SymPy | Maxima | ddx/GiNaC | target (issue) | output size ddx / GiNaC / SymPy / Maxima |"
echo "|---|---:|---:|---:|---:|---:|---|---|"
row "d/dx nested sin*cos, depth 12" nested12 "" "distinct nodes"
row "d/dx nested sin*cos, depth 15" nested15 "" "distinct nodes"
row "d/dx nested sin*cos, depth 18" nested18 "ddx < 10 ms: $(verdict "$t18" "<" 0.01)" "distinct nodes"
row "d/dx nested sin*cos, depth 1000" nested1000 "ddx < 1 s: $(verdict "$t1000" "<" 1)" "distinct nodes"
row "emit_c of the depth-1000 derivative" emitc1000 "" "chars of C"
for c in nth_tanh nth_gauss nth_runge nth_atan; do
    case $c in
        nth_tanh) label="orders 1..20 of (1 - exp(-x))/(1 + exp(-x))" ;;
        nth_gauss) label="orders 1..20 of exp(-x^2)" ;;
        nth_runge) label="orders 1..20 of 1/(1 + x^2)" ;;
        nth_atan) label="orders 1..20 of atan(x)" ;;
    esac
    row "$label" $c "ratio <= 0.2: $(verdict "$(ratio $c)" "<=" 0.2); length <= 460: $(verdict "$(field size $c ddx 4)" "<=" 460)" "chars of order 20"
done
row "orders 1..20 of (1 - exp(-x))/(1 + exp(-x)), iterating d = diff(d, x)" nth_tanh_iterated "ratio <= 0.2: $(verdict "$(ratio nth_tanh_iterated)" "<=" 0.2)" "chars of order 20"
row "gradient + Hessian, 17-parameter network loss" hessian "ratio <= 0.18: $(verdict "$(ratio hessian)" "<=" 0.18)" "chars of the 153 entries"
normal_ratio=$( d=$(seconds hessian ddx); g=$(seconds hessian_normal ginac); [ -n "$d" ] && [ -n "$g" ] && awk -v d="$d" -v g="$g" 'BEGIN { printf "%.3g", d / g }' || echo -)
echo "| the same against GiNaC's .diff + normal() of each entry | $(cell hessian ddx) | $(cell hessian_normal ginac) | - | - | $normal_ratio | ratio <= 1.0: $(verdict "$normal_ratio" "<=" 1.0) | $(size hessian ddx) / $(size hessian_normal ginac) / - / - chars of the 153 entries |"
raw_ratio=$( d=$(seconds hessian_raw ddx); g=$(seconds hessian ginac); [ -n "$d" ] && [ -n "$g" ] && awk -v d="$d" -v g="$g" 'BEGIN { printf "%.3g", d / g }' || echo -)
echo "| the same, unsimplified (ddx::differentiator) | $(cell hessian_raw ddx) | $(cell hessian ginac) | - | - | $raw_ratio | (for comparison) | $(size hessian_raw ddx) / $(size hessian ginac) / - / - chars of the 153 entries |"
row "parse the expanded (x + y + z + 1)^40 ($(size parse text) chars)" parse "ratio <= 0.5: $(verdict "$(ratio parse)" "<=" 0.5)" "chars printed back"
row "ddx program on a $(size e2e1mb ddx)-byte script (wall clock)" e2e1mb "< 1 s: $(verdict "$(seconds e2e1mb ddx)" "<" 1)" "bytes in"
echo

# --- notes -------------------------------------------------------------------------------------
while read -r _ text; do notes+=("$text"); done < <(grep '^note ' "$out")
compact=""
for c in nth_tanh nth_gauss nth_runge nth_atan; do
    d=$(field size_compact $c ddx 4); s=$(field size_compact $c sympy 4)
    compact="$compact $c ${d:--} / $(field size $c ginac 4) / ${s:--} / $(field size $c maxima 4),"
done
notes+=("Hessian text with spaces removed (and SymPy's ** read as ^), ddx / GiNaC / SymPy / Maxima: $(field size_compact hessian ddx 4) / $(field size hessian ginac 4) / $(field size_compact hessian sympy 4) / $(field size hessian maxima 4) characters; the parsed polynomial printed back by ddx has spaces around each +")
notes+=("order-20 lengths with spaces removed (and SymPy's ** read as ^), ddx / GiNaC / SymPy / Maxima:${compact%,}; the table's ddx length is ddx::to_string's text, with spaces around + and -, which is what the 460 target is checked against")
cold=""
for c in nested18 nested1000 emitc1000 nth_tanh nth_gauss nth_runge nth_atan nth_tanh_iterated hessian hessian_raw parse e2e1mb; do
    [ -n "$(field time $c ddx 6)" ] && cold="$cold $c $(human "$(field time $c ddx 6)") (median of $(field time $c ddx 5)),"
done
notes+=("ddx's first (cold) run against the table's median:${cold%,}")
notes+=("-: no counterpart (emit_c, the ddx program) or no value; not tried: see below; > N s: ended at the limit")
while read -r _ c impl rest; do
    notes+=("$c, $impl: $rest")
done < <(grep '^skip ' "$out" | grep -v '^skip all ')
while read -r _ c impl rest; do
    notes+=("$impl is not installed: its column is n/a ($rest)")
done < <(grep '^skip all ' "$out")
while read -r _ c impl l when; do
    [ "$when" = after ] && notes+=("$c, $impl: timed, but what follows the timing (size, check) went over the $l s limit")
done < <(grep '^limit ' "$out")
while read -r _ c impl rest; do
    notes+=("$c, $impl: error: $rest")
done < <(grep '^error ' "$out")
checks=$(grep -c '^check .* ok ' "$out")
while read -r _ c impl _ rest; do
    notes+=("MISMATCH $c, $impl: $rest")
done < <(grep '^check .* mismatch ' "$out")
notes+=("checks: ddx against GiNaC (order-20 derivatives at 3 points with 30 digits, all 153 Hessian entries at one point, nested derivatives at x = 0.7, depth 1000 against a central difference and the compiled emit_c, both parsed polynomials against GiNaC's expansion, the program's output '1') in the driver; the anchors' order-20 derivatives against ddx's at x = 0.7: $checks ok, $(grep -c '^check .* mismatch ' "$out") mismatches")
notes+=("nested expressions are built with held sin and cos (GiNaC's automatic evaluation of sin(e) walks e as a tree: 2x per level); GiNaC's and the anchors' derivatives are not tried at depth 1000; Maxima's sizes there are not counted (no shared nodes)")
notes+=("GiNaC's Hessian is 17 + 153 calls of .diff with no simplification, ddx's is ddx::gradient_and_hessian (both simplified; the Hessian differentiates the simplified gradient); SymPy's and Maxima's are diff likewise, with only their automatic simplification")
[ -f "$work/apt.log" ] && [ -s "$work/apt.log" ] && grep -qi 'E:' "$work/apt.log" && notes+=("apt-get: $(grep -i 'E:' "$work/apt.log" | head -2 | tr '\n' ' ')")
for n in "${notes[@]}"; do echo "- $n"; done
exit $status
