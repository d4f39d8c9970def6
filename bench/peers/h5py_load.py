#!/usr/bin/python3
"""Peer of `sprig-bench load`: loads the same sprig-graph HDF5 file the way a
Python user would — h5py reads /graph/offsets, /graph/targets (and weights, or
ones when unweighted) and scipy.sparse.csr_matrix builds the CSR matrix.
Also times `cat FILE > /dev/null` (a subprocess, warm cache) as the
sequential-read floor. Prints one JSON object.

Usage: /usr/bin/python3 h5py_load.py FILE [--trials T] [--warmup W]
"""
import argparse
import json
import statistics
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args()

    import h5py
    import numpy as np
    import scipy
    import scipy.sparse as sp

    def load():
        with h5py.File(args.file, "r") as f:
            g = f["graph"]
            n = int(f.attrs["num_nodes"])
            indptr = g["offsets"][()]
            indices = g["targets"][()]
            data = g["weights"][()] if "weights" in g else np.ones(len(indices), dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(n, n))

    out = {"peer": "h5py+scipy", "h5py": h5py.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
           "file": args.file,
           "call": "scipy.sparse.csr_matrix((data, targets, offsets), shape=(n, n)) from h5py arrays"}
    t_load, t_cat = [], []
    for i in range(args.warmup + args.trials):
        t0 = time.perf_counter()
        subprocess.run(["cat", args.file], stdout=subprocess.DEVNULL, check=True)
        c = time.perf_counter() - t0
        t0 = time.perf_counter()
        a = load()
        dt = time.perf_counter() - t0
        if i >= args.warmup:
            t_load.append(dt)
            t_cat.append(c)
        out["nodes"], out["arcs"] = a.shape[0], int(a.nnz)
        del a
    out["trials_s"] = t_load
    out["median_s"] = statistics.median(t_load)
    out["cat_trials_s"] = t_cat
    out["cat_median_s"] = statistics.median(t_cat)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
