# Sourced by the test runners: `ddx_path USAGE "$@"` sets DDX to the absolute path of the ddx
# program given as the first argument, or stops with the usage (exit 2) or, when it is not
# an executable, with one failed test (exit 1).
ddx_path() {
    local usage=$1
    shift
    if [ $# -lt 1 ]; then
        echo "usage: $0 /path/to/ddx $usage" >&2
        exit 2
    fi
    DDX=$1
    case $DDX in /*) ;; *) DDX=$PWD/$DDX ;; esac
    if [ ! -x "$DDX" ]; then
        echo "error: $DDX is not an executable" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
}
