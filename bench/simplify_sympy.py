"""SymPy's half of the simplification benchmark (run by run.sh after ddx_simplify_bench).

    /usr/bin/python3 simplify_sympy.py WORK_DIR [--limit SECONDS] [--jobs N]

Reads WORK_DIR/simplify_tasks.tsv (written by ddx_simplify_bench: the corpus and ddx's
simplified derivatives) and, for each task, in worker processes:
  - SymPy differentiates the same input (symbols real=True, abs -> Abs; not timed), then
    sympy.simplify() is timed (process CPU time, like ddx's) under a time limit
    (setitimer(ITIMER_PROF); a worker that does not answer within the limit plus a grace
    period is killed and replaced). A timeout counts as SymPy time = the limit and is left
    out of the length comparison.
  - Both results are printed on one line: SymPy's str() (floats in short form) with ** read
    as ^, spaces removed; ddx's to_string, spaces removed. Their lengths are compared.
  - Cross-check: ddx's simplified derivative, SymPy's simplified derivative and SymPy's
    unsimplified derivative are evaluated with mpmath (30 digits) at the points where the
    driver checked ddx against its raw derivative; a disagreement is reported.
Writes WORK_DIR/simplify_results.tsv (one line per task), WORK_DIR/simplify_report.md (the
summary, the 15 tasks where ddx is longest relative to SymPy, and the misses by category),
and prints the summary table on standard output.
"""
import json
import math
import re
import os
import queue
import statistics
import subprocess
import sys
import threading
import time

from sympy_worker import Timeout, Worker, reply_within

GRACE = 5.0  # CPU seconds beyond the limit before a silent worker is killed


# --- worker -----------------------------------------------------------------------------------

def worker(limit):
    import mpmath

    # Timeout is a BaseException (sympy_worker.py): an Exception raised by the alarm could be
    # swallowed by one of SymPy's own `except Exception` clauses, leaving simplify running
    # past the limit until the parent kills the worker.
    w = Worker('x y a b'.split(), real=True)
    sp, names = w.sympy, w.names
    mpmath.mp.dps = 30

    def text(e):
        return sp.sstr(e, full_prec=False).replace('**', '^').replace(' ', '')

    def evaluate(e, point):
        try:
            v = e.evalf(30, subs=point)
            v = complex(v) if v.is_number else None
            if v is None:
                return None
            return v
        except Exception:
            return None

    for line in sys.stdin:
        job = json.loads(line)
        answer = {'id': job['id']}
        try:
            f = w.parse(job['f'])
            d = sp.diff(f, *[names[v] for v in job['spec'].split(',')])
            timed_out = False
            try:
                s, seconds = w.timed(limit, lambda: sp.simplify(d))
            except Timeout:
                timed_out = True
            answer['seconds'] = limit if timed_out else seconds  # a timeout counts as the limit
            answer['timeout'] = timed_out
            answer['sympy'] = '' if timed_out else text(s)
            answer['unsimplified_len'] = len(text(d))
            # Cross-check at the driver's points.
            ours = w.parse(job['ddx']) if job['ddx'] != 'ERROR' else None
            problems = []
            checked = 0
            for pt in [p for p in job['points'].split(';') if p]:
                point = {}
                for kv in pt.split(','):
                    k, v = kv.split('=')
                    point[names[k]] = sp.Rational(v)
                want = evaluate(d, point)
                if want is None or ours is None:
                    continue
                checked += 1
                got = evaluate(ours, point)
                if got is None or abs(got - want) > 1e-10 * (1 + abs(want)):
                    problems.append('ddx %s vs SymPy diff %s at %s' % (got, want, pt))
                if not timed_out:
                    mine = evaluate(s, point)
                    if mine is None or abs(mine - want) > 1e-10 * (1 + abs(want)):
                        problems.append('SymPy simplify %s vs SymPy diff %s at %s' % (mine, want, pt))
            answer['crosscheck'] = ('ok' if checked else 'unchecked') if not problems else '; '.join(problems)
        except Exception as err:  # a SymPy failure is reported, not fatal
            answer.update(seconds=0.0, timeout=False, sympy='', unsimplified_len=0,
                          crosscheck='SymPy error: %s: %s' % (type(err).__name__, str(err)[:200]))
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()


# --- parent: the pool ------------------------------------------------------------------------

def read_tasks(path):
    with open(path) as f:
        header = f.readline().rstrip('\n').split('\t')
        return [dict(zip(header, line.rstrip('\n').split('\t'))) for line in f if line.strip()]


def run_pool(tasks, limit, jobs):
    todo = queue.Queue()
    # Longest derivatives first, so that the slow ones do not all come at the end.
    for t in sorted(tasks, key=lambda t: -int(t['raw_len'] or 0)):
        todo.put(t)
    results = {}
    lock = threading.Lock()

    def spawn():
        return subprocess.Popen([sys.executable, os.path.abspath(__file__), '--worker', str(limit)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def serve():
        proc = spawn()
        while True:
            try:
                t = todo.get_nowait()
            except queue.Empty:
                break
            job = {'id': t['id'], 'f': t['f'], 'spec': t['spec'], 'ddx': t['ddx'], 'points': t['points']}
            proc.stdin.write(json.dumps(job) + '\n')
            proc.stdin.flush()
            # The worker stops its own simplify at the limit (CPU time); one stuck in C code,
            # where Python's signal handler cannot run, is killed GRACE CPU seconds later
            # (CPU time, not wall time: the machine may be busy with other work).
            line = reply_within(proc, limit, GRACE, poll=1.0, wall_factor=20)
            if not line:  # stuck or crashed: kill it, count a timeout, start anew
                proc.kill()
                proc.wait()
                answer = {'id': t['id'], 'seconds': limit, 'timeout': True, 'sympy': '',
                          'unsimplified_len': 0, 'crosscheck': 'worker killed'}
                proc = spawn()
            else:
                answer = json.loads(line)
            with lock:
                results[t['id']] = answer
        proc.stdin.close()
        proc.wait()

    threads = [threading.Thread(target=serve) for _ in range(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


# --- classification of misses -----------------------------------------------------------------

FLOAT = re.compile(r'\d+\.\d+(?:e[-+]?\d+)?')
TRIG_SQUARE = r'(?<![a-z])(sin|cos|sinh|cosh)\(((?:[^()]|\([^()]*\))*)\)\^2'

# What SymPy's shorter form has that ddx's lacks: the first rule that matches names the miss.
CATEGORIES = [
    ('float digits', 'only the printed digits of floats (ddx: shortest round-trip, 17; SymPy: 15)'),
    ('abs', 'abs: u/abs(u) where SymPy writes sign(u) (ddx never prints sign), abs of a positive constant'),
    ('tan/tanh derivative', "tan'/tanh' kept as 1 + tan(u)^2, 1 - tanh(u)^2 where 1/cos(u)^2, 1/cosh(u)^2 is shorter"),
    ('exp as cosh/sinh', 'exponentials SymPy rewrites as cosh/sinh (exp(-x)/(1 + exp(-x))^2 = 1/(4*cosh(x/2)^2))'),
    ('trig identities', 'other trig identities: double angle, sin^2 + cos^2 inside a sum, parity cos(-u) = cos(u)'),
    ('sign of a sum', 'the sign of a bracketed sum: -(y - 1) where 1 - y is shorter'),
    ('log rules', 'log rules: log(sqrt(x)) = log(x)/2, log(4)/2 = log(2), log(c*sqrt(x)) split'),
    ('symbolic powers', 'powers with symbolic exponents not merged: x*x^y = x^(y + 1), x^y/x = x^(y - 1), '
                        '(y^x)^2 = y^(2*x), 4^(x/2) = 2^x, a^(-x) = (1/a)^x'),
    ('roots', 'roots and fractional powers not merged: y/(x^2*sqrt(y/x)) = sqrt(y/x)/x, '
              '(exp(x)/y)^(1/4) = exp(x/4)/y^(1/4), sums of terms with (x + 4)^(3/2)'),
    ('common denominator', 'a sum of fractions (same denominator powers) not put over one denominator'),
    ('expanded polynomial', 'a polynomial numerator/denominator multiplied out where a factored or nested form is shorter'),
    ('factoring', 'none of the above; mostly a common factor of a sum not pulled out or a polynomial not '
                  'factored (y^2 + y^2*cosh(u)^2 = y^2*(1 + cosh(u)^2))'),
]


def categorize(ddx_text, sympy_text):
    """The category (a key of CATEGORIES) of a task where ddx's text is longer than SymPy's."""
    d, s = ddx_text, sympy_text

    def n(pattern, t):
        return len(re.findall(pattern, t))

    short_floats = FLOAT.sub(lambda m: repr(float('%.15g' % float(m.group(0)))), d)
    if FLOAT.search(d) and len(short_floats) <= len(s):
        return 'float digits'
    if n(r'(?<![a-z])sign\(', s) > 0 or re.search(r'abs\((?:[^()xy]|\([^()xy]*\))*\)', d):
        return 'abs'
    if re.search(r'(?<![a-z])tanh?\((?:[^()]|\([^()]*\))*\)\^[23]', d) \
            and n(r'(?<![a-z])cosh?\(', s) > n(r'(?<![a-z])cosh?\(', d):
        return 'tan/tanh derivative'
    if n(r'(?<![a-z])exp\(', d) > n(r'(?<![a-z])exp\(', s) and n(r'(?<![a-z])(cosh|sinh)\(', s) > n(r'(?<![a-z])(cosh|sinh)\(', d):
        return 'exp as cosh/sinh'
    squares = re.findall(TRIG_SQUARE, d)
    if (re.search(r'(?<![a-z])(sin|cos)\([234][*/]', s) and not re.search(r'(?<![a-z])(sin|cos)\([234][*/]', d)) \
            or any(('sin', u) in squares and ('cos', u) in squares for _, u in squares) \
            or re.search(r'(?<![a-z])(sin|cos|sinh|cosh|tan|tanh)\(-', d):
        return 'trig identities'
    if len(d) - len(s) <= 2 and d.startswith('-(') and not s.startswith('-'):
        return 'sign of a sum'
    if n(r'log\(sqrt\(', d) > n(r'log\(sqrt\(', s) or ('log(4)' in d and 'log(2)' in s) \
            or n(r'log\(\d[\d.]*\*', d) > n(r'log\(\d[\d.]*\*', s):
        return 'log rules'
    merged = r'\^\((?:-?\w+[*+-])*-?\w+[+-]\d+\)|\^\(\d\*[xy]\)|\^\(-?[xy]\*?[xy]?[+-]\d\)'
    if n(merged, s) > n(merged, d) or n(r'\(\w\^\w\)\^\d', d) > n(r'\(\w\^\w\)\^\d', s) \
            or re.search(r'\d\^\([xy]/2\)|\d\^\(-[xy]\)', d) or n(r'\^\(-[a-z]', d) > n(r'\^\(-[a-z]', s):
        return 'symbolic powers'
    frac = r'\^\(\d+/\d+\)|(?<![a-z])sqrt\('
    if n(frac, d) > n(frac, s) or re.search(r'\^\((3|5)/[24]\)', d) and not re.search(r'\^\((3|5)/[24]\)', s) \
            or re.search(r'/\([^()]*sqrt\(', d) and not re.search(r'/\([^()]*sqrt\(', s) \
            or re.search(r'sqrt\(\([^()]*\)\^2/', d):
        return 'roots'

    def longest_bracket(t):  # the most +/- signs in one bracket without brackets inside
        return max([g.count('+') + g.count('-') for g in re.findall(r'\(([^()]*)\)', t)] or [0])

    if longest_bracket(d) >= 8 and longest_bracket(d) > longest_bracket(s) + 2:
        return 'expanded polynomial'
    if n(r'/', d) > n(r'/', s):
        return 'common denominator'
    return 'factoring'


# --- summary ----------------------------------------------------------------------------------

def main():
    work = sys.argv[1]
    limit = 10.0
    jobs = 2
    report_only = False
    args = sys.argv[2:]
    for i, a in enumerate(args):
        if a == '--limit':
            limit = float(args[i + 1])
        if a == '--jobs':
            jobs = int(args[i + 1])
        if a == '--report-only':  # redo the summary from the answers of the last run
            report_only = True
    import sympy
    tasks = read_tasks(os.path.join(work, 'simplify_tasks.tsv'))
    answers_path = os.path.join(work, 'simplify_answers.json')
    if report_only:
        with open(answers_path) as f:
            saved = json.load(f)
        results, wall, limit, jobs = saved['results'], saved['wall'], saved['limit'], saved['jobs']
    else:
        t0 = time.time()
        results = run_pool(tasks, limit, jobs)
        wall = time.time() - t0
        with open(answers_path, 'w') as f:
            json.dump({'results': results, 'wall': wall, 'limit': limit, 'jobs': jobs}, f)

    rows = []
    for t in tasks:
        r = results[t['id']]
        row = dict(t)
        row.update(r)
        row['ddx_len'] = int(t['ddx_len'])
        row['sympy_len'] = len(r['sympy'])
        row['ddx_s'] = int(t['ddx_ns']) / 1e9
        if row['timeout']:
            row['seconds'] = limit
        rows.append(row)

    errors = [r for r in rows if r['ddx'] == 'ERROR']
    sympy_errors = [r for r in rows if r['crosscheck'].startswith('SymPy error')]
    timeouts = [r for r in rows if r['timeout']]
    compared = [r for r in rows if not r['timeout'] and r['ddx'] != 'ERROR' and r['sympy_len'] > 0]
    ratios = [r['ddx_len'] / r['sympy_len'] for r in compared]
    median = statistics.median(ratios) if ratios else float('nan')
    no_longer = sum(1 for r in compared if r['ddx_len'] <= r['sympy_len'])
    share = no_longer / len(compared) if compared else float('nan')
    ddx_total = sum(r['ddx_s'] for r in rows)
    sympy_total = sum(r['seconds'] for r in rows)
    speed = sympy_total / ddx_total if ddx_total else float('nan')
    viol_raw = [r for r in rows if r['ddx'] != 'ERROR' and r['ddx_len'] > int(r['raw_len'])]
    viol_normal = [r for r in rows if r['ddx'] != 'ERROR' and r['ddx_len'] > int(r['normal_len'])]
    viol_any = [r for r in rows if r in viol_raw or r in viol_normal]
    mismatches = [r for r in rows if r['check'].startswith('MISMATCH')]
    unchecked = [r for r in rows if r['check'] == 'unchecked']
    cross_ddx = [r for r in rows if 'ddx ' in r['crosscheck'] and 'vs SymPy diff' in r['crosscheck']]
    cross_sympy = [r for r in rows if 'SymPy simplify' in r['crosscheck']]
    cross_unchecked = [r for r in rows if r['crosscheck'] == 'unchecked']
    generated = sum(1 for r in rows if r['source'] != 'seed')
    for r in compared:
        r['miss'] = categorize(r['ddx'], r['sympy']) if r['ddx_len'] > r['sympy_len'] else ''

    # ddx's output for the same input may differ between runs (run.sh runs the driver twice).
    rerun_path = os.path.join(work, 'rerun', 'simplify_tasks.tsv')
    unstable = []
    if os.path.exists(rerun_path):
        again = {t['id']: t for t in read_tasks(rerun_path)}
        unstable = [r for r in rows if r['id'] in again and again[r['id']]['ddx'] != r['ddx']]

    with open(os.path.join(work, 'simplify_results.tsv'), 'w') as out:
        cols = ['id', 'source', 'category', 'spec', 'f', 'ddx_len', 'sympy_len', 'raw_len', 'normal_len',
                'ddx_s', 'seconds', 'timeout', 'check', 'crosscheck', 'miss', 'ddx', 'sympy']
        out.write('\t'.join(cols) + '\n')
        for row in rows:
            out.write('\t'.join(str(row.get(c, '')) for c in cols) + '\n')

    def met(ok):
        return 'met' if ok else 'NOT met'

    lines = []
    lines.append('| simplification vs SymPy | value | goal |')
    lines.append('|---|---:|---|')
    lines.append('| tasks (generated + seed) | %d (%d + %d) | >= 300 |' % (len(rows), generated, len(rows) - generated))
    lines.append('| compared (SymPy finished within %g s) | %d | |' % (limit, len(compared)))
    lines.append('| SymPy timeouts (counted as %g s, not compared) | %d | |' % (limit, len(timeouts)))
    lines.append('| median length ratio ddx/SymPy | %.3f | <= 0.9: %s |' % (median, met(median <= 0.9)))
    lines.append('| ddx no longer than SymPy | %.1f%% (%d of %d) | >= 80%%: %s |'
                 % (100 * share, no_longer, len(compared), met(share >= 0.8)))
    lines.append('| ddx strictly shorter / equal / longer | %d / %d / %d | |' % (
        sum(1 for r in compared if r['ddx_len'] < r['sympy_len']),
        sum(1 for r in compared if r['ddx_len'] == r['sympy_len']),
        sum(1 for r in compared if r['ddx_len'] > r['sympy_len'])))
    lines.append('| total time ddx diff+simplify / SymPy simplify | %.2f s / %.1f s | |' % (ddx_total, sympy_total))
    lines.append('| speed ratio SymPy/ddx | %.0fx | >= 20x: %s |' % (speed, met(speed >= 20)))
    lines.append('| ddx longer than the raw derivative | %d | 0: %s |' % (len(viol_raw), met(not viol_raw)))
    lines.append('| ddx longer than normal(raw derivative) | %d | 0: %s |' % (len(viol_normal), met(not viol_normal)))
    lines.append('| ddx != raw derivative numerically | %d (%d without a usable point) | 0: %s |'
                 % (len(mismatches), len(unchecked), met(not mismatches)))
    lines.append('| ddx != SymPy derivative numerically (mpmath) | %d (%d not comparable) | 0: %s |'
                 % (len(cross_ddx), len(cross_unchecked), met(not cross_ddx)))
    lines.append('| ddx failed | %d | 0: %s |' % (len(errors), met(not errors)))
    if os.path.exists(rerun_path):
        lines.append('| ddx text differs between two runs | %d | 0: %s |' % (len(unstable), met(not unstable)))
    table = '\n'.join(lines)

    notes = []
    notes.append('ddx: one cold ddx::diff per task (process CPU time); SymPy %s: sympy.diff (not timed), then '
                 'sympy.simplify (process CPU time, cache cleared per task), %d worker processes, %.0f s wall'
                 % (sympy.__version__, jobs, wall))
    if cross_sympy:
        notes.append('SymPy\'s simplify changed the value on %d tasks: %s' % (
            len(cross_sympy), ', '.join(r['id'] for r in cross_sympy)))
    if sympy_errors:
        notes.append('SymPy failed on %d tasks: %s' % (len(sympy_errors), ', '.join(r['id'] for r in sympy_errors)))
    per_spec = {}
    for r in compared:
        key = {1: 'first', 2: 'second/mixed'}.get(len(r['spec'].split(',')), 'third to sixth')
        per_spec.setdefault(key, []).append(r)
    notes.append('by order (median ratio, no longer): ' + ', '.join(
        '%s %.3f, %.0f%% of %d' % (k, statistics.median([r['ddx_len'] / r['sympy_len'] for r in v]),
                                   100 * sum(1 for r in v if r['ddx_len'] <= r['sympy_len']) / len(v), len(v))
        for k, v in sorted(per_spec.items())))
    def ratio_summary(rs):
        if not rs:
            return 'none'
        return 'median %.3f, no longer on %.1f%%' % (
            statistics.median([r['ddx_len'] / r['sympy_len'] for r in rs]),
            100 * sum(1 for r in rs if r['ddx_len'] <= r['sympy_len']) / len(rs))

    odd = [r for r in compared if re.search(r'Piecewise|DiracDelta|(?<![a-z])(re|im|sign)\(', r['sympy'])]
    notes.append('%d compared tasks where SymPy\'s result has Piecewise, DiracDelta, re, im or sign (how it treats '
                 'Abs of a real argument); without them: %s of %d' % (
                     len(odd), ratio_summary([r for r in compared if r not in odd]), len(compared) - len(odd)))
    if compared:
        notes.append('total length ddx/SymPy over the compared tasks %.3f, geometric mean of the ratios %.3f' % (
            sum(r['ddx_len'] for r in compared) / sum(r['sympy_len'] for r in compared),
            math.exp(statistics.mean([math.log(r['ddx_len'] / r['sympy_len']) for r in compared]))))
    cats = {}
    for r in compared:
        if r['miss']:
            cats.setdefault(r['miss'], []).append(r)
    notes.append('where ddx is longer, by what SymPy does that ddx misses (automatic): ' + ', '.join(
        '%s %d' % (c, len(rs)) for c, rs in sorted(cats.items(), key=lambda kv: (-len(kv[1]), kv[0]))))

    print(table)
    print()
    for n in notes:
        print('- ' + n)

    # --- the detailed report -----------------------------------------------------------------
    def clip(text, n=600):
        return text if len(text) <= n else text[:n] + '... (%d chars)' % len(text)

    rep = ['# Simplification benchmark: details', '', table, '']
    rep += ['- ' + n for n in notes]
    rep += ['', '## The 15 tasks where ddx is longest relative to SymPy (by length ratio)', '']
    worst = sorted([r for r in compared if r['miss']], key=lambda r: (-r['ddx_len'] / r['sympy_len'], int(r['id'])))
    for r in worst[:15]:
        rep.append('- task %s (%s, %s, d/d%s) `%s`: ddx %d, SymPy %d (ratio %.2f); miss: %s' % (
            r['id'], r['source'], r['category'], r['spec'].replace(',', ''), r['f'], r['ddx_len'], r['sympy_len'],
            r['ddx_len'] / r['sympy_len'], r['miss']))
        rep.append('  - ddx:   `%s`' % clip(r['ddx']))
        rep.append('  - SymPy: `%s`' % clip(r['sympy']))
    rep += ['', '## Misses by category', '',
            '%d tasks where ddx is longer than SymPy; each is given the first category (in this order) '
            'whose pattern matches (automatic, so approximate):' % len(worst), '']
    for key, meaning in CATEGORIES:
        rs = sorted(cats.get(key, []), key=lambda r: r['ddx_len'] + r['sympy_len'])
        if not rs:
            continue
        rep.append('- **%s** (%s): %d, tasks %s' % (key, meaning, len(rs), ', '.join(r['id'] for r in rs)))
        for r in rs[:2]:
            rep.append('  - task %s d/d%s `%s`: ddx `%s`, SymPy `%s`' % (
                r['id'], r['spec'].replace(',', ''), r['f'], clip(r['ddx'], 300), clip(r['sympy'], 300)))
    rep += ['', '## "Never worse than what it started from": violations', '']
    raw_texts = {}
    raw_path = os.path.join(work, 'simplify_raw.tsv')
    if os.path.exists(raw_path):
        for t in read_tasks(raw_path):
            raw_texts[t['id']] = t
    for r in viol_any:
        rt = raw_texts.get(r['id'], {})
        shorter = min([v for v in (rt.get('raw', ''), rt.get('normal', '')) if v], key=len, default='')
        rep.append('- task %s (%s, d/d%s) `%s`: ddx %d, raw %s, normal(raw) %s' % (
            r['id'], r['category'], r['spec'].replace(',', ''), r['f'], r['ddx_len'], r['raw_len'], r['normal_len']))
        rep.append('  - ddx: `%s`' % clip(r['ddx']))
        rep.append('  - shorter start: `%s`' % clip(shorter))
    if not viol_any:
        rep.append('none')
    rep += ['', '## Wrong results', '']
    for r in mismatches + cross_ddx + cross_sympy:
        rep.append('- task %s `%s` d/d%s: %s %s' % (r['id'], r['f'], r['spec'].replace(',', ''), r['check'],
                                                   r['crosscheck']))
    if not (mismatches or cross_ddx or cross_sympy):
        rep.append('none')
    rep += ['', '## Timeouts (SymPy)', '']
    for r in timeouts:
        rep.append('- task %s (%s, d/d%s) `%s`: ddx %d chars in %.3f s%s' % (
            r['id'], r['category'], r['spec'].replace(',', ''), r['f'], r['ddx_len'], r['ddx_s'],
            ' (worker killed)' if r['crosscheck'] == 'worker killed' else ''))
    if unstable:
        rep += ['', '## ddx output that differs between two runs of the driver', '']
        for r in unstable:
            rep.append('- task %s d/d%s `%s`: %d vs %s chars' % (r['id'], r['spec'].replace(',', ''), r['f'],
                                                               r['ddx_len'], again[r['id']]['ddx_len']))
    with open(os.path.join(work, 'simplify_report.md'), 'w') as out:
        out.write('\n'.join(rep) + '\n')


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--worker':
        worker(float(sys.argv[2]))
    else:
        main()
