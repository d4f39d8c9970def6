#!/usr/bin/python3
"""gensim Word2Vec (skip-gram, negative sampling) over a walks file — the peer
of `sprig-bench node2vec`: the same walks (`sprig-bench node2vec --walks-out`
or `sprig walks`), the same SGNS settings, timed (wall and CPU seconds), and
optionally scored with scikit-learn's one-vs-rest LogisticRegression (50% train,
5 seeds) from a labels file.

Usage: embed_gensim.py WALKS.txt --nodes N [--dim 128] [--window 10] [--negative 5]
       [--epochs 1] [--workers 2] [--labels FILE] [--save-npy FILE]
Prints one JSON object.
"""
import argparse, json, resource, sys, time

import numpy as np


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("walks")
    ap.add_argument("--nodes", type=int, required=True)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--negative", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--labels")
    ap.add_argument("--save-npy")
    a = ap.parse_args()
    from gensim.models import Word2Vec

    with open(a.walks) as f:
        walks = [line.split() for line in f]
    t0, c0 = time.perf_counter(), cpu()
    model = Word2Vec(walks, vector_size=a.dim, window=a.window, min_count=0, sg=1, hs=0,
                     negative=a.negative, workers=a.workers, epochs=a.epochs, seed=1)
    out = {"peer": "gensim-word2vec", "train_s": time.perf_counter() - t0, "train_cpu_s": cpu() - c0,
           "walks": len(walks), "tokens": sum(len(w) for w in walks)}
    X = np.zeros((a.nodes, a.dim), dtype=np.float32)
    for v in range(a.nodes):
        if str(v) in model.wv:
            X[v] = model.wv[str(v)]
    if a.save_npy:
        np.save(a.save_npy, X)
    if a.labels:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.utils import shuffle as skshuffle
        lab = {}
        with open(a.labels) as f:
            for line in f:
                if not line.startswith("#"):
                    v, l = line.split()[:2]
                    lab[int(v)] = l
        nodes = np.array(sorted(lab))
        y = np.array([lab[v] for v in nodes])
        micro, macro = [], []
        for s in range(5):
            Xs, ys = skshuffle(X[nodes], y, random_state=s)
            k = len(ys) // 2
            p = OneVsRestClassifier(LogisticRegression()).fit(Xs[:k], ys[:k]).predict(Xs[k:])
            micro.append(f1_score(ys[k:], p, average="micro"))
            macro.append(f1_score(ys[k:], p, average="macro"))
        out["micro_f1"], out["macro_f1"] = float(np.mean(micro)), float(np.mean(macro))
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
