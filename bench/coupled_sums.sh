#!/usr/bin/env bash
# Gradients whose entries each hold every variable: the loss sum((v - 2)^2) + sum(v)^2 +
# sum(v^4) in n variables (d/dv_i holds all of v: GiNaC merges the adjoint of sum(v)^2 into
# every entry). Times the ddx program from script to C text (ccode of [loss, grad]) and a
# Newton minimization (its Hessian in the same compiled function), and counts the lines of
# C against the value's alone. Prints table rows; the compile cache is a fresh directory, so
# the Newton rows include the C compiler's time.
# Usage: bench/coupled_sums.sh PATH/TO/ddx
set -euo pipefail
ddx=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"
echo "| variables | ccode of [loss, grad]: s | lines of C (value alone) | minimize, newton: s |"
echo "|---:|---:|---:|---:|"
for n in 200 1000 5000; do
    loss="v = vars(\"v\", $n); loss = sum((v - 2)^2) + sum(v)^2 + sum(v^4)"
    start=$(date +%s.%N)
    "$ddx" -e "$loss; ccode([loss, grad(loss, v)], v, \"f\")" > "$work/grad.c"
    end=$(date +%s.%N)
    "$ddx" -e "$loss; ccode(loss, v, \"f\")" > "$work/value.c"
    newton="-"
    if [ "$n" -le 200 ]; then  # (a Hessian of more than 40,000 entries is refused)
        n_start=$(date +%s.%N)
        "$ddx" -e "$loss; minimize(loss, v, 0*v, method = \"newton\")" > /dev/null
        newton=$(printf '%.2f' "$(echo "$(date +%s.%N) - $n_start" | bc)")
    fi
    printf '| %d | %.2f | %d (%d) | %s |\n' "$n" "$(echo "$end - $start" | bc)" "$(wc -l < "$work/grad.c")" \
        "$(wc -l < "$work/value.c")" "$newton"
done
