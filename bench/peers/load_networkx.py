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
import sys

from timed_trials import time_trials


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
    out["max_gib"] = args.max_gib
    time_trials(out, lambda: nx.read_edgelist(args.file, nodetype=int, create_using=create_using),
                lambda g: {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}, args.trials, args.warmup,
                args.timeout)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
