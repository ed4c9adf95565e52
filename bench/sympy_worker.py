"""The SymPy worker process shared by bench/zero_table.py and bench/simplify_sympy.py.

Each of them runs SymPy in worker processes (of a Python that has it) that read one job a
line on standard input and answer one JSON line each; the parent kills a worker that stays
silent well past the limit. This module is the part both workers share:

    w = Worker(['x', 'a'], positive=True)   # the process limits, the SIGPROF handler, SymPy
    e = w.parse('x^2*abs(a)')               # ddx syntax: ^ for **, abs for Abs
    value, seconds = w.timed(limit, lambda: sympy.simplify(e))   # may raise Timeout

and, for the parent, cpu_seconds(proc). SymPy is imported by Worker(), not here: the
parents may run under a Python without SymPy.
"""
import os
import select
import resource
import signal
import time

FUNCTIONS = 'exp log sqrt sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh'.split()


class Timeout(BaseException):
    """Raised in the worker by SIGPROF when a case uses up its CPU time. A BaseException, not
    an Exception: SymPy catches Exception in places (simplify tries a rewrite and goes on
    when it fails), so an Exception raised from the signal handler could be swallowed there
    and the case would run on past its limit, with the timer already spent."""


def _on_alarm(signum, frame):
    raise Timeout()


class Worker:
    def __init__(self, symbols, **assumptions):
        import sympy
        from sympy.parsing.sympy_parser import parse_expr
        self.sympy, self._parse_expr = sympy, parse_expr
        # A runaway simplify must not take the machine's memory with it.
        try:
            resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        except (ValueError, OSError):
            pass
        signal.signal(signal.SIGPROF, _on_alarm)
        # A name not in this table would be read as a Symbol without the assumptions.
        self.names = {n: sympy.Symbol(n, **assumptions) for n in symbols}
        self.names.update({'E': sympy.E, 'pi': sympy.pi, 'abs': sympy.Abs})
        for fn in FUNCTIONS:
            self.names[fn] = getattr(sympy, fn)

    def parse(self, text):
        return self._parse_expr(text.replace('^', '**'), local_dict=self.names)

    def timed(self, limit, compute):
        """compute() from a cleared cache (every case starts from the same state), stopped by
        Timeout after `limit` seconds of the process's CPU time (ITIMER_PROF: user + system,
        so that other work on the machine does not count). Returns (its value, CPU seconds)."""
        self.sympy.core.cache.clear_cache()
        t0 = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, limit)
        try:
            value = compute()
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        return value, time.process_time() - t0


def cpu_seconds(proc):
    """User + system CPU seconds of a child process so far, from /proc (Linux); None where
    that cannot be read."""
    try:
        with open('/proc/%d/stat' % proc.pid) as fh:
            fields = fh.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
    except (OSError, ValueError, IndexError):
        return None


def reply_within(proc, limit, grace, poll, wall_factor):
    """The worker's next line, or '' once it has used more than limit + grace CPU seconds on
    this case (or, where its CPU time cannot be read, that much wall time), or wall_factor
    times that in wall time: a worker stuck in C code, where its own alarm cannot act, or
    crashed. CPU time, not wall time, so that a busy machine does not cut a case short."""
    cpu0, wall0 = cpu_seconds(proc), time.time()
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], poll)
        if ready:
            return proc.stdout.readline()
        cpu = cpu_seconds(proc)
        used = cpu - cpu0 if cpu is not None and cpu0 is not None else time.time() - wall0
        if used > limit + grace or time.time() - wall0 > wall_factor * (limit + grace):
            return ''
