#!/usr/bin/env bash
# sprig-bench netsci (1 and 2 threads) side by side with python-igraph on
# email-Enron, pgp-strong-2009 and R-MAT scale 20 (edge factor 16, seed 1).
# Prints one table: wall seconds (median), CPU seconds, and igraph/sprig ratios.
# Usage: bench/peers/compare_netsci.sh [BUILD_DIR] [GRAPHS...]
#   BUILD_DIR defaults to build/release; GRAPHS to "email-Enron pgp-strong-2009 rmat20".
# Betweenness: from the first K nodes as sources in both tools (K below), the
# same work (python-igraph >= 0.10.5 has subset betweenness; with Debian's
# 0.10.2 set BC_SOURCES=0 to time exact betweenness in both); triangles on R-MAT: igraph's per-node counts (transitivity_local)
# since list_triangles would hold 424 M triangles. Rerun on a quiet machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build/release}
shift || true
GRAPHS=${*:-"email-Enron pgp-strong-2009 rmat20"}
DATA=${SPRIG_SHARED_DATA:-$ROOT/../shared/data}
BENCH=${SPRIG_BENCH:-$BUILD/bench/sprig-bench}
SPRIG=${SPRIG_CLI:-$BUILD/cli/sprig}
PY=/usr/bin/python3
TMP=${TMPDIR:-/tmp}/sprig-compare-netsci
mkdir -p "$TMP"
MEASURES=${MEASURES:-triangles,clustering,kcore,components,pagerank,betweenness,louvain,leiden,powerlaw}
for G in $GRAPHS; do
  case $G in
    rmat20)
      F=$TMP/rmat20.edges.gz
      [[ -s $F ]] || "$SPRIG" convert rmat:20:16 "$F" --seed 1 --quiet --level 1 >/dev/null
      K=${BC_SOURCES:-20}; TRI=local; TRIALS=1; CAP=1200 ;;
    *) F=$DATA/$G.edges.gz; K=${BC_SOURCES:-500}; TRI=list; TRIALS=3; CAP=900 ;;
  esac
  for T in 1 2; do
    "$BENCH" netsci --graph "$F" --threads "$T" --trials "$TRIALS" --warmup 1 --json --measures "$MEASURES" \
      --betweenness-sources "$K" > "$TMP/$G.sprig$T.json"
  done
  "$PY" "$ROOT/bench/peers/netsci_igraph.py" --graph "$F" --trials "$TRIALS" --measures "$MEASURES" \
    --betweenness-sources "$K" --triangles "$TRI" --cap "$CAP" > "$TMP/$G.igraph.json"
done
"$PY" - "$TMP" $GRAPHS <<'PYEOF'
import json, sys
tmp, graphs = sys.argv[1], sys.argv[2:]
print("| graph | measure | sprig 1 thr wall s (CPU s) | sprig 2 thr wall s (CPU s) | igraph wall s (CPU s) | ratio 1 thr wall (CPU) | ratio 2 thr wall (CPU) |")
print("|---|---|---|---|---|---|---|")
for g in graphs:
    s1 = json.load(open(f"{tmp}/{g}.sprig1.json")); s2 = json.load(open(f"{tmp}/{g}.sprig2.json"))
    p = json.load(open(f"{tmp}/{g}.igraph.json"))
    for m, t1 in s1["time"].items():
        t2 = s2["time"][m]; pw = p["time"].get(m); pc = p["cpu"].get(m)
        if pw is None: pc = None
        w1, c1, w2, c2 = t1["median_s"], t1["cpu_median_s"], t2["median_s"], t2["cpu_median_s"]
        def r(a, b): return f"{a / b:.1f}×" if a and b else "—"
        peer = f"{pw:.4g} ({pc:.4g})" if pw is not None else p.get(m + "_note", "not run")
        print(f"| {g} | {m} | {w1:.4g} ({c1:.4g}) | {w2:.4g} ({c2:.4g}) | {peer} | {r(pw, w1)} ({r(pc, c1)}) | {r(pw, w2)} ({r(pc, c2)}) |")
PYEOF
