#!/usr/bin/python3
"""Plain PyTorch (1.13, Debian's python3-torch) reference for sprig's GNNs.

Two modes:
  quality  full-batch node classification with identity (one-hot) features on
           the same nodes and the same split that `sprig train --write-split`
           wrote, 2 layers, hidden 64, the same architecture as sprig's
           make_model (see gnn/model.hpp), Adam (L2 weight decay on weights only,
           as sprig), early stopping on validation accuracy; prints JSON.
  speed    time per training epoch (forward + backward + Adam) on a graph
           read from a sprig .h5 file (CSR), random 64-wide features.

No torch_geometric: message passing is written with torch.sparse and
index/scatter ops, which is what a user without PyG would write.
"""
import argparse
import gzip
import json
import math
import os
import resource
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")


# ----------------------------------------------------------------- graphs

def read_edges(path):
    opener = gzip.open if path.endswith(".gz") else open
    src, dst = [], []
    with opener(path, "rt") as f:
        for line in f:
            if not line.strip() or line[0] in "#%":
                continue
            a, b = line.split()[:2]
            src.append(int(a))
            dst.append(int(b))
    return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


def read_labels(path):
    lab = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line[0] in "#%":
                continue
            a, b = line.split()[:2]
            lab[int(a)] = b
    return lab


def read_h5_csr(path):
    import h5py
    with h5py.File(path, "r") as f:
        g = f["graph"]
        off = g["offsets"][:].astype(np.int64)
        tgt = g["targets"][:].astype(np.int64)
    n = len(off) - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(off))
    return n, src, tgt


class Graph:
    """Undirected simple graph on n nodes: row index (destination) pulls from col (source)."""

    def __init__(self, n, src, dst):
        s = np.concatenate([src, dst])
        d = np.concatenate([dst, src])
        keep = s != d
        s, d = s[keep], d[keep]
        key = np.unique(d * n + s)
        self.n = n
        self.row = torch.from_numpy(key // n)   # destination
        self.col = torch.from_numpy(key % n)    # source
        self.deg = torch.bincount(self.row, minlength=n).float()
        idx = torch.stack([self.row, self.col])
        ones = torch.ones(len(key))
        self.A = torch.sparse_coo_tensor(idx, ones, (n, n)).coalesce().to_sparse_csr()
        # GCN: D̃^{-1/2}(A + I)D̃^{-1/2}
        dinv = (self.deg + 1).pow(-0.5)
        loops = torch.arange(n)
        r = torch.cat([self.row, loops])
        c = torch.cat([self.col, loops])
        w = dinv[r] * dinv[c]
        self.A_gcn = torch.sparse_coo_tensor(torch.stack([r, c]), w, (n, n)).coalesce().to_sparse_csr()
        # Mean aggregation: D^{-1} A (rows without neighbours give 0)
        inv = torch.where(self.deg > 0, 1.0 / self.deg.clamp(min=1), torch.zeros_like(self.deg))
        self.A_mean = torch.sparse_coo_tensor(idx, inv[self.row], (n, n)).coalesce().to_sparse_csr()


# ----------------------------------------------------------------- layers

def glorot_(w):
    nn.init.xavier_uniform_(w)
    return w


class Lin(nn.Module):
    """y = x W + b with W in × out (sprig's layout), Glorot init, zero bias."""

    def __init__(self, fin, fout, bias=True):
        super().__init__()
        self.weight = nn.Parameter(glorot_(torch.empty(fin, fout)))
        self.bias = nn.Parameter(torch.zeros(fout)) if bias else None

    def forward(self, x):
        # x None: identity (one-hot) input, I·W = W exactly (and dW = I·dY = dY): the
        # n × n identity matmul would only cost time.
        y = self.weight if x is None else x @ self.weight
        return y + self.bias if self.bias is not None else y


class GCN(nn.Module):
    def __init__(self, fin, fout):
        super().__init__()
        self.lin = Lin(fin, fout, bias=False)
        self.bias = nn.Parameter(torch.zeros(fout))

    def forward(self, g, x):
        return torch.sparse.mm(g.A_gcn, self.lin(x)) + self.bias


class SAGE(nn.Module):
    """x'_i = W_l · mean_j x_j + W_r x_i + b (PyG SAGEConv, mean)."""

    def __init__(self, fin, fout):
        super().__init__()
        self.lin_l = Lin(fin, fout, bias=True)
        self.lin_r = Lin(fin, fout, bias=False)

    def forward(self, g, x):
        return self.lin_l(torch.sparse.mm(g.A_mean, x)) + self.lin_r(x)


class GIN(nn.Module):
    """MLP((1+ε) x_i + Σ_j x_j), MLP = Lin–ReLU–Lin, learnable ε (init 0)."""

    def __init__(self, fin, fout):
        super().__init__()
        self.lin1 = Lin(fin, fout)
        self.lin2 = Lin(fout, fout)
        self.eps = nn.Parameter(torch.zeros(1))

    def forward(self, g, x):
        if x is None:  # identity input: lin1((1+ε)I + A) = (1+ε)W1 + A·W1 + b1 (as sprig computes it)
            w = self.lin1.weight
            h = (1 + self.eps) * w + torch.sparse.mm(g.A, w) + self.lin1.bias
        else:
            h = self.lin1((1 + self.eps) * x + torch.sparse.mm(g.A, x))
        return self.lin2(F.relu(h))


class PNA(nn.Module):
    """PNA (Corso et al. 2020): aggregators mean, min, max, std × scalers identity,
    amplification log(d+1)/δ, attenuation δ/log(d+1); out = Lin([x_i, aggregates]).
    std = sqrt(relu(E[m²] − E[m]²) + 1e-5)."""

    def __init__(self, fin, fout, delta):
        super().__init__()
        self.delta = delta
        self.post = Lin(fin * 13, fout)

    def forward(self, g, x):
        n = g.n
        mean = torch.sparse.mm(g.A_mean, x)
        msq = torch.sparse.mm(g.A_mean, x * x)
        std = torch.sqrt(F.relu(msq - mean * mean) + 1e-5)
        msg = x[g.col]
        idx = g.row.unsqueeze(1).expand(-1, x.shape[1])
        mx = torch.zeros(n, x.shape[1]).scatter_reduce(0, idx, msg, reduce="amax", include_self=False)
        mn = torch.zeros(n, x.shape[1]).scatter_reduce(0, idx, msg, reduce="amin", include_self=False)
        has = (g.deg > 0).float().unsqueeze(1)
        mx, mn, std = mx * has, mn * has, std * has
        agg = torch.cat([mean, mn, mx, std], dim=1)
        logd = torch.log(g.deg + 1).unsqueeze(1)
        amp = logd / self.delta
        att = torch.where(logd > 0, self.delta / logd.clamp(min=1e-12), torch.ones_like(logd))
        return self.post(torch.cat([x, agg, agg * amp, agg * att], dim=1))


CONVS = {"gcn": GCN, "sage": SAGE, "gin": GIN, "pna": PNA}


class Net(nn.Module):
    """sprig's make_model: [id embedding for sage/pna] → conv (→ ReLU → dropout → conv)*."""

    def __init__(self, kind, n_in, hidden, n_out, layers, dropout, identity, delta=1.0):
        super().__init__()
        self.identity = identity
        self.dropout = dropout
        self.embed = None
        fin = n_in
        if identity and kind not in ("gcn", "gin"):
            self.embed = Lin(n_in, hidden, bias=False)
            fin = hidden
        self.convs = nn.ModuleList()
        for i in range(layers):
            fout = n_out if i + 1 == layers else hidden
            self.convs.append(CONVS[kind](fin, fout, delta) if kind == "pna" else CONVS[kind](fin, fout))
            fin = fout

    def forward(self, g, x):
        if self.embed is not None:
            x = self.embed(x)
        for i, conv in enumerate(self.convs):
            x = conv(g, x)
            if i + 1 < len(self.convs):
                x = F.dropout(F.relu(x), self.dropout, self.training)
        return x


def make_optimizer(model, lr, wd):
    decay = [p for name, p in model.named_parameters() if name.endswith("weight")]
    rest = [p for name, p in model.named_parameters() if not name.endswith("weight")]
    return torch.optim.Adam([{"params": decay, "weight_decay": wd}, {"params": rest, "weight_decay": 0.0}], lr=lr)


# ----------------------------------------------------------------- quality

def quality(args):
    torch.set_num_threads(args.threads)
    split = {}
    with open(args.split) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b = line.split()
            split[int(a)] = b
    nodes = sorted(split)          # sprig's largest component keeps the input order
    new = {v: i for i, v in enumerate(nodes)}
    src, dst = read_edges(args.edges)
    keep = np.array([s in new and d in new for s, d in zip(src, dst)])
    s2 = np.array([new[v] for v in src[keep]], dtype=np.int64)
    d2 = np.array([new[v] for v in dst[keep]], dtype=np.int64)
    n = len(nodes)
    g = Graph(n, s2, d2)
    lab_raw = read_labels(args.labels)
    names = sorted(set(lab_raw[v] for v in nodes), key=lambda t: (float(t) if _isnum(t) else 0, t))
    cls = {t: i for i, t in enumerate(names)}
    y = torch.tensor([cls[lab_raw[v]] for v in nodes])
    masks = {k: torch.tensor([new[v] for v in nodes if split[v] == k]) for k in ("train", "valid", "test")}
    torch.manual_seed(args.seed)
    delta = float(torch.log(g.deg[masks["train"]] + 1).mean())
    model = Net(args.model, n, args.hidden, len(names), args.layers, args.dropout, True, delta)
    x = None  # identity (one-hot) features: Lin and GIN use W in place of I·W
    opt = make_optimizer(model, args.lr, args.weight_decay)
    best_val, best_epoch, best_state = -1.0, 0, None
    t0 = time.time()
    epochs = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        opt.zero_grad()
        out = model(g, x)
        loss = F.cross_entropy(out[masks["train"]], y[masks["train"]])
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            pred = model(g, x).argmax(1)
        val = (pred[masks["valid"]] == y[masks["valid"]]).float().mean().item()
        epochs = epoch
        if val > best_val:
            best_val, best_epoch = val, epoch
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        if args.patience > 0 and epoch - best_epoch >= args.patience:
            break
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        pred = model(g, x).argmax(1)
    acc = {k: (pred[m] == y[m]).float().mean().item() for k, m in masks.items()}
    print(json.dumps({"model": args.model, "seed": args.seed, "nodes": n, "epochs": epochs, "best_epoch": best_epoch,
                      "val_accuracy": acc["valid"], "test_accuracy": acc["test"], "seconds": time.time() - t0}))


def _isnum(t):
    try:
        float(t)
        return True
    except ValueError:
        return False


# ----------------------------------------------------------------- speed

def speed(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.graph.endswith(".h5"):
        n, src, dst = read_h5_csr(args.graph)
    else:
        src, dst = read_edges(args.graph)
        n = int(max(src.max(), dst.max())) + 1
    t0 = time.time()
    g = Graph(n, src, dst)
    prep = time.time() - t0
    x = torch.randn(n, args.features)
    y = torch.randint(0, args.classes, (n,))
    delta = float(torch.log(g.deg + 1).mean())
    model = Net(args.model, args.features, args.hidden, args.classes, args.layers, args.dropout, False, delta)
    opt = make_optimizer(model, args.lr, args.weight_decay)
    times, cpu = [], []
    for t in range(args.warmup + args.trials):
        w0, c0 = time.perf_counter(), time.process_time()
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(g, x), y)
        loss.backward()
        opt.step()
        w1, c1 = time.perf_counter(), time.process_time()
        if t >= args.warmup:
            times.append(w1 - w0)
            cpu.append(c1 - c0)
    times.sort()
    cpu.sort()
    print(json.dumps({"peer": "torch " + torch.__version__, "model": args.model, "nodes": n, "arcs": int(len(g.row)),
                      "threads": args.threads, "epoch_seconds": times[len(times) // 2],
                      "epoch_cpu_seconds": cpu[len(cpu) // 2], "min_seconds": times[0], "prep_seconds": prep,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--edges", required=True)
    q.add_argument("--labels", required=True)
    q.add_argument("--split", required=True, help="the file `sprig train --write-split` wrote")
    s = sub.add_parser("speed")
    s.add_argument("--graph", required=True, help="a sprig .h5 file or an edge list")
    s.add_argument("--features", type=int, default=64)
    s.add_argument("--classes", type=int, default=16)
    s.add_argument("--trials", type=int, default=5)
    s.add_argument("--warmup", type=int, default=1)
    for a in (q, s):
        a.add_argument("--model", default="gcn", choices=sorted(CONVS))
        a.add_argument("--hidden", type=int, default=64)
        a.add_argument("--layers", type=int, default=2)
        a.add_argument("--epochs", type=int, default=200)
        a.add_argument("--lr", type=float, default=0.01)
        a.add_argument("--weight-decay", type=float, default=5e-4)
        a.add_argument("--dropout", type=float, default=0.5)
        a.add_argument("--patience", type=int, default=100)
        a.add_argument("--seed", type=int, default=1)
        a.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    quality(args) if args.mode == "quality" else speed(args)


if __name__ == "__main__":
    main()
