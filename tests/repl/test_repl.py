#!/usr/bin/env python3
"""The REPL driven through a real pseudo-terminal (pexpect): completion, multi-line input,
Ctrl-C during a long computation, errors with a caret, help, vars, history across runs.
Usage: test_repl.py PATH/TO/ddx. Prints 'N passed, M failed'; exit status 1 on a failure."""
import os
import sys
import tempfile

import pexpect

DDX = sys.argv[1]
HOME = tempfile.mkdtemp(prefix="ddx-repl-")
ENV = dict(os.environ, HOME=HOME, TERM="xterm")
PROMPT = "> "
results = []


def check(name, condition, detail=""):
    results.append(condition)
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else "  " + detail))


def start(term="xterm"):
    env = dict(ENV, TERM=term)
    # generous: a sanitizer build is several times slower
    child = pexpect.spawn(DDX, env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
    child.expect_exact(PROMPT)
    return child


def send_and_expect(child, line, expected):
    child.sendline(line)
    try:
        child.expect_exact(expected)
        return True
    except (pexpect.TIMEOUT, pexpect.EOF):
        return False


child = start()
check("statement prints its value", send_and_expect(child, "diff(x^3, x)", "3*x^2"))
check("assignment, then use", send_and_expect(child, "a = 7", PROMPT) and send_and_expect(child, "a*2", "14"))

# completion of a built-in name
child.send("hess\t")
child.send("(x^2*y, [x, y])\r")
check("tab completion of built-ins", child.expect_exact(["[[2*y, 2*x], [2*x, 0]]", pexpect.TIMEOUT]) == 0)
child.send("my_long_name = 3\r")
child.expect_exact(PROMPT)
child.send("my_lo\t*2\r")
check("tab completion of bound names", child.expect_exact(["6", pexpect.TIMEOUT]) == 0)

# multi-line input while a bracket is open
child.sendline("grad(x*y, [x,")
ok = child.expect_exact([". ", pexpect.TIMEOUT]) == 0
child.sendline("y])")
check("multi-line input while a bracket is open", ok and child.expect_exact(["[y, x]", pexpect.TIMEOUT]) == 0)

# errors: message with line, column and caret; the session's state is kept
child.sendline("1/0")
ok = child.expect_exact(["error: 1:2: division by zero", pexpect.TIMEOUT]) == 0
ok = ok and child.expect_exact(["^", pexpect.TIMEOUT]) == 0
check("errors show the position and a caret", ok)
check("state kept after an error", send_and_expect(child, "a + 1", "8"))

# Ctrl-C interrupts a long computation and keeps the session
child.sendline("factor(expand((x + y + 1)^50 + 1))")  # about ten seconds of work
child.expect_exact("factor")
import time
time.sleep(1.0)
child.sendintr()
check("Ctrl-C interrupts a computation", child.expect_exact(["interrupted", pexpect.TIMEOUT]) == 0)
child.expect_exact(PROMPT)
check("session intact after Ctrl-C", send_and_expect(child, "a + 2", "9"))

# Ctrl-C at the prompt abandons the line (each step waits for the REPL: on a loaded machine
# keys sent before readline reads them would land elsewhere)
child.expect_exact(PROMPT)
child.send("this line is abandoned")
child.expect_exact("abandoned")
child.sendintr()
child.expect_exact(PROMPT)
check("Ctrl-C at the prompt abandons the line", send_and_expect(child, "a + 3", "10"))

# help and vars
check("help lists built-ins", send_and_expect(child, "help", "minimize("))
child.expect_exact(PROMPT)
check("help NAME gives an example", send_and_expect(child, "help grad", "example: grad("))
child.expect_exact(PROMPT)
child.sendline("f(t) = t^2 + a")
child.expect_exact(PROMPT)
child.sendline("vars")
ok = child.expect_exact(["a = 7", pexpect.TIMEOUT]) == 0
ok = ok and child.expect_exact(["f(t) = t^2 + 7", pexpect.TIMEOUT]) == 0
check("vars lists bindings and functions", ok)
child.expect_exact(PROMPT)  # not consumed, it would let the next line's prompt match early

# history marker, then Ctrl-D
child.sendline("history_marker = 123")
child.expect_exact(PROMPT)
child.sendeof()
child.expect(pexpect.EOF, timeout=120)
child.close()
check("Ctrl-D exits with status 0", child.exitstatus == 0,
      "status %s, output before: %r" % (child.exitstatus, child.before[-2000:]))

# history across runs: the previous session's last line comes back with the Up arrow
child = start()
child.send("\x1b[A")  # Up
child.send("\r")
check("history persists across runs", child.expect_exact(["history_marker = 123", pexpect.TIMEOUT]) == 0)
child.sendline("history_marker")
check("recalled line ran", child.expect_exact(["123", pexpect.TIMEOUT]) == 0)
child.expect_exact(PROMPT)
child.sendeof()
child.expect(pexpect.EOF, timeout=120)

# a dumb terminal still works
child = start(term="dumb")
check("works with TERM=dumb", send_and_expect(child, "diff(sin(x), x)", "cos(x)"))
child.expect_exact(PROMPT)
child.sendeof()
child.expect(pexpect.EOF, timeout=120)

passed = sum(results)
failed = len(results) - passed
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
