#!/usr/bin/python3
"""Peer of `sprig-bench netsci`: the same measures through python-igraph.

Usage: /usr/bin/python3 bench/peers/netsci_igraph.py --graph FILE.edges.gz
         [--measures triangles,clustering,...] [--trials 3] [--cap 600]
         [--betweenness-sources K] [--triangles list|local]
Prints one JSON object: median wall seconds per measure and, in "cpu", the
process CPU seconds of the same runs (igraph's C core; igraph 0.10 runs these
single-threaded). Undirected measures run on the graph made undirected
(collapse), as sprig's symmetrize(). Betweenness and the power-law fit run
once, in a child process killed after --cap seconds (null then).
--betweenness-sources K: betweenness counted from the first K nodes only
(igraph's subset betweenness, sources=range(K)) — the same work as
`sprig-bench netsci --betweenness-sources K`. --triangles local: per-node
triangle counts through transitivity_local_undirected (list_triangles would
hold every triangle in memory: 424 M tuples on R-MAT scale 20).
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


def child(path, measure, k, q):
    g = read(path)
    t, c = time.perf_counter(), time.process_time()
    try:
        if measure == "betweenness":
            if k > 0:  # subset betweenness: python-igraph >= 0.10.5 only (Debian 12 ships 0.10.2)
                g.betweenness(directed=g.is_directed(), sources=range(min(k, g.vcount())))
            else:
                g.betweenness(directed=g.is_directed())
        else:
            ig.power_law_fit(g.degree())
    except TypeError as e:
        q.put((None, str(e)))
        return
    q.put((time.perf_counter() - t, time.process_time() - c))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", required=True)
    ap.add_argument("--measures", default="triangles,clustering,kcore,components,pagerank,betweenness,louvain,leiden,powerlaw")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--cap", "--betweenness-cap", type=float, default=600)
    ap.add_argument("--betweenness-sources", type=int, default=0)
    ap.add_argument("--triangles", choices=["list", "local"], default="list")
    a = ap.parse_args()
    g = read(a.graph)
    u = g.as_undirected(mode="collapse") if g.is_directed() else g
    fns = {
        "triangles": (lambda: u.list_triangles()) if a.triangles == "list" else (lambda: u.transitivity_local_undirected(mode="zero")),
        "clustering": lambda: u.transitivity_local_undirected(mode="zero"),
        "kcore": lambda: u.coreness(),
        "components": lambda: (g.connected_components(mode="weak"),
                               g.connected_components(mode="strong") if g.is_directed() else None),
        "pagerank": lambda: g.pagerank(),
        "louvain": lambda: u.community_multilevel(),
        "leiden": lambda: u.community_leiden(objective_function="modularity"),
        "powerlaw": lambda: ig.power_law_fit(g.degree()),
    }
    out = {"peer": "python-igraph " + ig.__version__, "graph": a.graph, "nodes": g.vcount(), "edges": g.ecount(),
           "time": {}, "cpu": {}}
    if a.betweenness_sources:
        out["betweenness_sources"] = a.betweenness_sources
    for m in a.measures.split(","):
        if m in ("betweenness", "powerlaw"):
            q = mp.Queue()
            p = mp.Process(target=child, args=(a.graph, m, a.betweenness_sources, q))
            p.start()
            p.join(a.cap)
            if p.is_alive():
                p.terminate()
                out["time"][m] = out["cpu"][m] = None
                out[m + "_note"] = "did not finish in %g s" % a.cap
            else:
                w, c = q.get() if p.exitcode == 0 else (None, "child failed (exit code %s)" % p.exitcode)
                if w is None:
                    out["time"][m] = out["cpu"][m] = None
                    out[m + "_note"] = c
                else:
                    out["time"][m], out["cpu"][m] = w, c
            continue
        fn = fns[m]
        if a.trials > 1:
            fn()  # warm-up
        ts, cs = [], []
        for _ in range(a.trials):
            t, c = time.perf_counter(), time.process_time()
            fn()
            ts.append(time.perf_counter() - t)
            cs.append(time.process_time() - c)
        out["time"][m] = statistics.median(ts)
        out["cpu"][m] = statistics.median(cs)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
