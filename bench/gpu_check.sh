#!/usr/bin/env bash
# bench/gpu_check.sh — the one command to run when a GPU machine is at hand.
#
#   bench/gpu_check.sh                 # from anywhere; needs only the repo + the Debian deps + CUDA
#   SCALES="22" bench/gpu_check.sh     # fewer R-MAT graphs when time is short
#
# 1. configures and builds sprig with CUDA (SPRIG_WITH_CUDA=ON, sm_90 + PTX) in
#    build/gpu-check: the library, sprig_gpu_tests and sprig-bench only;
# 2. checks that every piece it will call exists (sprig-bench's gpu kernel, the
#    PyG peer script compiles);
# 3. runs sprig_gpu_tests (GPU results equal to the CPU's: walks and pair scores
#    identical, FastRP / SpMM within 1e-5 relative, GNN training within 1e-4,
#    streamed row blocks = resident) — exit 77 there means no GPU: the script
#    then says so and exits 77 (nothing timed, nothing failed);
# 4. times CPU vs GPU on R-MAT scales $SCALES (default 22 24): FastRP (dim 128),
#    one SpMM (bandwidth), GCN propagation fwd+bwd (64 features), uniform walks
#    (1 per node, length 80), CN/Jaccard/AA/RA for 10M pairs; each GPU result is
#    checked against the CPU's again;
# 5. times one GCN training epoch CPU vs GPU on the issue's 1M-node / 10M-arc
#    graph ($GCN_GRAPH, default er:1000000:5000000) with 64 features, the GPU
#    model checked against the CPU's, and the same epoch in PyG when
#    `python3 -c "import torch_geometric"` works (bench/peers/gcn_pyg.py);
# 6. prints one markdown table (also saved to build/gpu-check/gpu_check.md) to
#    paste into bench/RESULTS.md under "## GPU", with the card and date.
# Any failed step prints its log and makes the exit status non-zero; a FAIL in
# a check column does too. Budget: < 8 minutes on an H100 machine with 16 cores
# (build ≈ 2–3 min).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=${SCALES:-"22 24"}
GCN_GRAPH=${GCN_GRAPH:-"er:1000000:5000000"}
JOBS=${JOBS:-$(nproc)}
BUILD=${BUILD:-build/gpu-check}
TRIALS=${TRIALS:-1}
PYTHON=${PYTHON:-python3}
start=$(date +%s)
[ -d /usr/local/cuda/bin ] && export PATH="$PATH:/usr/local/cuda/bin"  # nvcc for check_language(CUDA)
stamp() { echo "[gpu_check $(( $(date +%s) - start ))s] $*" >&2; }
fail() { echo "gpu_check: FAILED: $*" >&2; exit 1; }

if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2 || echo "nvidia-smi failed (no GPU?)" >&2
else
  echo "nvidia-smi not found (no NVIDIA driver on this machine?)" >&2
fi
mkdir -p "$BUILD"
stamp "configure"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSPRIG_WITH_CUDA=ON -DSPRIG_BUILD_CLI=OFF \
  -DSPRIG_BUILD_TESTS=ON -DSPRIG_BUILD_BENCH=ON >"$BUILD/configure.log" 2>&1 || { tail -40 "$BUILD/configure.log"; fail "configure (log: $BUILD/configure.log)"; }
stamp "build ($JOBS jobs)"
cmake --build "$BUILD" -j "$JOBS" --target sprig_gpu_tests sprig_bench >"$BUILD/build.log" 2>&1 || { tail -60 "$BUILD/build.log"; fail "build (log: $BUILD/build.log)"; }

BENCH="$BUILD/bench/sprig-bench"
TESTS="$BUILD/tests/gpu/sprig_gpu_tests"
[ -x "$BENCH" ] || fail "$BENCH was not built"
[ -x "$TESTS" ] || fail "$TESTS was not built"
"$BENCH" gpu --help >/dev/null || fail "sprig-bench has no gpu kernel"
"$PYTHON" -m py_compile bench/peers/gcn_pyg.py 2>/dev/null || /usr/bin/python3 -m py_compile bench/peers/gcn_pyg.py ||
  fail "bench/peers/gcn_pyg.py does not compile"

stamp "sprig_gpu_tests"
set +e
"$TESTS" 2>&1 | tail -25
tests_rc=${PIPESTATUS[0]}
set -e
status=0
case $tests_rc in
  0) tests="passed" ;;
  77) stamp "no usable GPU: built and checked, nothing to test or time"
      echo "gpu_check: no GPU — sprig_gpu_tests skipped (exit 77); nothing was timed" >&2
      exit 77 ;;
  *) tests="FAILED (exit $tests_rc)"; status=1 ;;
esac

table="$BUILD/gpu_check.md"
{
  echo "GPU check $(date -u +%Y-%m-%d) — sprig_gpu_tests: $tests; $(nproc) CPU cores; TRIALS=$TRIALS (median, after one warm-up)"
  echo
  echo "| device | graph | kernel | CPU s | CPU-s | GPU s | speedup | check |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$table"
for s in $SCALES; do
  stamp "R-MAT scale $s"
  if ! "$BENCH" gpu --graph "rmat:$s" --only fastrp,spmm,gcnprop,walks,pairs --trials "$TRIALS" --table --quiet >>"$table"; then
    echo "| | rmat:$s | (sprig-bench gpu failed) | | | | | FAIL |" >>"$table"
    status=1
  fi
done

stamp "GCN epoch on $GCN_GRAPH"
csr="$BUILD/gcn_csr"
mkdir -p "$csr"
rm -f "$csr/sprig_gcn.json"
if ! "$BENCH" gpu --only gcn --gcn-graph "$GCN_GRAPH" --features 64 --dump-csr "$csr" --table --quiet >>"$table"; then
  echo "| | $GCN_GRAPH | gcn epoch (sprig-bench gpu failed) | | | | | FAIL |" >>"$table"
  status=1
fi
if "$PYTHON" -c "import torch_geometric" 2>/dev/null; then
  stamp "PyG GCN epoch"
  if [ ! -s "$csr/sprig_gcn.json" ] || ! "$PYTHON" bench/peers/gcn_pyg.py --dir "$csr" >>"$table"; then
    echo "| | $GCN_GRAPH | gcn epoch, PyG (bench/peers/gcn_pyg.py failed) | | | | | FAIL |" >>"$table"
    status=1
  fi
else
  echo "gpu_check: '$PYTHON -c \"import torch_geometric\"' fails here: no PyG row" >&2
  echo "| | $GCN_GRAPH | gcn epoch, PyG: not installed on this machine | | | | | - |" >>"$table"
fi
grep -q "FAIL" "$table" && status=1
stamp "done (exit $status)"
cat "$table"
exit $status
