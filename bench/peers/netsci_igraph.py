#!/usr/bin/python3
"""Peer of `sprig-bench netsci`: the same measures through python-igraph.

Usage: /usr/bin/python3 bench/peers/netsci_igraph.py --graph FILE.edges.gz
         [--measures triangles,clustering,...] [--trials 3] [--betweenness-cap 600]
Prints one JSON object: median seconds per measure (igraph's C core; igraph
0.10 runs these single-threaded). Undirected measures run on the graph made
undirected (collapse), as sprig's symmetrize(). Betweenness runs once, in a
child process killed after --betweenness-cap seconds (reported as null then).
"""
import argparse, gzip, json, multiprocessing as mp, statistics, sys, time

import igraph as ig


def read(path):
    """Edge list (.gz or plain, '#' comments, header "# name: directed, ...") through
    igraph's C reader (Read_Edgelist) on a comment-free temporary copy."""
    import tempfile, os
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt") as f:
        head = f.readline()
        directed = head.startswith("#") and ": directed," in head
        n = None
        if head.startswith("#") and " nodes" in head:
            try:
                n = int(head.split(",")[1].split()[0])
            except (IndexError, ValueError):
                n = None
        fd, tmp = tempfile.mkstemp(suffix=".txt")
        with os.fdopen(fd, "w") as out:
            if not head.startswith(("#", "%")):
                out.write(" ".join(head.split()[:2]) + "\n")
            for ln in f:
                if ln and ln[0] not in "#%\n":
                    t = ln.split()
                    out.write(t[0] + " " + t[1] + "\n")
    g = ig.Graph.Read_Edgelist(tmp, directed=directed)
    os.unlink(tmp)
    if n is not None and g.vcount() < n:
        g.add_vertices(n - g.vcount())
    g.simplify()
    return g


def bc_child(path, q):
    g = read(path)
    t = time.perf_counter()
    g.betweenness(directed=g.is_directed())
    q.put(time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", required=True)
    ap.add_argument("--measures", default="triangles,clustering,kcore,components,pagerank,betweenness,louvain,powerlaw")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--betweenness-cap", type=float, default=600)
    a = ap.parse_args()
    g = read(a.graph)
    u = g.as_undirected(mode="collapse") if g.is_directed() else g
    fns = {
        "triangles": lambda: u.list_triangles() if hasattr(u, "list_triangles") else u.cliques(3, 3),
        "clustering": lambda: u.transitivity_local_undirected(mode="zero"),
        "kcore": lambda: u.coreness(),
        "components": lambda: (g.connected_components(mode="weak"),
                               g.connected_components(mode="strong") if g.is_directed() else None),
        "pagerank": lambda: g.pagerank(),
        "louvain": lambda: u.community_multilevel(),
        "powerlaw": lambda: ig.power_law_fit(g.degree()),
    }
    out = {"peer": "python-igraph " + ig.__version__, "graph": a.graph, "nodes": g.vcount(), "edges": g.ecount(),
           "time": {}}
    for m in a.measures.split(","):
        if m == "betweenness":
            q = mp.Queue()
            p = mp.Process(target=bc_child, args=(a.graph, q))
            p.start()
            p.join(a.betweenness_cap)
            if p.is_alive():
                p.terminate()
                out["time"][m] = None
                out["betweenness_note"] = "did not finish in %g s" % a.betweenness_cap
            else:
                out["time"][m] = q.get()
            continue
        fn = fns[m]
        if a.trials > 1:
            fn()  # warm-up (skipped for a single trial: power_law_fit alone takes minutes on 30k nodes)
        ts = []
        for _ in range(a.trials):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        out["time"][m] = statistics.median(ts)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
