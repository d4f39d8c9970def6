#!/bin/sh
# SpMM kernels: sprig-bench spmm vs torch.sparse.mm (bench/peers/spmm_torch.py), same graph, same threads.
#
#   bench/peers/compare_spmm.sh [BUILD]
#
# BUILD: the CMake build folder (default build/release). Graphs: polblogs and a
# random G(n, m) written once to a temp edge list that both read (SYN_NODES,
# SYN_EDGES; defaults 1000000 and 5000000 undirected edges = 10M arcs). 64
# features, THREADS threads (default 2), TRIALS trials (default 5).
# Prints, per graph and kernel: wall ms, CPU ms (all threads), GB/s, and the
# torch/sprig ratio of wall and of CPU time; then sprig's layer times
# (SAGE-mean, LCM, GAT, PNA forward+backward on polblogs; SYN_LAYERS, default
# sage-mean,lcm, with one trial on the synthetic graph) and LCM / SAGE-mean.
set -eu
BUILD=${1:-build/release}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH="$ROOT/$BUILD/bench/sprig-bench"
[ -x "$BENCH" ] || BENCH="$ROOT/$BUILD/sprig-bench"
PY=/usr/bin/python3
THREADS=${THREADS:-2}
TRIALS=${TRIALS:-5}
SYN_NODES=${SYN_NODES:-1000000}
SYN_EDGES=${SYN_EDGES:-5000000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
$PY - "$SYN_NODES" "$SYN_EDGES" "$TMP/er.edges" <<'PYEOF'
import sys, numpy as np
n, m, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(7)
u = rng.integers(0, n, size=int(m * 1.05)); v = rng.integers(0, n, size=int(m * 1.05))
keep = u != v
a, b = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
key = np.unique(a.astype(np.int64) * n + b)[:m]
with open(out, "w") as f:
    f.write(f"# er: undirected, {n} nodes, {len(key)} edges\n")
    np.savetxt(f, np.stack([key // n, key % n], axis=1), fmt="%d")
PYEOF
for G in "$ROOT/data/polblogs.edges.gz" "$TMP/er.edges"; do
  # Layers: every kind on polblogs; on the synthetic graph SYN_LAYERS (LCM is O(m·F²)) with one trial.
  if [ "$G" = "$TMP/er.edges" ]; then LAYERS=${SYN_LAYERS:-sage-mean,lcm}; LT="--trials 1 --warmup 0"; else LAYERS=sage-mean,lcm,gat,pna; LT="--trials $TRIALS"; fi
  "$BENCH" spmm --graph "$G" --threads "$THREADS" --trials "$TRIALS" --layers "" --json > "$TMP/sprig.json"
  "$BENCH" spmm --graph "$G" --threads "$THREADS" $LT --layers "$LAYERS" --json > "$TMP/layers.json"
  $PY "$ROOT/bench/peers/spmm_torch.py" --graph "$G" --threads "$THREADS" --trials "$TRIALS" > "$TMP/torch.json"
  $PY - "$TMP/sprig.json" "$TMP/torch.json" "$(basename "$G")" "$TMP/layers.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1])); t = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
lay = json.load(open(sys.argv[4]))["results"]
print(f"== {sys.argv[3]}: {s['nodes']} nodes, {s['arcs']} arcs, {s['features']} features, {s['threads']} threads")
print(f"{'kernel':14s} {'sprig ms':>9s} {'cpu ms':>8s} {'GB/s':>6s} | {'torch ms':>9s} {'cpu ms':>8s} {'GB/s':>6s} | {'wall x':>6s} {'cpu x':>6s}")
for k in ("spmm_sum", "spmm_mean_bwd"):
    a, b = s["results"][k], t["results"][k]
    sw, sc, tw, tc = a["wall"]["median_s"], a["cpu_seconds"], b["wall_s"], b["cpu_seconds"]
    print(f"{k:14s} {sw*1e3:9.2f} {sc*1e3:8.2f} {a['gbytes_per_s']:6.1f} | {tw*1e3:9.2f} {tc*1e3:8.2f} {b['gbytes_per_s']:6.1f} | {tw/sw:6.2f} {tc/max(sc,1e-9):6.2f}  (torch: {b['variant']})")
r = lay
for k in r:
    if k.startswith("layer_"):
        print(f"{k:20s} fwd+bwd {r[k]['wall']['median_s']*1e3:9.2f} ms wall {r[k]['cpu_seconds']*1e3:9.2f} ms cpu")
if "layer_lcm" in r and "layer_sage-mean" in r:
    print(f"LCM / SAGE-mean: wall {r['layer_lcm']['wall']['median_s']/r['layer_sage-mean']['wall']['median_s']:.1f}x, "
          f"cpu {r['layer_lcm']['cpu_seconds']/max(r['layer_sage-mean']['cpu_seconds'],1e-9):.1f}x")
PYEOF
done
