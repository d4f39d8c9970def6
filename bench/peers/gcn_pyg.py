#!/usr/bin/env python3
"""PyTorch Geometric peer of `sprig-bench gpu`'s GCN epoch (bench/gpu_check.sh).

Reads the graph sprig timed (`sprig-bench gpu --only gcn --dump-csr DIR` writes
DIR/offsets.i64 and DIR/targets.i32, raw little-endian, and DIR/sprig_gcn.json
with sprig's epoch seconds), builds the same problem on the GPU — random
features (width from the JSON), 16 random classes, a 60% training mask, a
2-layer GCN (GCNConv in→64, ReLU, dropout 0.5, GCNConv 64→16; self-loops and
symmetric normalisation as sprig's GCN; cached=True, the transductive setting
PyG recommends, as sprig also normalises once per training), Adam (lr 0.01,
weight decay 5e-4) — and times the same epoch as sprig: training forward,
cross-entropy, backward, Adam step, then the evaluation forward and a
validation accuracy read back to the host. Prints one markdown row of the
gpu_check table: PyG's median epoch and sprig's speed-up over it.

    python3 bench/peers/gcn_pyg.py --dir build/gpu-check/gcn_csr
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", required=True, help="the folder sprig-bench gpu --dump-csr wrote")
    p.add_argument("--epochs", type=int, default=20, help="timed epochs")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    import torch_geometric
    from torch_geometric.nn import GCNConv

    if not torch.cuda.is_available():
        sys.exit("gcn_pyg.py: torch sees no CUDA device")
    meta = json.load(open(os.path.join(args.dir, "sprig_gcn.json")))
    off = np.fromfile(os.path.join(args.dir, "offsets.i64"), dtype="<i8")
    tgt = np.fromfile(os.path.join(args.dir, "targets.i32"), dtype="<i4")
    n = len(off) - 1
    if n <= 0 or off[-1] != len(tgt):
        sys.exit(f"gcn_pyg.py: {args.dir}: offsets end at {off[-1]} but there are {len(tgt)} targets")
    dev = torch.device("cuda")
    # Row r pulls from its targets: messages flow target → r (PyG: edge_index = [source, destination]).
    dst = torch.from_numpy(np.repeat(np.arange(n, dtype=np.int64), np.diff(off)))
    src = torch.from_numpy(tgt.astype(np.int64))
    edge_index = torch.stack([src, dst]).to(dev)
    torch.manual_seed(args.seed)
    feats, classes = int(meta["features"]), int(meta["classes"])
    x = (torch.rand(n, feats) - 0.5).to(dev)
    y = torch.randint(0, classes, (n,)).to(dev)
    perm = torch.randperm(n)
    train = perm[: int(0.6 * n)].to(dev)
    valid = perm[int(0.6 * n): int(0.8 * n)].to(dev)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = GCNConv(feats, 64, cached=True)
            self.c2 = GCNConv(64, classes, cached=True)

        def forward(self, x, ei):
            h = F.relu(self.c1(x, ei))
            h = F.dropout(h, p=0.5, training=self.training)
            return self.c2(h, ei)

    model = Net().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)

    def epoch():
        model.train()
        opt.zero_grad()
        out = model(x, edge_index)
        loss = F.cross_entropy(out[train], y[train])
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            out = model(x, edge_index)
            return (out[valid].argmax(1) == y[valid]).float().mean().item()  # synchronises

    for _ in range(args.warmup):
        epoch()
    times = []
    for _ in range(args.epochs):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        epoch()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    times.sort()
    t = times[len(times) // 2]
    sprig = float(meta["sprig_gpu_epoch_s"])
    name = torch.cuda.get_device_name(0)
    print(f"| {name} | {meta['graph']} ({len(tgt)} arcs) | gcn epoch, PyG {torch_geometric.__version__} "
          f"(torch {torch.__version__}, GCNConv cached) | - | - | {t:.4f} | - | "
          f"sprig GPU epoch {sprig:.4f} s: {t / sprig:.2f}x faster than PyG |")


if __name__ == "__main__":
    main()
