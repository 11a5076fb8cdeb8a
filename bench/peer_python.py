"""peer_python.py: the Python reference for emit to one receiver, with the
method bench_emit uses: every case calls a receiver doing the same
`sink += x`, cases run interleaved round after round after a warm-up that
sizes each round to about 30 ms of the thread's CPU time, and the table
gives the median and min-max of the per-round ns per emit.

Cases: a Python loop over a list of (fn, ctx) pairs (the limit, written in
Python), blinker (Signal.send) and PyDispatcher (dispatcher.send). Run it
with the system interpreter, where Debian's python3-blinker and
python3-pydispatch are installed:

    /usr/bin/python3 bench/peer_python.py [--rounds R] [--tsv]

--tsv prints the rows for scripts/bench, as bench_emit does; their ratios
are taken against the C limit with one receiver (bench_emit's limit_1).
A library that is not installed is reported as skipped.
"""
import statistics
import sys
import time

sink = 0


def receiver(ctx, x):
    global sink
    sink += x


def blinker_receiver(sender, x):
    global sink
    sink += x


def pydispatch_receiver(x):
    global sink
    sink += x


def case_loop():
    pairs = [(receiver, None)]

    def run(n):
        for i in range(n):
            for fn, ctx in pairs:
                fn(ctx, i)
    return run


def case_blinker():
    import blinker
    sig = blinker.Signal()
    sig.connect(blinker_receiver)

    def run(n):
        send = sig.send
        for i in range(n):
            send(None, x=i)
    return run


def case_pydispatch():
    from pydispatch import dispatcher
    dispatcher.connect(pydispatch_receiver, signal="tick", sender=dispatcher.Any)

    def run(n):
        send = dispatcher.send
        for i in range(n):
            send(signal="tick", sender=dispatcher.Anonymous, x=i)
    return run


def version(module):
    try:
        from importlib.metadata import version as v
        return " " + v(module)
    except Exception:
        return ""


CASES = [
    ("python_loop_1", "Python loop over (fn, ctx) pairs, 1 receiver", case_loop, None),
    ("python_blinker_1", "blinker%s (Python), 1 receiver", case_blinker, "blinker"),
    ("python_pydispatch_1", "PyDispatcher%s (Python), 1 receiver", case_pydispatch,
     "PyDispatcher"),
]


def main():
    rounds, tsv = 9, False
    args = sys.argv[1:]
    while args:
        a = args.pop(0)
        if a == "--tsv":
            tsv = True
        elif a == "--rounds" and args:
            rounds = int(args.pop(0))
        else:
            sys.exit("usage: peer_python.py [--tsv] [--rounds R]")

    cases, skipped = [], []
    for name, label, make, dist in CASES:
        try:
            run = make()
        except ImportError as e:
            skipped.append("%s (%s)" % (label % "" if dist else label, e))
            continue
        if dist:
            label = label % version(dist)
        cases.append([name, label, run, 0, []])

    for c in cases:  # warm-up and calibration
        n = 1000
        while True:
            t0 = time.thread_time_ns()
            c[2](n)
            t = time.thread_time_ns() - t0
            if t >= 3e6:
                break
            n *= 4
        c[3] = max(1, int(n * 3e7 / t))
    for _ in range(rounds):
        for c in cases:
            t0 = time.thread_time_ns()
            c[2](c[3])
            c[4].append((time.thread_time_ns() - t0) / c[3])

    for name, label, _, _, ns in cases:
        med = statistics.median(ns)
        if tsv:
            print("python\t%s\t%s\tns\t%.3f\t%.3f\t%.3f\tlimit_1\t" %
                  (name, label, med, min(ns), max(ns)))
        else:
            print("%-48s %10.1f %9.1f-%-9.1f" % (label, med, min(ns), max(ns)))
    for s in skipped:
        print(("skipped\t\t%s" if tsv else "skipped: %s") % s)


if __name__ == "__main__":
    main()
