#!/usr/bin/python3
"""Times python3-igraph's edge-list reader on a plain `u v` file (the peer of
`sprig-bench build`). igraph's reader accepts no '#' comment lines, so give it
a header-less file (compare_build.sh writes one). Prints one JSON object.

Usage: /usr/bin/python3 load_igraph.py FILE [--directed] [--trials T] [--warmup W] [--timeout S]
"""
import argparse
import json
import signal
import statistics
import sys
import time


class TimeUp(Exception):
    pass


def on_alarm(signum, frame):
    raise TimeUp()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--directed", action="store_true")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds in all")
    args = ap.parse_args()

    import igraph

    out = {"peer": "igraph", "version": igraph.__version__, "file": args.file,
           "call": f"igraph.Graph.Read_Edgelist(path, directed={args.directed})"}
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    times, cpu = [], []
    try:
        for i in range(args.warmup + args.trials):
            t0, c0 = time.perf_counter(), time.process_time()
            g = igraph.Graph.Read_Edgelist(args.file, directed=args.directed)
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            if i >= args.warmup:
                times.append(dt)
                cpu.append(dc)
            out["nodes"], out["edges"] = g.vcount(), g.ecount()
            del g
        out["status"] = "ok"
    except TimeUp:
        out["status"] = "timeout"
    except MemoryError:
        out["status"] = "out of memory"
    signal.setitimer(signal.ITIMER_REAL, 0)
    out["timeout_s"] = args.timeout
    out["trials_s"] = times
    out["median_s"] = statistics.median(times) if times else None
    out["cpu_trials_s"] = cpu
    out["cpu_median_s"] = statistics.median(cpu) if cpu else None
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
