#!/usr/bin/python3
"""Expected values for the Leiden tests in tests/metrics/netsci_leiden_test.cpp:
the modularity python3-igraph (0.10, Debian) reaches with
community_leiden(objective_function="modularity") on the graphs in data/
(lesmis with its weights; polblogs symmetrized, as sprig's symmetrize()).

igraph's Leiden is randomized: for each graph, 30 seeds (random.seed(s)) with
n_iterations=2 (igraph's default) and n_iterations=-1 (until stable); the
median and maximum modularity of each are recorded, and whether every
community igraph returned is connected.

Run from the repository root:  /usr/bin/python3 tests/metrics/make_leiden_expected.py
Writes tests/data/netsci_expected/leiden.json (only that file is read by the tests).
"""
import json, os, random, statistics, sys

import igraph as ig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_netsci_expected import read, ROOT  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "netsci_expected", "leiden.json")
RUNS = 30


def graph(name):
    n, directed, edges, weights = read(name)
    g = ig.Graph(n=n, edges=edges, directed=directed)
    if weights:
        g.es["weight"] = weights
    if directed:
        g = g.as_undirected(mode="collapse")  # polblogs: unweighted, so no weights to combine
    return g, ("weight" if weights else None)


def stats(g, w, iterations):
    qs, connected = [], True
    for s in range(RUNS):
        random.seed(s)
        c = g.community_leiden(objective_function="modularity", weights=w, n_iterations=iterations)
        qs.append(g.modularity(c.membership, weights=w))
        connected &= all(sg.is_connected() for sg in c.subgraphs())
    return {"median": statistics.median(qs), "max": max(qs), "all_connected": connected}


def main():
    res = {"igraph": ig.__version__, "runs": RUNS}
    for name in ["karate", "dolphins", "lesmis", "football", "polbooks", "polblogs"]:
        g, w = graph(name)
        res[name] = {"iterations_2": stats(g, w, 2), "until_stable": stats(g, w, -1)}
        print(name, res[name], file=sys.stderr)
    with open(OUT, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
