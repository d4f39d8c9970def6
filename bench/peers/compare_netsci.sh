#!/usr/bin/env bash
# sprig-bench netsci (1 and 2 threads) side by side with python-igraph on
# email-Enron, pgp-strong-2009 and R-MAT scale 20 (edge factor 16, seed 1),
# the eight measures of issue 8 (+ Leiden). One command, one table: wall
# seconds (median), CPU seconds (user + system, all threads), igraph/sprig
# ratios, and what each side computed (Louvain/Leiden modularity, power-law
# alpha and xmin) so equal work can be checked.
# Usage: bench/peers/compare_netsci.sh [BUILD_DIR] [GRAPHS...]
#   BUILD_DIR defaults to build/release; GRAPHS to "email-Enron pgp-strong-2009 rmat20".
# Environment (defaults in brackets):
#   MEASURES [triangles,clustering,kcore,components,pagerank,betweenness,louvain,leiden,powerlaw]
#   BC_SOURCES [0]: betweenness from the first K nodes in both tools (igraph's
#     `sources=` needs python-igraph >= 0.10.5; Debian's 0.10.2 has none), 0: exact.
#   BC_RMAT_SCALE [14]: exact betweenness on R-MAT scale 20 takes hours in igraph
#     and 0.10.2 cannot restrict sources, so an rmatS row's betweenness runs on the
#     R-MAT of scale min(S, BC_RMAT_SCALE) (edge factor 16, seed 1), the same file for
#     both tools. Betweenness alone: MEASURES=betweenness ... rmat14.
#   PL_PRECISION [0.5]: igraph's power_law_fit always bootstraps its p-value with
#     ceil(0.25/P^2) replicates (0.5 -> 1, the least it allows; its default 0.01 ->
#     2500); sprig is given the same number of replicates (--powerlaw-samples).
#   LOUVAIN_ROUNDS [1]: sprig Louvain rounds (1 = one multilevel run to
#     convergence, the work of igraph's community_multilevel; the library default is 10).
#   CAP [900, rmat 1800]: seconds after which an igraph measure is abandoned.
#   TRIALS [9]: timed runs per measure on the real graphs (median; R-MAT: 1).
# igraph runs with OMP_NUM_THREADS=1 ("igraph 1 thr"); its PageRank (PRPACK, the
# one OpenMP-parallel measure here) runs again with OMP_NUM_THREADS=2 ("igraph 2
# thr"), and the 2-thread ratio is against the faster of igraph's two runs.
# R-MAT files are written once (sprig convert) under $TMPDIR/sprig-compare-netsci
# and fed to both tools. Triangles on R-MAT: igraph's per-node counts
# (transitivity_local_undirected) since list_triangles would hold 424 M triangles.
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
BC_SOURCES=${BC_SOURCES:-0}
BC_RMAT_SCALE=${BC_RMAT_SCALE:-14}
PL_PRECISION=${PL_PRECISION:-0.5}
PL_SAMPLES=$("$PY" -c "import math; print(math.ceil(0.25 / $PL_PRECISION ** 2 - 1e-9))")
LOUVAIN_ROUNDS=${LOUVAIN_ROUNDS:-1}
TRIALS=${TRIALS:-9}

rmat() {  # rmat SCALE -> path of the shared R-MAT file
  local f=$TMP/rmat$1.edges.gz
  [[ -s $f ]] || "$SPRIG" convert "rmat:$1:16" "$f" --seed 1 --quiet --level 1 >/dev/null
  echo "$f"
}
has() { [[ ,$1, == *,$2,* ]]; }
without() { local IFS=,; local out=(); for m in $1; do [[ $m == "$2" ]] || out+=("$m"); done; echo "${out[*]}"; }

# run NAME FILE MEASURES TRIALS TRIANGLES CAP: sprig at 1 and 2 threads, then igraph.
run() {
  local name=$1 f=$2 ms=$3 trials=$4 tri=$5 cap=$6 fast
  fast=$(without "$ms" betweenness)
  for T in 1 2; do
    echo "compare_netsci: $name sprig $T thread(s) ($(date -u +%T))" >&2
    if [[ -n $fast ]]; then
      "$BENCH" netsci --graph "$f" --threads "$T" --trials "$trials" --warmup 1 --json --measures "$fast" \
        --louvain-rounds "$LOUVAIN_ROUNDS" --powerlaw-samples "$PL_SAMPLES" > "$TMP/$name.sprig$T.json"
    else
      echo '{"time": {}}' > "$TMP/$name.sprig$T.json"
    fi
    if has "$ms" betweenness; then  # one run: seconds to minutes
      "$BENCH" netsci --graph "$f" --threads "$T" --trials 1 --warmup 0 --json --measures betweenness \
        --betweenness-sources "$BC_SOURCES" > "$TMP/$name.sprig$T.bc.json"
    else
      echo '{"time": {}}' > "$TMP/$name.sprig$T.bc.json"
    fi
  done
  echo "compare_netsci: $name igraph ($(date -u +%T))" >&2
  OMP_NUM_THREADS=1 "$PY" "$ROOT/bench/peers/netsci_igraph.py" --graph "$f" --trials "$trials" --measures "$ms" \
    --betweenness-sources "$BC_SOURCES" --triangles "$tri" --cap "$cap" --powerlaw-precision "$PL_PRECISION" \
    > "$TMP/$name.igraph.json"
  # igraph's PageRank (PRPACK) runs on OpenMP threads: time it on 2 as well
  if has "$ms" pagerank; then
    echo "compare_netsci: $name igraph pagerank, 2 OpenMP threads ($(date -u +%T))" >&2
    OMP_NUM_THREADS=2 "$PY" "$ROOT/bench/peers/netsci_igraph.py" --graph "$f" --trials "$trials" --measures pagerank \
      --cap "$cap" > "$TMP/$name.igraph2.json"
  else
    echo '{"time": {}, "cpu": {}}' > "$TMP/$name.igraph2.json"
  fi
}

NAMES=()
for G in $GRAPHS; do
  case $G in
    rmat*)
      S=${G#rmat}
      REST=$(without "$MEASURES" betweenness)
      if [[ -n $REST ]]; then
        run "$G" "$(rmat "$S")" "$REST" 1 local "${CAP:-1800}"
        NAMES+=("$G")
      fi
      if has "$MEASURES" betweenness; then  # on this R-MAT if it is no larger than BC_RMAT_SCALE
        B=$(( S < BC_RMAT_SCALE ? S : BC_RMAT_SCALE ))
        run "rmat$B-bc" "$(rmat "$B")" betweenness 1 local "${CAP:-1800}"
        NAMES+=("rmat$B-bc")
      fi ;;
    *) run "$G" "$DATA/$G.edges.gz" "$MEASURES" "$TRIALS" list "${CAP:-900}"; NAMES+=("$G") ;;
  esac
done

"$PY" - "$TMP" "${NAMES[@]}" <<'PYEOF'
import json, sys
tmp, names = sys.argv[1], sys.argv[2:]
def load(g, t):
    a = json.load(open(f"{tmp}/{g}.sprig{t}.json")); b = json.load(open(f"{tmp}/{g}.sprig{t}.bc.json"))
    a.setdefault("time", {}).update(b.get("time", {}))
    return a
def r(a, b): return f"{a / b:.1f}×" if a and b else "—"
print("Wall seconds (CPU seconds); ratio = igraph / sprig.")
print()
print("| graph | measure | sprig 1 thr | sprig 2 thr | igraph 1 thr | igraph 2 thr | ratio 1 thr wall (CPU) | ratio 2 thr wall (CPU) | result sprig / igraph |")
print("|---|---|---|---|---|---|---|---|---|")
for g in names:
    s1, s2 = load(g, 1), load(g, 2)
    p = json.load(open(f"{tmp}/{g}.igraph.json"))
    p2 = json.load(open(f"{tmp}/{g}.igraph2.json"))
    label = g if not g.endswith("-bc") else g[:-3] + " (betweenness only)"
    for m, t1 in s1["time"].items():
        t2 = s2["time"][m]; pw = p["time"].get(m); pc = p["cpu"].get(m)
        w1, c1, w2, c2 = t1["median_s"], t1["cpu_median_s"], t2["median_s"], t2["cpu_median_s"]
        peer = f"{pw:.4g} ({pc:.4g})" if pw is not None else p.get(m + "_note", "not run")
        res = ""
        if "modularity" in t1:
            q = p.get("modularity", {}).get(m)
            res = f"Q {t1['modularity']:.4f} / " + (f"{q:.4f}" if q is not None else "—")
        elif m == "powerlaw" and "alpha" in p:
            res = (f"α {t1['alpha']:.6g} / {p['alpha']['powerlaw']:.6g}, xmin {t1['xmin']} / {p['xmin']['powerlaw']:g}"
                   f" ({s1.get('powerlaw_samples', 0)} / {p.get('powerlaw_samples')} bootstrap)")
        pw2, pc2 = p2["time"].get(m), p2["cpu"].get(m)
        peer2 = f"{pw2:.4g} ({pc2:.4g})" if pw2 is not None else "(sequential)"
        bw, bc = (pw, pc) if pw2 is None or (pw is not None and pw <= pw2) else (pw2, pc2)  # igraph's faster run
        print(f"| {label} | {m} | {w1:.4g} ({c1:.4g}) | {w2:.4g} ({c2:.4g}) | {peer} | {peer2} | {r(pw, w1)} ({r(pc, c1)}) | {r(bw, w2)} ({r(bc, c2)}) | {res} |")
PYEOF
