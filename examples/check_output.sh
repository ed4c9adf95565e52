#!/usr/bin/env bash
# Runs an example and checks its output:  check_output.sh PROGRAM EXPECTED
# Passes when PROGRAM exits with status 0 and every non-empty line of EXPECTED occurs
# (as a fixed string) in a line of its standard output.
set -u
export LC_ALL=C
program=$1 expected=$2
output=$("$program" 2>&1)
status=$?
printf '%s\n' "$output"
failed=0
if [ "$status" != 0 ]; then
    echo "FAILED: $program exited with status $status"
    failed=1
fi
while IFS= read -r line || [ -n "$line" ]; do
    [ -z "$line" ] && continue
    if ! grep -qF -- "$line" <<<"$output"; then
        echo "FAILED: missing from the output: $line"
        failed=1
    fi
done <"$expected"
exit $failed
