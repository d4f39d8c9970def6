#!/usr/bin/python3
"""FastRP as the reference Python code computes it (GTmac/FastRP: sklearn
SparseRandomProjection with density='auto', transition matrix, degree
normalisation alpha, row-L2 normalisation, weighted sum, sklearn `scale`),
timed, and evaluated with scikit-learn's one-vs-rest LogisticRegression
(50% train, 5 seeds) — the peer of `sprig-bench fastrp` and of sprig's
polblogs quality test.

Usage: embed_fastrp_ref.py EDGES[.gz] [--labels FILE] [--dim 128] [--beta -0.64]
       [--weights 0,0,1,6.67] [--lcc] [--emb-npy FILE (evaluate this embedding instead)]
       [--save-npy FILE (write the embedding)]
Prints one JSON object.
"""
import argparse, gzip, json, sys, time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn import random_projection
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import normalize, scale
from sklearn.utils import shuffle as skshuffle


def read_edges(path):
    op = gzip.open if path.endswith(".gz") else open
    n = None
    src, dst = [], []
    with op(path, "rt") as f:
        for line in f:
            if line.startswith("#"):
                if n is None and " nodes" in line:
                    for part in line.split(","):
                        if part.strip().endswith("nodes"):
                            n = int(part.split()[-2])
                continue
            a, b = line.split()[:2]
            src.append(int(a)); dst.append(int(b))
    n = n if n is not None else max(max(src), max(dst)) + 1
    return n, np.array(src), np.array(dst)


def fastrp(A, dim, weights, beta, seed):
    n = A.shape[0]
    deg = np.asarray(A.sum(axis=1)).ravel()
    # Isolated nodes (a link-prediction training graph has some): a zero row of
    # M and degree scale 1, as sprig documents; the reference would divide by 0.
    deg = np.where(deg > 0, deg, 1.0)
    M = sp.diags(1.0 / deg) @ A
    tr = random_projection.SparseRandomProjection(n_components=dim, random_state=seed)
    tr.fit(M)
    tr.components_ = tr.components_ @ sp.diags(np.power(deg, beta))
    cur = tr.transform(M)
    Us = [cur]
    for _ in range(2, len(weights) + 1):
        cur = M @ cur
        Us.append(cur)
    Us = [normalize(u.toarray() if sp.issparse(u) else u, norm="l2", axis=1) for u in Us]
    U = np.zeros_like(Us[0])
    for u, w in zip(Us, weights):
        U += u * w
    return scale(U)


SOLVER = "lbfgs"


def evaluate(X, y, seeds=5, ratio=0.5):
    micro, macro = [], []
    for s in range(seeds):
        Xs, ys = skshuffle(X, y, random_state=s)
        k = int(ratio * len(ys))
        clf = OneVsRestClassifier(LogisticRegression(solver=SOLVER))
        clf.fit(Xs[:k], ys[:k])
        p = clf.predict(Xs[k:])
        micro.append(f1_score(ys[k:], p, average="micro"))
        macro.append(f1_score(ys[k:], p, average="macro"))
    return float(np.mean(micro)), float(np.mean(macro))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("--labels")
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--beta", type=float, default=-0.64)
    ap.add_argument("--weights", default="0,0,1,6.67")
    ap.add_argument("--lcc", action="store_true")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--trials", type=int, default=1)
    ap.add_argument("--emb-npy")
    ap.add_argument("--save-npy", help="write the embedding (float32) for sprig-bench embed-eval --eval")
    ap.add_argument("--solver", default="lbfgs", help="LogisticRegression solver (liblinear: sklearn < 0.22 default)")
    a = ap.parse_args()
    global SOLVER
    SOLVER = a.solver
    n, s, d = read_edges(a.edges)
    A = sp.csr_matrix((np.ones(len(s)), (s, d)), shape=(n, n))
    A = ((A + A.T) > 0).astype(np.float64).tocsr()  # undirected, unweighted
    A.setdiag(0); A.eliminate_zeros()
    keep = np.arange(n)
    if a.lcc:
        _, comp = connected_components(A, directed=False)
        big = np.bincount(comp).argmax()
        keep = np.flatnonzero(comp == big)
        A = A[keep][:, keep].tocsr()
    weights = [float(x) for x in a.weights.split(",")]
    out = {"peer": "fastrp-reference-python", "nodes": int(A.shape[0]), "edges": int(A.nnz // 2), "dim": a.dim}
    times, cpus = [], []
    for _ in range(a.trials):
        t0, c0 = time.perf_counter(), time.process_time()
        U = fastrp(A, a.dim, weights, a.beta, a.seed)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    out["seconds"] = float(np.median(times))
    out["cpu_seconds"] = float(np.median(cpus))  # user + sys of the process, all threads
    if a.save_npy:
        np.save(a.save_npy, U.astype(np.float32))
    if a.emb_npy:
        U = np.load(a.emb_npy)
    if a.labels:
        lab = {}
        with open(a.labels) as f:
            for line in f:
                if line.startswith("#"):
                    continue
                v, l = line.split()[:2]
                lab[int(v)] = l
        y = np.array([lab[int(v)] for v in keep])
        out["micro_f1"], out["macro_f1"] = evaluate(U, y)
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
