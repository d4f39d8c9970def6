#!/usr/bin/env bash
# bench/gpu_check.sh — the one command to run when a GPU machine is at hand.
#
#   bench/gpu_check.sh                 # from the repo root; needs only the repo + the Debian deps + CUDA
#   SCALES="22" bench/gpu_check.sh     # fewer graphs when time is short
#
# 1. configures and builds sprig with CUDA (SPRIG_WITH_CUDA=ON, sm_90 + PTX) in
#    build/gpu-check: the library, sprig_gpu_tests and sprig-bench only;
# 2. runs sprig_gpu_tests (GPU results equal to the CPU's: walks and pair scores
#    identical, FastRP / SpMM within 1e-5 relative) — exit 77 means no GPU;
# 3. times CPU vs GPU on R-MAT scales $SCALES (default 22 24): FastRP (dim 128),
#    one SpMM (bandwidth), GCN propagation fwd+bwd (64 features), uniform walks
#    (1 per node, length 80), CN/Jaccard/AA/RA for 10M pairs; each GPU result is
#    checked against the CPU's again;
# 4. prints one markdown table (also saved to build/gpu-check/gpu_check.md) to
#    paste into bench/RESULTS.md under "## GPU", with the card and date.
# Budget: < 8 minutes on an H100 machine with 16 cores (build ≈ 2–3 min).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=${SCALES:-"22 24"}
JOBS=${JOBS:-$(nproc)}
BUILD=${BUILD:-build/gpu-check}
TRIALS=${TRIALS:-1}
start=$(date +%s)
[ -d /usr/local/cuda/bin ] && export PATH="$PATH:/usr/local/cuda/bin"  # nvcc for check_language(CUDA)
stamp() { echo "[gpu_check $(( $(date +%s) - start ))s] $*" >&2; }

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2 || true
stamp "configure"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSPRIG_WITH_CUDA=ON -DSPRIG_BUILD_CLI=OFF \
  -DSPRIG_BUILD_TESTS=ON -DSPRIG_BUILD_BENCH=ON >"$BUILD.configure.log" 2>&1 || { cat "$BUILD.configure.log"; exit 1; }
stamp "build ($JOBS jobs)"
cmake --build "$BUILD" -j "$JOBS" --target sprig_gpu_tests sprig_bench >"$BUILD.build.log" 2>&1 || { tail -50 "$BUILD.build.log"; exit 1; }

stamp "sprig_gpu_tests"
status=0
set +e
"$BUILD/tests/gpu/sprig_gpu_tests" 2>&1 | tail -20
tests_rc=${PIPESTATUS[0]}
set -e
case $tests_rc in
  0) tests="passed" ;;
  77) tests="SKIPPED (no GPU)"; echo "no usable GPU: nothing to time" >&2; exit 77 ;;
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
  if ! "$BUILD/bench/sprig-bench" gpu --graph "rmat:$s" --trials "$TRIALS" --table --quiet >>"$table"; then
    echo "| | rmat:$s | (sprig-bench gpu failed) | | | | | |" >>"$table"
    status=1
  fi
done
grep -q "FAIL" "$table" && status=1
stamp "done"
cat "$table"
exit $status
