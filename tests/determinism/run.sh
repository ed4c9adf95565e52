#!/usr/bin/env bash
# The same input prints the same text in every process, with address randomization as the
# system has it (GiNaC's hash values, and so its term order and the shape of its normal and
# factor results, follow memory addresses; ddx's forms must not):
#
#   tests/determinism/run.sh DDX SESSION_FORMS [fixed]
#
# runs forms.ddx five times through the ddx program and five times through the library
# (SESSION_FORMS: ddx::session, no program around it), each run its own process, and
# compares the outputs byte for byte. Exit status 1 on the first difference.
#
# With `fixed` (the build links GiNaC statically into position-dependent executables, so
# that its hash values, which it seeds with the addresses of its type names, are the same in
# every process): both executables must be so linked, and cap_forms.ddx, whose steps end at
# simplify's allocation caps (where how many allocations a step makes follows GiNaC's term
# order), must print the same in five processes of the program too.
set -u
export LC_ALL=C
ddx=$1 session_forms=$2 fixed=${3:-}
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

# at_fixed_addresses NAME FILE: an executable (not position-independent) that does not load
# a shared libginac
at_fixed_addresses() {
    if ! readelf -h "$2" | grep -q 'Type: *EXEC'; then
        echo "FAIL $1: $2 is position-independent: GiNaC's hash values would follow where it is loaded"
        return 1
    fi
    if readelf -d "$2" | grep -q 'NEEDED.*libginac'; then
        echo "FAIL $1: $2 loads a shared libginac: GiNaC's hash values would follow where that is loaded"
        return 1
    fi
    echo "ok $1: GiNaC linked at fixed addresses"
}

failed=0
if [ "$fixed" = fixed ]; then
    at_fixed_addresses program "$ddx" || failed=1
    at_fixed_addresses library "$session_forms" || failed=1
fi
same_every_time program "$ddx" "$here/forms.ddx" || failed=1
same_every_time library "$session_forms" "$here/forms.ddx" || failed=1
if [ "$fixed" = fixed ]; then
    same_every_time program_at_caps "$ddx" "$here/cap_forms.ddx" || failed=1
fi
exit $failed
