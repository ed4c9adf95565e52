#!/usr/bin/env bash
# The same input prints the same text in every process, with address randomization as the
# system has it (GiNaC's hash values, and so its term order and the shape of its normal and
# factor results, follow memory addresses; ddx's forms must not):
#
#   tests/determinism/run.sh DDX SESSION_FORMS
#
# runs forms.ddx five times through the ddx program and five times through the library
# (SESSION_FORMS: ddx::session, no program around it), each run its own process, and
# compares the outputs byte for byte. Exit status 1 on the first difference.
set -u
export LC_ALL=C
ddx=$1 session_forms=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ddx-determinism.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ "$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null)" = 0 ]; then
    echo "note: address randomization is off on this system: the runs cannot differ by it"
fi

same_every_time() {  # same_every_time NAME COMMAND...
    local name=$1
    shift
    "$@" >"$work/$name.1" 2>&1 || { echo "FAIL $name: status $? on run 1"; tail -n 3 "$work/$name.1"; return 1; }
    for run in 2 3 4 5; do
        "$@" >"$work/$name.$run" 2>&1 || { echo "FAIL $name: status $? on run $run"; return 1; }
        if ! cmp -s "$work/$name.1" "$work/$name.$run"; then
            echo "FAIL $name: run $run printed differently from run 1:"
            diff "$work/$name.1" "$work/$name.$run" | head -n 10
            return 1
        fi
    done
    echo "ok $name: 5 processes, $(wc -l <"$work/$name.1") lines the same"
}

failed=0
same_every_time program "$ddx" "$here/forms.ddx" || failed=1
same_every_time library "$session_forms" "$here/forms.ddx" || failed=1
exit $failed
