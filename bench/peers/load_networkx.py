#!/usr/bin/python3
"""Times python3-networkx's edge-list reader, nx.read_edgelist(path, nodetype=int),
on a plain `u v` file (the peer of `sprig-bench build`). On large graphs it may
take minutes and many GiB, so it runs under a time cap (--timeout, checked by
SIGALRM) and an address-space cap (--max-gib); when either trips, the JSON
says status "timeout" / "out of memory" instead of a time. Prints one JSON object.

Usage: /usr/bin/python3 load_networkx.py FILE [--directed] [--trials T] [--timeout S] [--max-gib G]
"""
import argparse
import json
import resource
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
    ap.add_argument("--trials", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds in all")
    ap.add_argument("--max-gib", type=float, default=8.0, help="address-space cap (GiB)")
    args = ap.parse_args()

    import networkx as nx

    cap = int(args.max_gib * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    create_using = nx.DiGraph if args.directed else nx.Graph
    out = {"peer": "networkx", "version": nx.__version__, "file": args.file,
           "call": f"nx.read_edgelist(path, nodetype=int, create_using={create_using.__name__})"}
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    times, cpu = [], []
    try:
        for i in range(args.warmup + args.trials):
            t0, c0 = time.perf_counter(), time.process_time()
            g = nx.read_edgelist(args.file, nodetype=int, create_using=create_using)
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            if i >= args.warmup:
                times.append(dt)
                cpu.append(dc)
            out["nodes"], out["edges"] = g.number_of_nodes(), g.number_of_edges()
            del g
        out["status"] = "ok"
    except TimeUp:
        out["status"] = "timeout"
    except MemoryError:
        out["status"] = "out of memory"
    signal.setitimer(signal.ITIMER_REAL, 0)
    out["timeout_s"] = args.timeout
    out["max_gib"] = args.max_gib
    out["trials_s"] = times
    out["median_s"] = statistics.median(times) if times else None
    out["cpu_trials_s"] = cpu
    out["cpu_median_s"] = statistics.median(cpu) if cpu else None
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
