#!/bin/bash
# Embeddings side by side, one command: sprig vs the reference FastRP Python
# code, SNAP's node2vec and gensim Word2Vec — quality with sprig's evaluators
# (sprig-bench embed-eval) and speed in wall and CPU-seconds, each pair run
# back to back. Prints one line per measurement and the ratios at the end.
#
# Usage: bench/peers/compare_embed.sh [BUILD_DIR] [THREADS]
#   BUILD_DIR  a sprig build (default build/release); THREADS default 2.
# Needs: data/ (cond-mat, polblogs), ../shared/data/email-Enron.edges.gz,
#   /usr/bin/python3 with scipy, scikit-learn, gensim (scripts/deps.sh), and
#   SNAP's node2vec built outside the repo:
#     git clone https://github.com/snap-stanford/snap /work/peers/snap
#     make -C /work/peers/snap/examples/node2vec
#   (SNAP=/path/to/node2vec overrides; rows are skipped with a note when absent).
# SKIP_SLOW=1 skips the SNAP end-to-end run on cond-mat (≈ 330 CPU-seconds);
# SKIP_RMAT=1 skips FastRP on R-MAT 2^22 nodes / 2^26 edges (≈ 9 GB of memory).
# FASTRP_ONLY=1 runs only the FastRP speed rows (cond-mat and email-Enron vs the
# reference Python, R-MAT 2^22 vs the measured bandwidth bound) and exits.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build/release}
THREADS=${2:-2}
BENCH=$BUILD/bench/sprig-bench
SNAP=${SNAP:-/work/peers/snap/examples/node2vec/node2vec}
PY=/usr/bin/python3
ENRON=${ENRON:-$ROOT/../shared/data/email-Enron.edges.gz}
CONDMAT=$ROOT/data/cond-mat.edges.gz
POLBLOGS=$ROOT/data/polblogs.edges.gz
WORK=$(mktemp -d /tmp/compare_embed.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=$THREADS
[ -x "$BENCH" ] || { echo "no $BENCH: build sprig-bench first" >&2; exit 1; }

# cpu_time CMD... : runs CMD (its output discarded), prints "wall user+sys" of it (children included).
cpu_time() {
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >/dev/null 2>&1 || return 1
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$WORK/time"
}
json() { $PY -c "import json,sys; r=json.load(open('$1')); print($2)"; }

echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# date: $(date -u +%F' '%H:%M) UTC; threads $THREADS"

# ---- speed: FastRP's embedding step (d=128, 4 iterations) vs the reference Python, back to back per
# graph, wall and CPU-seconds (user+sys, all threads; sprig: median of its trials, reference: median of
# its trials), and R-MAT 2^22 nodes / 2^26 edges vs the memory-bandwidth bound measured in the same run ----
fastrp_speed() {
  local name path st rt ours ref
  for spec in "cond-mat|$CONDMAT|15|5" "email-Enron|$ENRON|5|3"; do
    IFS='|' read -r name path st rt <<< "$spec"
    [ -f "$path" ] || { echo "speed FastRP $name: skipped ($path missing)"; continue; }
    "$BENCH" fastrp --graph "$path" --threads "$THREADS" --trials "$st" --verify --json > "$WORK/frp_$name.json" || {
      echo "speed FastRP $name: sprig-bench failed"; continue; }
    $PY "$ROOT/bench/peers/embed_fastrp_ref.py" "$path" --trials "$rt" 2>/dev/null > "$WORK/frp_ref_$name.json" || {
      echo "speed FastRP $name: reference failed"; continue; }
    $PY - "$WORK/frp_$name.json" "$WORK/frp_ref_$name.json" "$name" <<'PYEOF'
import json, sys
o, r, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
ow, oc, rw, rc = o["time"]["median_s"], o["cpu_s"], r["seconds"], r["cpu_seconds"]
print(f"speed FastRP {name} ({o['nodes']} nodes, {o['arcs']} arcs): sprig {ow:.4f} s wall, {oc:.4f} CPU-s; "
      f"reference {rw:.3f} s wall, {rc:.3f} CPU-s; ratio {rw / ow:.1f}x wall, {rc / oc:.1f}x CPU-s")
PYEOF
  done
  if [ -z "${SKIP_RMAT:-}" ]; then
    "$BENCH" fastrp --graph rmat:22:16 --threads "$THREADS" --trials 2 --warmup 0 --json > "$WORK/frp_rmat.json" &&
      json "$WORK/frp_rmat.json" "f\"speed FastRP rmat:22:16 ({r['nodes']} nodes, {r['arcs']} arcs): {r['time']['median_s']:.2f} s wall, {r['cpu_s']:.1f} CPU-s, bound {r['bandwidth_bound_s']:.2f} s at {r['read_bandwidth_gbs']:.1f} GB/s read, ratio to bound {r['ratio_to_bound']:.2f}x, peak RSS {r['peak_rss_bytes']/1e9:.1f} GB\""
  fi
}
if [ -n "${FASTRP_ONLY:-}" ]; then
  fastrp_speed
  exit 0
fi

# ---- quality: cond-mat link prediction (10% held out, dot-product AUC) ----
LP=$WORK/lp
"$BENCH" embed-eval --graph "$CONDMAT" --task linkpred --export-dir "$LP" --methods fastrp,node2vec \
  --p 0.25 --q 4 --threads "$THREADS" --json > "$WORK/lp_sprig.json"
json "$WORK/lp_sprig.json" "'\n'.join(f\"quality cond-mat AUC {x['method']}: {x['auc']:.4f}\" for x in r['rows'])"
evals=()
for s in 0 1 2 3 4; do
  $PY "$ROOT/bench/peers/embed_fastrp_ref.py" "$LP/graph.edges" --seed $s --save-npy "$LP/ref$s.npy" 2>/dev/null >/dev/null
  evals+=(--eval "$LP/ref$s.npy")
done
if [ -x "$SNAP" ] && [ -z "${SKIP_SLOW:-}" ]; then
  read -r w c < <(cpu_time "$SNAP" -i:"$LP/graph.edges" -o:"$LP/snap.emb" -d:128 -l:80 -r:10 -k:10 -e:1 -p:0.25 -q:4)
  echo "speed node2vec end to end cond-mat-train SNAP: ${w} s wall, ${c} CPU-s"
  SNAP_E2E=$c
  evals+=(--eval "$LP/snap.emb")
fi
"$BENCH" embed-eval --graph "$CONDMAT" --task linkpred --methods "" "${evals[@]}" --json > "$WORK/lp_peers.json"
json "$WORK/lp_peers.json" "'\n'.join(f\"quality cond-mat AUC {x['method'].split('/')[-1]}: {x['auc']:.4f}\" for x in r['rows'])"

# ---- quality: polblogs classification (largest component, 50% train, 5 splits) ----
PB=$WORK/pb
"$BENCH" embed-eval --graph "$POLBLOGS" --task classify --labels "$ROOT/data/polblogs.labels" --export-dir "$PB" \
  --methods fastrp,node2vec --p 0.25 --q 4 --threads "$THREADS" --json > "$WORK/pb_sprig.json"
json "$WORK/pb_sprig.json" "'\n'.join(f\"quality polblogs Micro-F1 {x['method']}: {x['micro_f1']:.4f}\" for x in r['rows'])"
evals=()
if [ -x "$SNAP" ]; then
  read -r w c < <(cpu_time "$SNAP" -i:"$PB/graph.edges" -o:"$PB/snap.emb" -d:128 -l:80 -r:10 -k:10 -e:1 -p:0.25 -q:4)
  echo "speed node2vec end to end polblogs SNAP: ${w} s wall, ${c} CPU-s"
  evals+=(--eval "$PB/snap.emb")
fi
for s in 0 1 2 3 4; do
  $PY "$ROOT/bench/peers/embed_fastrp_ref.py" "$PB/graph.edges" --seed $s --save-npy "$PB/ref$s.npy" 2>/dev/null >/dev/null
  evals+=(--eval "$PB/ref$s.npy")
done
"$BENCH" embed-eval --graph "$POLBLOGS" --task classify --labels "$ROOT/data/polblogs.labels" --methods "" "${evals[@]}" \
  --json > "$WORK/pb_peers.json"
json "$WORK/pb_peers.json" "'\n'.join(f\"quality polblogs Micro-F1 {x['method'].split('/')[-1]}: {x['micro_f1']:.4f}\" for x in r['rows'])"

# ---- speed: FastRP (embedding step) vs the reference Python, R-MAT 22 vs the bandwidth bound ----
fastrp_speed

# ---- speed: node2vec walks on email-Enron (r=10, l=80, p=0.25, q=4) ----
if [ -f "$ENRON" ]; then
  "$BENCH" walks --graph "$ENRON" --threads "$THREADS" --trials 3 --p 0.25 --q 4 --json > "$WORK/walks.json"
  json "$WORK/walks.json" "f\"speed node2vec walks email-Enron sprig: {r['uniform']['time']['median_s']:.2f} s wall, {r['uniform']['cpu_s']:.2f} CPU-s\""
  "$BENCH" walks --graph "$ENRON" --threads "$THREADS" --trials 3 --json > "$WORK/uwalks.json"
  json "$WORK/uwalks.json" "f\"speed uniform walks email-Enron sprig: {r['uniform']['steps_per_s']/1e6:.1f} M steps/s\""
  if [ -x "$SNAP" ]; then
    zcat "$ENRON" | grep -v '^#' | awk '{print $1, $2}' > "$WORK/enron.edges"
    read -r w c < <(cpu_time "$SNAP" -i:"$WORK/enron.edges" -o:"$WORK/enron.walks" -l:80 -r:10 -p:0.25 -q:4 -ow)
    echo "speed node2vec walks email-Enron SNAP (-ow, preprocessing included): ${w} s wall, ${c} CPU-s"
    json "$WORK/walks.json" "f\"ratio walks SNAP/sprig CPU-s: {$c / r['uniform']['cpu_s']:.1f}x\""
  fi
fi

# ---- speed: node2vec end to end on cond-mat's training graph (d=128, r=10, l=80, w=10, 1 epoch) vs gensim
# on the same walks, and gensim's embedding scored on the link-prediction task ----
"$BENCH" node2vec --graph "$LP/graph.edges" --threads "$THREADS" --trials 1 --warmup 0 --p 0.25 --q 4 \
  --walks-out "$WORK/cm.walks" --emb-out "$WORK/sprig_n2v.npy" --json > "$WORK/n2v.json"
json "$WORK/n2v.json" "f\"speed node2vec end to end cond-mat sprig: walks {r['walk_cpu_s']:.1f} + SGNS {r['train_cpu_s']:.1f} = {r['total_cpu_s']:.1f} CPU-s ({r['total_s']:.1f} s wall)\""
$PY "$ROOT/bench/peers/embed_gensim.py" "$WORK/cm.walks" --nodes 16726 --workers "$THREADS" --save-npy "$WORK/gensim.npy" \
  > "$WORK/gensim.json"
json "$WORK/gensim.json" "f\"speed gensim Word2Vec on the same walks: {r['train_s']:.1f} s wall, {r['train_cpu_s']:.1f} CPU-s\""
json "$WORK/gensim.json" "f\"ratio SGNS gensim/sprig CPU-s: {r['train_cpu_s'] / json.load(open('$WORK/n2v.json'))['train_cpu_s']:.2f}x\""
"$BENCH" embed-eval --graph "$CONDMAT" --task linkpred --methods "" --eval "$WORK/sprig_n2v.npy" --eval "$WORK/gensim.npy" \
  --json > "$WORK/lp_gensim.json"
json "$WORK/lp_gensim.json" "f\"quality cond-mat AUC on the same walks: sprig SGNS {r['rows'][0]['auc']:.4f}, gensim {r['rows'][1]['auc']:.4f}\""
if [ -n "${SNAP_E2E:-}" ]; then
  json "$WORK/n2v.json" "f\"ratio node2vec end to end SNAP/sprig CPU-s: {$SNAP_E2E / r['total_cpu_s']:.1f}x\""
fi
