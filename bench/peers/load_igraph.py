#!/usr/bin/python3
"""Times python3-igraph's edge-list reader on a plain `u v` file (the peer of
`sprig-bench build`). igraph's reader accepts no '#' comment lines, so give it
a header-less file (compare_build.sh writes one). Prints one JSON object.

Usage: /usr/bin/python3 load_igraph.py FILE [--directed] [--trials T] [--warmup W] [--timeout S]
"""
import argparse
import json
import sys

from timed_trials import time_trials


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
    time_trials(out, lambda: igraph.Graph.Read_Edgelist(args.file, directed=args.directed),
                lambda g: {"nodes": g.vcount(), "edges": g.ecount()}, args.trials, args.warmup, args.timeout)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
