#!/usr/bin/env bash
# Maxima's half of the big-expression benchmark (run by run.sh after ddx_scale_bench):
#
#   bench/scale_maxima.sh WORK_DIR [--limit SECONDS] [--quick]
#
# Runs each case of bench/scale_maxima.mac in its own Maxima process and prints lines like
# the driver's (time CASE maxima SECONDS SAMPLES COLD, size ..., check ..., note ..., skip ...).
# A measurement that prints nothing for SECONDS (default 60) is ended: `limit CASE maxima
# SECONDS timing` (or `after`, when its time was printed but what follows did not finish).
# --quick: 3 repetitions within 2 s instead of 7 within 10 s. Needs WORK_DIR/scale_poly40.txt
# and WORK_DIR/scale_nth_*_ddx.txt from the driver. Without maxima it prints one skip line.
set -u

work=${1:?usage: scale_maxima.sh WORK_DIR [--limit SECONDS] [--quick]}
shift
limit=60
reps=7
budget=10
while [ $# -gt 0 ]; do
    case $1 in
        --limit) limit=$2; shift 2 ;;
        --quick) reps=3; budget=2; shift ;;
        *) shift ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)
mac=$here/scale_maxima.mac

if ! command -v maxima >/dev/null 2>&1; then
    echo "skip all maxima maxima is not installed"
    exit 0
fi
echo "note $(maxima --version 2>/dev/null | head -1) (GCL): times are elapsed_run_time() CPU seconds (1/100 s ticks; short calls timed in batches of at least 0.2 s), the median of up to $reps repetitions while their sum stays under $budget s; each measurement limited to $limit s"

run_case() {  # run_case CASE MAXIMA_CALL
    local case=$1 call=$2 out=$work/maxima_$1.out
    local seen=0 n killed=no deadline current=$1 timed=no line kind name
    maxima --very-quiet --batch-string="batch(\"$mac\")\$ sc_reps: $reps\$ sc_budget: $budget\$ $call\$" \
        >"$out" 2>&1 </dev/null &
    local pid=$!
    deadline=$((SECONDS + ${limit%.*}))
    while kill -0 "$pid" 2>/dev/null; do
        n=$(grep -c '^@@' "$out")
        if [ "$n" -gt "$seen" ]; then
            seen=$n
            deadline=$((SECONDS + ${limit%.*}))
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            kill -KILL "$pid" 2>/dev/null
            killed=yes
            break
        fi
        sleep 0.2
    done
    wait "$pid" 2>/dev/null
    while IFS= read -r line; do
        line=${line#@@}
        line=${line% }
        echo "$line"
        read -r kind name _ <<<"$line"
        if [ "$kind" = start ]; then current=$name; timed=no; fi
        if [ "$kind" = time ] && [ "$name" = "$current" ]; then timed=yes; fi
    done < <(grep '^@@' "$out")
    if [ $killed = yes ]; then
        if [ $timed = yes ]; then echo "limit $current maxima $limit after"; else echo "limit $current maxima $limit timing"; fi
    elif ! grep -q "^@@time $case " "$out"; then
        echo "error $case maxima $(grep -m1 -iE 'error|incorrect' "$out" | head -c 200)"
    fi
}

for depth in 12 15 18; do
    run_case "nested$depth" "case_nested(\"nested$depth\", $depth)"
done
echo "skip nested1000 maxima not tried: diff doubles per level (see depths 12, 15, 18)"
nth() {  # nth CASE F
    local ddx_file=$work/scale_$1_ddx.txt
    if [ -f "$ddx_file" ]; then ddx_file="\"$ddx_file\""; else ddx_file=false; fi
    run_case "$1" "case_nth(\"$1\", $2, $ddx_file)"
}
nth nth_tanh "(1 - exp(-x))/(1 + exp(-x))"
nth nth_gauss "exp(-x^2)"
nth nth_runge "1/(1 + x^2)"
nth nth_atan "atan(x)"
run_case hessian "case_hessian()"
if [ -f "$work/scale_poly40.txt" ]; then
    run_case parse "case_parse(\"$work/scale_poly40.txt\")"
else
    echo "skip parse maxima no $work/scale_poly40.txt (the driver writes it)"
fi
exit 0
