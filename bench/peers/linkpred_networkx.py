#!/usr/bin/python3
"""The networkx peer of `sprig-bench linkpred`: times nx.jaccard_coefficient and
nx.adamic_adar_index (python3-networkx) over the pairs `sprig-bench linkpred
--write-pairs FILE` wrote, on the same graph, and prints one JSON object with
the median time of each and the sum of the scores (to compare with sprig's
score_sums). Graph loading is not timed.

Usage: /usr/bin/python3 linkpred_networkx.py GRAPH PAIRS [--trials T] [--timeout S]
GRAPH: a sprig edge list (plain or .gz, '#' header lines, `u v [w]`).
"""
import argparse
import gzip
import json
import signal
import statistics
import sys
import time


class TimeUp(Exception):
    pass


def on_alarm(signum, frame):
    raise TimeUp()


def read_edges(path):
    opener = gzip.open if path.endswith(".gz") else open
    n = None
    edges = []
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("#"):
                if n is None and " nodes" in line:
                    # "# NAME: undirected, N nodes, M edges ..."
                    for part in line.split(","):
                        part = part.strip()
                        if part.endswith(" nodes"):
                            n = int(part.split()[0])
                continue
            t = line.split()
            if len(t) >= 2:
                edges.append((int(t[0]), int(t[1])))
    if n is None:
        n = 1 + max(max(u, v) for u, v in edges)
    return n, edges


def read_pairs(path):
    with open(path) as f:
        return [(int(a), int(b)) for a, b in (line.split() for line in f if line.strip() and line[0] != "#")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph")
    ap.add_argument("pairs")
    ap.add_argument("--trials", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=900.0)
    args = ap.parse_args()
    import networkx as nx

    n, edges = read_edges(args.graph)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((u, v) for u, v in edges if u != v)
    pairs = read_pairs(args.pairs)
    out = {"peer": "networkx", "version": nx.__version__, "graph": args.graph, "nodes": n,
           "edges": g.number_of_edges(), "pairs": len(pairs), "trials": args.trials}
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.timeout))
    try:
        for name, fn in (("jaccard", nx.jaccard_coefficient), ("aa", nx.adamic_adar_index)):
            times, cpu, total = [], [], 0.0
            for _ in range(args.trials):
                t0, c0 = time.perf_counter(), time.process_time()
                vals = [s for _, _, s in fn(g, pairs)]
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                total = float(sum(vals))
            out[name] = {"median_s": statistics.median(times), "trials_s": times,
                         "cpu_median_s": statistics.median(cpu), "sum": total}
        out["status"] = "ok"
    except TimeUp:
        out["status"] = "timeout"
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
