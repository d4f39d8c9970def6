#!/usr/bin/python3
"""The python-igraph peer of `sprig-bench linkpred`: times
Graph.similarity_jaccard(pairs=...) (python3-igraph) over the pairs
`sprig-bench linkpred --write-pairs FILE` wrote, on the same graph, and prints
one JSON object with the median time and the sum of the scores (compare with
sprig's score_sums.jaccard). Graph loading is not timed. igraph has no
pairwise Adamic–Adar (similarity_inverse_log_weighted works on whole rows), so
only Jaccard is compared. loops=False (python-igraph's default is True, which
counts every node as its own neighbour) gives the textbook definition sprig and
networkx use.

Usage: /usr/bin/python3 linkpred_igraph.py GRAPH PAIRS [--trials T] [--threads N]
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linkpred_networkx import read_edges, read_pairs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph")
    ap.add_argument("pairs")
    ap.add_argument("--trials", type=int, default=3)
    args = ap.parse_args()
    import igraph as ig

    n, edges = read_edges(args.graph)
    g = ig.Graph(n=n, edges=[(u, v) for u, v in edges if u != v], directed=False)
    g.simplify()
    pairs = read_pairs(args.pairs)
    times, cpu, total = [], [], 0.0
    for _ in range(args.trials):
        t0, c0 = time.perf_counter(), time.process_time()
        vals = g.similarity_jaccard(pairs=pairs, loops=False)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        total = float(sum(vals))
    out = {"peer": "igraph", "version": ig.__version__, "graph": args.graph, "nodes": n, "edges": g.ecount(),
           "pairs": len(pairs), "trials": args.trials,
           "jaccard": {"median_s": statistics.median(times), "trials_s": times,
                       "cpu_median_s": statistics.median(cpu), "sum": total}, "status": "ok"}
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
