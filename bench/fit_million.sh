#!/usr/bin/env bash
# fit on 1,000,000 rows: the line y = a*x + b by the loss (y - (a*x + b))^2, through
# the ddx program (load + compiled per-row gradient summed numerically). Prints one table row.
# Usage: bench/fit_million.sh PATH/TO/ddx
set -euo pipefail
ddx=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# deterministic points around y = 2x + 1
awk 'BEGIN { srand(7); print "x,y"; for (i = 0; i < 1000000; i++) { x = i / 100000; printf "%.6f,%.6f\n", x, 2*x + 1 + (rand() - 0.5) * 0.6 } }' > "$work/points.csv"
for method in newton gd; do
    start=$(date +%s.%N)
    out=$(cd "$work" && "$ddx" -e "data = load(\"points.csv\"); fit((y - (a*x + b))^2, [a, b], data, method = \"$method\")")
    end=$(date +%s.%N)
    point=$(echo "$out" | head -n 1)
    note=$(echo "$out" | tail -n 1 | sed 's/^# //' | cut -c 1-80)
    printf '| fit, 1,000,000 rows, %s | %.2f s | %s | %s |\n' "$method" "$(echo "$end - $start" | bc)" "$point" "$note"
done
