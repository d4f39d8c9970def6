#!/usr/bin/python3
"""Peer of `sprig-bench netsci`: the same measures through python-igraph.

Usage: /usr/bin/python3 bench/peers/netsci_igraph.py --graph FILE.edges.gz
         [--measures triangles,clustering,...] [--trials 3] [--cap 600]
         [--betweenness-sources K] [--triangles list|local] [--powerlaw-precision P]
Prints one JSON object: median wall seconds per measure and, in "cpu", the
process CPU seconds of the same runs (igraph's C core; igraph 0.10 runs these
single-threaded). Undirected measures run on the graph made undirected
(collapse), as sprig's symmetrize(). Each measure runs in a forked child
killed after --cap seconds (null then); betweenness and the power-law fit run
once. Louvain/Leiden report the modularity they reach ("modularity"), the
power-law fit its alpha and xmin. --powerlaw-precision P: igraph's
p_precision (its fit always bootstraps ceil(0.25/P^2) replicates for the
p-value; 0.5, the default here, is 1 replicate; igraph's own default 0.01 is
2500).
--betweenness-sources K: betweenness counted from the first K nodes only
(igraph's subset betweenness, sources=range(K)) — the same work as
`sprig-bench netsci --betweenness-sources K`. --triangles local: per-node
triangle counts through transitivity_local_undirected (list_triangles would
hold every triangle in memory: 424 M tuples on R-MAT scale 20).
"""
import argparse, gzip, json, math, multiprocessing as mp, queue, statistics, sys, time

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


G = U = None  # the graph and its undirected form, inherited by the forked children


def run_measure(a, m):
    """Times measure m (warm-up when trials > 1, then `trials` runs) on the
    inherited graph; returns (median wall s, median CPU s, extra dict)."""
    g, u = G, U
    extra = {}
    if m == "betweenness":
        k = a.betweenness_sources
        if k > 0:  # subset betweenness: python-igraph >= 0.10.5 only (Debian 12 ships 0.10.2)
            fn = lambda: g.betweenness(directed=g.is_directed(), sources=range(min(k, g.vcount())))
        else:
            fn = lambda: g.betweenness(directed=g.is_directed())
    elif m == "powerlaw":
        # igraph's default method ("auto": discrete MLE, x_min by KS); the p-value always
        # runs, ceil(0.25 / p_precision^2) bootstrap replicates (0.5: 1 replicate, the least)
        deg = g.degree()
        def fn():
            f = ig.power_law_fit(deg, p_precision=a.powerlaw_precision)
            extra.update(alpha=f.alpha, xmin=f.xmin)
    elif m in ("louvain", "leiden"):
        def fn():
            c = u.community_multilevel() if m == "louvain" else u.community_leiden(objective_function="modularity")
            extra["modularity"] = u.modularity(c.membership)
    else:
        fn = {
            "triangles": (lambda: u.list_triangles()) if a.triangles == "list" else (lambda: u.transitivity_local_undirected(mode="zero")),
            "clustering": lambda: u.transitivity_local_undirected(mode="zero"),
            "kcore": lambda: u.coreness(),
            "components": lambda: (g.connected_components(mode="weak"),
                                   g.connected_components(mode="strong") if g.is_directed() else None),
            "pagerank": lambda: g.pagerank(),
        }[m]
    trials = a.trials if m not in ("betweenness", "powerlaw") else 1
    if trials > 1:
        fn()  # warm-up
    ts, cs = [], []
    for _ in range(trials):
        t, c = time.perf_counter(), time.process_time()
        fn()
        ts.append(time.perf_counter() - t)
        cs.append(time.process_time() - c)
    return statistics.median(ts), statistics.median(cs), extra


def child(a, m, q):
    try:
        q.put(run_measure(a, m))
    except Exception as e:  # e.g. TypeError: no `sources` in python-igraph < 0.10.5
        q.put((None, "%s: %s" % (type(e).__name__, e), {}))


def main():
    global G, U
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", required=True)
    ap.add_argument("--measures", default="triangles,clustering,kcore,components,pagerank,betweenness,louvain,leiden,powerlaw")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--cap", "--betweenness-cap", type=float, default=600)
    ap.add_argument("--betweenness-sources", type=int, default=0)
    ap.add_argument("--triangles", choices=["list", "local"], default="list")
    ap.add_argument("--powerlaw-precision", type=float, default=0.5)
    a = ap.parse_args()
    G = read(a.graph)
    U = G.as_undirected(mode="collapse") if G.is_directed() else G
    out = {"peer": "python-igraph " + ig.__version__, "graph": a.graph, "nodes": G.vcount(), "edges": G.ecount(),
           "time": {}, "cpu": {}}
    if a.betweenness_sources:
        out["betweenness_sources"] = a.betweenness_sources
    out["powerlaw_samples"] = math.ceil(0.25 / a.powerlaw_precision ** 2 - 1e-9)
    ctx = mp.get_context("fork")  # children share the loaded graph
    for m in a.measures.split(","):
        # every measure in a child killed after --cap seconds (null then), so one slow
        # measure on a big graph cannot stall the table
        q = ctx.Queue()
        p = ctx.Process(target=child, args=(a, m, q))
        p.start()
        t0, res = time.monotonic(), None
        while res is None and time.monotonic() - t0 < a.cap:
            try:
                res = q.get(timeout=1)
            except queue.Empty:
                if not p.is_alive() and q.empty():  # died without a result (e.g. out of memory)
                    res = (None, None, {})
        w, c, extra = res if res is not None else (None, "did not finish in %g s" % a.cap, {})
        if p.is_alive():
            p.terminate()
        p.join()
        if w is None:
            out["time"][m] = out["cpu"][m] = None
            out[m + "_note"] = c if isinstance(c, str) else "child failed (exit code %s)" % p.exitcode
        else:
            out["time"][m], out["cpu"][m] = w, c
            for key, v in extra.items():
                out.setdefault(key, {})[m] = v
        print("netsci_igraph: %s %s" % (m, out["time"][m]), file=sys.stderr, flush=True)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
