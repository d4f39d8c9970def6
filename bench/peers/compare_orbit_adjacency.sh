#!/usr/bin/env bash
# Orbit adjacency (28 matrices, 2..4-node graphlets): sprig-bench orbit-adjacency
# on cond-mat and email-Enron, printed beside the anchor the graphlet issue
# quotes for the published dense-array code (Windels et al.): cond-mat in
# 6 min and 17.6 GB. That code is not run here (it needs n×n dense arrays);
# the ratio is to the quoted figure.
#
# Usage (from the repository root): bench/peers/compare_orbit_adjacency.sh [BUILD_DIR] [THREADS]
set -euo pipefail
BUILD=${1:-build/release}
THREADS=${2:-2}
BENCH="$BUILD/bench/sprig-bench"
[ -x "$BENCH" ] || BENCH="$BUILD/sprig-bench"
[ -x "$BENCH" ] || { echo "no sprig-bench under $BUILD" >&2; exit 1; }
printf '%-12s %8s %10s %10s %10s %12s %s\n' graph threads wall_s cpu_s peak_GB nnz ratio_vs_quoted
for G in cond-mat email-Enron; do
  J=$("$BENCH" orbit-adjacency --graph "$G" --trials 1 --warmup 0 --threads "$THREADS" --json --quiet)
  /usr/bin/python3 - "$G" "$THREADS" "$J" <<'PY'
import json, sys
g, t, j = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
wall = j["time"]["median"]; cpu = j["cpu_seconds"]["median"]; gb = j["peak_rss_bytes"] / 1e9
ratio = f"{360 / wall:.0f}x faster, {17.6 / gb:.0f}x less memory than quoted (6 min, 17.6 GB)" if g == "cond-mat" else "-"
print(f"{g:<12} {t:>8} {wall:>10.2f} {cpu:>10.2f} {gb:>10.3f} {j['output_nnz']:>12} {ratio}")
PY
done
