#!/usr/bin/python3
"""Expected values for tests/metrics/netsci_*_test.cpp, computed with Debian's
python3-igraph (0.10) and python3-networkx (2.8) on the graphs in data/.

Run from the repository root:  /usr/bin/python3 tests/metrics/make_netsci_expected.py [GRAPH...]
Writes tests/data/netsci_expected/<graph>.json. Nothing here is used at test
time except the JSON it writes; rerun it if the graphs in data/ change.
"""
import gzip, json, os, random, statistics, sys
from collections import Counter

import igraph as ig
import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "data")
OUT = os.path.join(ROOT, "tests", "data", "netsci_expected")


def read(name):
    """(n, directed, edges, weights or None) from data/<name>.edges.gz and its header."""
    with gzip.open(os.path.join(DATA, name + ".edges.gz"), "rt") as f:
        lines = f.read().splitlines()
    head = lines[0]  # "# karate: undirected, 34 nodes, 78 edges ..."
    directed = ": directed," in head
    n = int(head.split(",")[1].split()[0])
    edges, weights = [], []
    for ln in lines:
        if not ln or ln[0] in "#%":
            continue
        t = ln.split()
        edges.append((int(t[0]), int(t[1])))
        if len(t) > 2:
            weights.append(float(t[2]))
    return n, directed, edges, (weights or None)


def labels(name):
    p = os.path.join(DATA, name + ".labels")
    if not os.path.exists(p):
        return None
    out = {}
    for ln in open(p):
        if ln.startswith("#") or not ln.strip():
            continue
        a, b = ln.split()
        out[int(a)] = b
    return out


def finite(x):
    """NaN (igraph's closeness of an isolated node) is not JSON: write null."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, list):
        return [finite(y) for y in x]
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    return x


def multilevel_stats(g, weights=None, runs=30):
    """community_multilevel is randomized: its modularity over `runs` seeds (median, max)."""
    qs = []
    for seed in range(runs):
        random.seed(seed)  # python-igraph draws from Python's random module
        qs.append(g.community_multilevel(weights=weights).modularity)
    return {"median": statistics.median(qs), "max": max(qs), "min": min(qs), "runs": runs}


def canon(comps):
    return sorted(sorted(int(v) for v in c) for c in comps)


def wl(G, iterations=3):
    sub = nx.weisfeiler_lehman_subgraph_hashes(G, iterations=iterations, digest_size=16)
    return {
        "iterations": iterations,
        "graph_hash": nx.weisfeiler_lehman_graph_hash(G, iterations=iterations, digest_size=16),
        "subgraph_hashes": [sub[v] for v in range(G.number_of_nodes())],
    }


def undirected_measures(g, G, weighted):
    w = "weight" if weighted else None
    n = g.vcount()
    r = {}
    tri, cl = nx.triangles(G), nx.clustering(G)
    r["triangles"] = [tri[v] for v in range(n)]
    r["local_clustering"] = [cl[v] for v in range(n)]  # unweighted, 0 for degree < 2
    r["average_clustering"] = nx.average_clustering(G)
    r["average_clustering_igraph"] = g.transitivity_avglocal_undirected(mode="nan")
    r["transitivity"] = g.transitivity_undirected()
    if weighted:
        r["barrat"] = [0.0 if x != x else x for x in g.transitivity_local_undirected(weights="weight", mode="zero")]
    r["core"] = g.coreness(mode="all")
    bic = list(nx.biconnected_components(G))
    r["biconnected"] = canon(bic)
    r["articulation_points"] = sorted(nx.articulation_points(G))
    r["closeness"] = g.closeness(weights=w)
    r["harmonic"] = g.harmonic_centrality(weights=w, normalized=False)
    r["assortativity_degree"] = g.assortativity_degree(directed=False)
    r["transitivity_nx"] = nx.transitivity(G)
    return r


def common_measures(g, G, weighted, name):
    w = "weight" if weighted else None
    n = g.vcount()
    r = {}
    r["weak_components"] = g.connected_components(mode="weak").membership
    r["pagerank"] = g.pagerank(weights=w, damping=0.85, implementation="prpack")
    reset = [1.0 if v % 3 == 0 else 0.0 for v in range(n)]
    r["personalized_reset"] = reset
    r["personalized_pagerank"] = g.personalized_pagerank(weights=w, damping=0.85, reset=reset,
                                                         implementation="prpack")
    r["betweenness"] = g.betweenness(directed=g.is_directed(), weights=w)
    deg = g.degree(mode="all")
    fit = ig.power_law_fit(deg)  # discrete (integers), xmin chosen by KS
    r["power_law"] = {"alpha": fit.alpha, "xmin": int(fit.xmin), "L": fit.L, "D": fit.D}
    if g.is_directed():
        for mode in ("in", "out"):
            f = ig.power_law_fit(g.degree(mode=mode))
            r["power_law_" + mode] = {"alpha": f.alpha, "xmin": int(f.xmin), "L": f.L, "D": f.D}
    return r


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in sys.argv[1:] or ["karate", "dolphins", "lesmis", "football", "polbooks", "polblogs"]:
        n, directed, edges, weights = read(name)
        g = ig.Graph(n=n, edges=edges, directed=directed)
        if weights:
            g.es["weight"] = weights
        G = nx.DiGraph() if directed else nx.Graph()
        G.add_nodes_from(range(n))
        if weights:
            G.add_weighted_edges_from((u, v, x) for (u, v), x in zip(edges, weights))
        else:
            G.add_edges_from(edges)
        res = {"name": name, "n": n, "directed": directed, "m": g.ecount(), "weighted": bool(weights),
               "generator": "tests/metrics/make_netsci_expected.py; igraph %s, networkx %s" % (ig.__version__, nx.__version__)}
        res.update(common_measures(g, G, bool(weights), name))
        if directed:
            res["strong_components"] = g.connected_components(mode="strong").membership
            gu = g.as_undirected(mode="collapse")
            Gu = G.to_undirected()
            res["undirected"] = undirected_measures(gu, Gu, False)
            res["undirected"]["wl"] = wl(Gu)
            res["undirected"]["louvain_modularity_igraph"] = gu.community_multilevel().modularity
            res["undirected"]["multilevel"] = multilevel_stats(gu)
        else:
            res.update(undirected_measures(g, G, bool(weights)))
            res["wl"] = wl(G)
            res["louvain_modularity_igraph"] = g.community_multilevel(weights="weight" if weights else None).modularity
            res["louvain_modularity_igraph_unweighted"] = g.community_multilevel().modularity
            res["multilevel"] = multilevel_stats(g, "weight" if weights else None)
        lab = labels(name)
        if lab is not None:
            values = [lab[v] for v in range(n)]
            cats = sorted(set(values))
            idx = [cats.index(x) for x in values]
            res["labels"] = idx
            res["assortativity_nominal"] = g.assortativity_nominal(idx, directed=directed)
            part = [idx[v] for v in range(n)]
            gm = g.as_undirected(mode="collapse") if directed else g
            res["label_modularity"] = gm.modularity(part)
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(finite(res), f, allow_nan=False, indent=None, separators=(",", ":"))
            f.write("\n")
        print(name, "ok", file=sys.stderr)


if __name__ == "__main__":
    main()
