#!/usr/bin/env bash
# Times loading an edge list into a graph with sprig (sprig-bench build: read_graph
# = read + parse + CSR build), python3-igraph (Graph.Read_Edgelist) and
# python3-networkx (nx.read_edgelist), on the same plain-text file in the same
# run, and prints one Markdown table: graph, threads, seconds of each, ratios.
#
# Usage: bench/peers/compare_build.sh [options] FILE...
#   FILE            an edge-list file, plain or .gz (e.g. ../shared/data/email-Enron.edges.gz,
#                   or one written by `sprig generate rmat --scale 22 --edge-factor 16 -o /tmp/rmat22.edges`)
#   --build DIR     sprig's build folder (default build/release)
#   --threads LIST  sprig thread counts, e.g. "1 2" (default "1 2"); the peers are single-threaded
#   --trials T      timed trials, sprig and igraph (default 3; networkx runs once)
#   --warmup W      untimed trials first, sprig and igraph (default 1)
#   --directed      read the files as directed (everyone)
#   --nx-timeout S  networkx's time cap in seconds (default 300); also --igraph-timeout (default 1800)
#   --nx-max-gib G  networkx's address-space cap (default 8)
#   --keep DIR      keep each tool's raw JSON output in DIR
#
# Every file is first written as a header-less plain 'u v' copy in a temporary
# folder ($TMPDIR or /tmp): igraph's reader rejects '#' comment lines, and
# decompressing first makes all three read the same plain bytes. Times are
# medians of wall-clock seconds, with CPU seconds (user + system, all threads)
# in parentheses: on a shared, loaded machine wall time includes waiting for a
# core, CPU time does not. The sprig column is read_graph end to end
# (sprig-bench build --total-only).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/build/release"
threads="1 2"
trials=3
warmup=1
directed=""
nx_timeout=300
ig_timeout=1800
nx_max_gib=8
keep=""
files=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --trials) trials="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --directed) directed="--directed"; shift ;;
    --nx-timeout) nx_timeout="$2"; shift 2 ;;
    --igraph-timeout) ig_timeout="$2"; shift 2 ;;
    --nx-max-gib) nx_max_gib="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare_build: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
if [[ ${#files[@]} -eq 0 ]]; then
  echo "usage: compare_build.sh [options] FILE... (--help for more)" >&2
  exit 2
fi
bench="$build/bench/sprig-bench"
[[ -x "$bench" ]] || { echo "compare_build: $bench not found (build sprig_bench first)" >&2; exit 1; }
py=/usr/bin/python3
[[ -n "$keep" ]] && mkdir -p "$keep"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sprig-compare-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# json FILE KEY...: prints d[KEY][KEY]... of a JSON file, or "" when absent/null.
json() {
  "$py" - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d.get(k) if isinstance(d, dict) else None
print("" if d is None else d)
PY
}

# peer_cell FILE: the median seconds, or why there is none.
peer_cell() {
  local status
  status="$(json "$1" status)"
  case "$status" in
    ok) printf '%.3f (%.3f)' "$(json "$1" median_s)" "$(json "$1" cpu_median_s)" ;;
    timeout) echo "did not finish in $(json "$1" timeout_s | cut -d. -f1) s" ;;
    "out of memory") echo "out of memory (cap $(json "$1" max_gib) GiB)" ;;
    *) echo "failed" ;;
  esac
}

ratio() {  # ratio PEER_FILE SPRIG_WALL SPRIG_CPU: "wall ratio (CPU ratio)"
  if [[ "$(json "$1" status)" == ok ]]; then
    "$py" -c "import sys; a = [float(x) for x in sys.argv[1:]]; print(f'{a[0] / a[2]:.1f}x ({a[1] / a[3]:.1f}x)')" \
      "$(json "$1" median_s)" "$(json "$1" cpu_median_s)" "$2" "$3"
  else
    echo "-"
  fi
}

echo "# compare_build: $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB"
echo "# command: bench/peers/compare_build.sh --threads \"$threads\" --trials $trials --warmup $warmup ${directed:+--directed }${files[*]}"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| graph | edges (lines) | threads | sprig s (CPU s) | igraph s (CPU s) | networkx s (CPU s) | igraph / sprig | networkx / sprig |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for f in "${files[@]}"; do
  [[ -r "$f" ]] || { echo "compare_build: cannot read $f" >&2; exit 1; }
  name="$(basename "$f")"
  name="${name%.gz}"
  name="${name%.*}"
  plain="$tmp/$name.txt"
  if [[ "$(head -c2 "$f" | od -An -tx1 | tr -d ' ')" == "1f8b" ]]; then
    gzip -dc "$f" | grep -v '^[#%]' >"$plain" || true
  else
    grep -v '^[#%]' "$f" >"$plain" || true
  fi
  lines="$(wc -l <"$plain")"

  "$py" "$here/load_igraph.py" "$plain" $directed --trials "$trials" --warmup "$warmup" --timeout "$ig_timeout" >"$tmp/igraph.json" \
    2>"$tmp/igraph.err" || echo '{"status": "failed"}' >"$tmp/igraph.json"
  timeout -s KILL "$((nx_timeout + 60))" "$py" "$here/load_networkx.py" "$plain" $directed --timeout "$nx_timeout" \
    --max-gib "$nx_max_gib" >"$tmp/nx.json" 2>"$tmp/nx.err" || true
  [[ -s "$tmp/nx.json" ]] || echo "{\"status\": \"timeout\", \"timeout_s\": $nx_timeout}" >"$tmp/nx.json"
  if [[ "$(json "$tmp/nx.json" status)" == "failed" || "$(json "$tmp/igraph.json" status)" == "failed" ]]; then
    cat "$tmp/igraph.err" "$tmp/nx.err" >&2
  fi
  [[ -n "$keep" ]] && cp "$tmp/igraph.json" "$keep/$name.igraph.json" && cp "$tmp/nx.json" "$keep/$name.networkx.json"

  for t in $threads; do
    "$bench" build --graph "$plain" $directed --trials "$trials" --warmup "$warmup" --threads "$t" --total-only \
      --json --quiet >"$tmp/sprig.json"
    [[ -n "$keep" ]] && cp "$tmp/sprig.json" "$keep/$name.sprig.t$t.json"
    s="$(json "$tmp/sprig.json" total median_s)"
    c="$(json "$tmp/sprig.json" total_cpu median_s)"
    printf '| %s | %s | %s | %.3f (%.3f) | %s | %s | %s | %s |\n' "$name" "$lines" "$t" "$s" "$c" \
      "$(peer_cell "$tmp/igraph.json")" "$(peer_cell "$tmp/nx.json")" \
      "$(ratio "$tmp/igraph.json" "$s" "$c")" "$(ratio "$tmp/nx.json" "$s" "$c")"
  done
  rm -f "$plain"
done
