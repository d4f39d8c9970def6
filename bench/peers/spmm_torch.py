#!/usr/bin/python3
"""PyTorch 1.13 peer of `sprig-bench spmm`: the same SpMM workloads on the same graph.

Reads an undirected edge list ("u v" per line, '#' comments), symmetrises it
(both arcs, no duplicates or self-loops, like sprig's build), and times
  spmm_sum       A @ X                      (dense X of --features columns)
  spmm_mean_bwd  A @ (G / deg)              (the pull of a mean's backward; A is symmetric)
each three ways — torch.sparse.mm with a CSR A, with a COO A, and PyG's
gather + index_add_ over the arc list — and reports the fastest (by wall time)
as the peer, with all three in "variants". --threads threads, median wall and
CPU seconds over --trials after one warm-up.
Prints one JSON object.
"""
import argparse, gzip, json, time, warnings

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")

import numpy as np
import torch


def read_edges(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt") as f:
        a = np.loadtxt((l for l in f if not l.startswith("#") and not l.startswith("%")), dtype=np.int64, ndmin=2)
    return a[:, 0], a[:, 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", required=True)
    ap.add_argument("--features", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    u, v = read_edges(args.graph)
    keep = u != v
    u, v = u[keep], v[keep]
    n = int(max(u.max(), v.max())) + 1
    src = np.concatenate([u, v])
    dst = np.concatenate([v, u])
    key = np.unique(src * n + dst)
    rows, cols = key // n, key % n
    crow = np.zeros(n + 1, dtype=np.int64)
    np.add.at(crow, rows + 1, 1)
    crow = np.cumsum(crow)
    A = torch.sparse_csr_tensor(torch.from_numpy(crow), torch.from_numpy(cols), torch.ones(len(cols)), size=(n, n))
    g = torch.Generator().manual_seed(args.seed)
    X = torch.rand(n, args.features, generator=g) * 2 - 1
    deg = torch.from_numpy(np.diff(crow)).float().clamp(min=1)
    inv = (1.0 / deg).unsqueeze(1)
    m = len(cols)
    F = args.features
    nbytes = m * F * 4 + n * F * 4 + m * 4 + (n + 1) * 8

    def measure(fn):
        fn()
        wall, cpu = [], []
        for _ in range(args.trials):
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        wall.sort(), cpu.sort()
        return {"wall_s": wall[len(wall) // 2], "cpu_seconds": cpu[len(cpu) // 2],
                "gbytes_per_s": nbytes / wall[len(wall) // 2] / 1e9}

    Acoo = A.to_sparse_coo() if hasattr(A, "to_sparse_coo") else torch.sparse_coo_tensor(
        torch.stack([torch.from_numpy(rows), torch.from_numpy(cols)]), torch.ones(len(cols)), (n, n)).coalesce()
    r_t, c_t = torch.from_numpy(rows), torch.from_numpy(cols)

    def gather_add(Y):
        return torch.zeros(n, Y.shape[1]).index_add_(0, r_t, Y.index_select(0, c_t))

    res, variants = {}, {}
    with torch.no_grad():
        for name, fn in (("spmm_sum", lambda M: M), ("spmm_mean_bwd", lambda M: M * inv)):
            Y = fn(X)
            v = {"csr_mm": measure(lambda: torch.sparse.mm(A, Y)),
                 "coo_mm": measure(lambda: torch.sparse.mm(Acoo, Y)),
                 "gather_index_add": measure(lambda: gather_add(Y))}
            best = min(v, key=lambda k: v[k]["wall_s"])
            res[name] = dict(v[best], variant=best)
            variants[name] = v
    print(json.dumps({"peer": "torch " + torch.__version__, "nodes": n, "arcs": m, "features": F,
                      "threads": args.threads, "results": res, "variants": variants}))


if __name__ == "__main__":
    main()
