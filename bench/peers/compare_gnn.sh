#!/bin/sh
# GNN comparisons of sprig against the plain-PyTorch reference (gnn_torch.py).
#
#   bench/peers/compare_gnn.sh quality [BUILD]   accuracy table (5 seeds, identical splits)
#   bench/peers/compare_gnn.sh speed [BUILD]     epoch time, sprig vs torch at 2 threads
#
# BUILD is the CMake build folder (default build/release). Speed graphs: polblogs
# (symmetrised) and a synthetic Erdős–Rényi graph of SYN_NODES nodes and
# SYN_EDGES undirected edges (defaults 1000000 and 5000000, i.e. 10M arcs), 64
# random features, hidden 64, 2 layers. Set SYN_NODES/SYN_EDGES to scale down,
# GRAPHS="polblogs" or "syn" to run one, MODELS to pick models, TRIALS /
# SYN_TRIALS for the timed epochs (defaults 5 and 3, each after 1 warm-up).
# Times are medians of wall and CPU (process) seconds per epoch; ratio = torch/sprig.
# Quality: identity features, 2 layers, hidden 64, 200 epochs, seeded 60/20/20
# split written by `sprig train --write-split` and read by the torch script.
set -eu
MODE=${1:-quality}
BUILD=${2:-build/release}
QUALITY_MODELS=${QUALITY_MODELS:-gcn sage gin pna}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SPRIG="$ROOT/$BUILD/cli/sprig"
[ -x "$SPRIG" ] || SPRIG="$ROOT/$BUILD/sprig"
BENCH="$ROOT/$BUILD/bench/sprig-bench"
[ -x "$BENCH" ] || BENCH="$ROOT/$BUILD/sprig-bench"
PY=/usr/bin/python3
TORCH="$ROOT/bench/peers/gnn_torch.py"
DATA="$ROOT/data"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SEEDS=${SEEDS:-"1 2 3 4 5"}
# Torch's OpenMP threads busy-wait at every barrier by default; on a loaded machine
# that spinning is most of its CPU time (measured: 0.35 vs 0.024 CPU-s per polblogs
# SAGE epoch). Passive waiting changes no result, only what the CPU clock counts.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

mean() { $PY -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print(f"{sum(v)/len(v):.4f}")' "$@"; }
# The value of key $1 in the JSON on stdin: the whole text (sprig-bench pretty-prints) or its last line.
field() { $PY -c '
import json, sys
t = sys.stdin.read().strip()
try:
    d = json.loads(t)
except ValueError:
    d = json.loads(t.splitlines()[-1])
print(d[sys.argv[1]])' "$1"; }

if [ "$MODE" = quality ]; then
  printf '%-10s %-5s %9s %9s %9s %8s\n' dataset model reference torch sprig sprig-ref
  for row in "polblogs gcn 0.960 --largest-component" "polblogs sage 0.953 --largest-component" \
             "polblogs gin 0.945 --largest-component" "polblogs pna 0.951 --largest-component" \
             "football gcn 0.913 "; do
    set -- $row
    ds=$1; model=$2; ref=$3; extra=${4:-}
    case " ${QUALITY_MODELS:-gcn sage gin pna} " in *" $model "*) ;; *) continue ;; esac
    s_acc=""; t_acc=""
    for seed in $SEEDS; do
      out=$("$SPRIG" train "$DATA/$ds.edges.gz" --labels "$DATA/$ds.labels" --task node --model "$model" \
            --hidden 64 --layers 2 --epochs 200 --lr 0.01 --seed "$seed" $extra --write-split "$TMP/split" \
            --json --quiet --threads 2)
      s_acc="$s_acc $(echo "$out" | field test_accuracy)"
      tout=$($PY "$TORCH" quality --edges "$DATA/$ds.edges.gz" --labels "$DATA/$ds.labels" --split "$TMP/split" \
             --model "$model" --seed "$seed" --threads 2)
      t_acc="$t_acc $(echo "$tout" | field test_accuracy)"
    done
    sm=$(mean $s_acc); tm=$(mean $t_acc)
    printf '%-10s %-5s %9s %9s %9s %+8.4f   per seed: torch%s | sprig%s\n' "$ds" "$model" "$ref" "$tm" "$sm" \
      "$($PY -c "print($sm-$ref)")" "$t_acc" "$s_acc"
  done
  exit 0
fi

# ---- speed
SYN_NODES=${SYN_NODES:-1000000}
SYN_EDGES=${SYN_EDGES:-5000000}
MODELS=${MODELS:-"gcn sage gin pna gat lcm"}
GRAPHS=${GRAPHS:-"polblogs syn"}
TRIALS=${TRIALS:-5}          # timed epochs on polblogs (after 1 warm-up)
SYN_TRIALS=${SYN_TRIALS:-3}  # timed epochs on the synthetic graph (after 1 warm-up)
"$SPRIG" convert "$DATA/polblogs.edges.gz" "$TMP/polblogs.h5" --quiet
case " $GRAPHS " in *" syn "*)
  "$SPRIG" generate er --nodes "$SYN_NODES" --edges "$SYN_EDGES" -o "$TMP/syn.edges" --seed 1 --quiet
  "$SPRIG" convert "$TMP/syn.edges" "$TMP/syn.h5" --quiet ;;
esac
printf '%-22s %-5s %12s %12s %12s %12s %8s %8s\n' graph model sprig_s sprig_cpu torch_s torch_cpu ratio cpu_ratio
for g in $GRAPHS; do
  tr=$TRIALS; [ "$g" = syn ] && tr=$SYN_TRIALS
  for model in $MODELS; do
    s=$("$BENCH" gnn --model "$model" --graph "$TMP/$g.h5" --threads 2 --trials "$tr" --warmup 1 --json --quiet) || continue
    ss=$(echo "$s" | field epoch_seconds); sc=$(echo "$s" | field epoch_cpu_seconds)
    if [ "$model" = gat ] || [ "$model" = lcm ]; then
      ts="-"; tc="-"; ratio="-"; cratio="-"
    else
      t=$($PY "$TORCH" speed --graph "$TMP/$g.h5" --model "$model" --threads 2 --trials "$tr" --warmup 1)
      ts=$(echo "$t" | field epoch_seconds); tc=$(echo "$t" | field epoch_cpu_seconds)
      ratio=$($PY -c "print(f'{$ts/$ss:.2f}x')"); cratio=$($PY -c "print(f'{$tc/$sc:.2f}x')")
    fi
    name=$g; [ "$g" = syn ] && name="er:$SYN_NODES:$SYN_EDGES"
    printf '%-22s %-5s %12.4f %12.4f %12s %12s %8s %8s\n' "$name" "$model" "$ss" "$sc" "$ts" "$tc" "$ratio" "$cratio"
  done
done
