#!/usr/bin/env bash
# Graphlet orbit counts: sprig (sprig-bench orbits) against ORCA (Hočevar &
# Demšar 2014, github.com/thocevar/orca, sequential), on the same graphs in the
# same run; prints one Markdown table and whether the outputs are identical.
#
# Usage: bench/peers/compare_orbits.sh [options] FILE...
#   FILE            an edge-list file, plain or .gz (e.g. ../shared/data/cond-mat.edges.gz)
#   --orca PATH     the ORCA binary (default /work/peers/orca/orca; build it outside the repo:
#                   g++ -O2 -std=c++11 -o orca orca.cpp)
#   --build DIR     sprig's build folder (default build/release)
#   --k LIST        graphlet sizes (default "4 5")
#   --threads LIST  sprig thread counts (default "1 2"); ORCA is single-threaded
#   --edges         edge orbits instead of node orbits
#   --timeout S     per-run time cap in seconds, both tools (default 900)
#
# Each file is converted once to ORCA's input ("n m" line, then each undirected
# edge u<v once, sorted, no self-loops; n from the file's '# ... N nodes' header
# or max id + 1); sprig reads the original file (same n, same cleanup). Times:
# sprig = median wall seconds of `sprig-bench orbits --trials 1 --warmup 0`
# (counting only, after load), with its CPU seconds (user + system, all
# threads); ORCA = its own "total:" line (clock(), counting only, after load)
# and the whole process's wall and CPU seconds from /usr/bin/time. Ratio =
# ORCA counting seconds / sprig wall seconds, and the same for CPU seconds. A run
# past the cap shows "> S" (and ratios "> cap / sprig seconds"). On a loaded
# machine wall time includes waiting for a core; CPU time does not.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/build/release"
orca=/work/peers/orca/orca
ks="4 5"
threads="1 2"
edges=""
timeout_s=900
files=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --orca) orca="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --k) ks="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --edges) edges="--edges"; shift ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare_orbits: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
if [[ ${#files[@]} -eq 0 ]]; then
  echo "usage: compare_orbits.sh [options] FILE... (--help for more)" >&2
  exit 2
fi
bench="$build/bench/sprig-bench"
[[ -x "$bench" ]] || { echo "compare_orbits: $bench not found (build sprig-bench first)" >&2; exit 2; }
[[ -x "$orca" ]] || { echo "compare_orbits: ORCA binary $orca not found (see --help)" >&2; exit 2; }
py=/usr/bin/python3
tmp="$(mktemp -d "${TMPDIR:-/tmp}/compare_orbits.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mode=node
[[ -n "$edges" ]] && mode=edge

echo "| graph | k | mode | sprig threads | sprig wall s | sprig CPU s | ORCA count s | ORCA process wall s (CPU s) | ratio wall | ratio CPU | same output |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for f in "${files[@]}"; do
  name="$(basename "$f")"; name="${name%.gz}"; name="${name%.edges}"
  in="$tmp/$name.orca.in"
  "$py" - "$f" "$in" <<'EOF'
import gzip, re, sys
src, dst = sys.argv[1], sys.argv[2]
op = gzip.open if src.endswith('.gz') else open
E, n = set(), 0
with op(src, 'rt') as fh:
    for line in fh:
        if line.startswith('#') or line.startswith('%'):
            m = re.search(r'(\d+) nodes', line)
            if m: n = max(n, int(m.group(1)))
            continue
        p = line.split()
        if len(p) < 2: continue
        a, b = int(p[0]), int(p[1])
        n = max(n, a + 1, b + 1)
        if a != b: E.add((min(a, b), max(a, b)))
with open(dst, 'w') as o:
    o.write(f"{n} {len(E)}\n")
    o.writelines(f"{a} {b}\n" for a, b in sorted(E))
EOF
  for k in $ks; do
    # ORCA first (one run), then sprig per thread count.
    orca_out="$tmp/orca.$name.$k.out"
    /usr/bin/time -f "%e %U %S" -o "$tmp/orca.time" timeout "$timeout_s" "$orca" "$mode" "$k" "$in" "$orca_out" \
      >"$tmp/orca.log" 2>&1
    rc=$?
    if [[ $rc -eq 0 ]]; then
      orca_count="$(grep -a 'total:' "$tmp/orca.log" | tail -1 | awk '{print $2}')"
      read -r ow ou os <"$tmp/orca.time"
      orca_cpu="$(awk -v u="$ou" -v s="$os" 'BEGIN{printf "%.2f", u+s}')"
      orca_proc="$ow ($orca_cpu)"
    else
      orca_count=""; orca_proc="> $timeout_s"
    fi
    for t in $threads; do
      ours="$tmp/sprig.$name.$k.$t.out"
      json="$(timeout "$timeout_s" "$bench" orbits --graph "$f" -k "$k" $edges --threads "$t" --trials 1 --warmup 0 \
              --json --quiet --orca-out "$ours" 2>"$tmp/sprig.err")"
      if [[ $? -ne 0 ]]; then
        echo "| $name | $k | $mode | $t | > $timeout_s or failed ($(tail -c 200 "$tmp/sprig.err" | tr '\n' ' ')) | | ${orca_count:-> $timeout_s} | $orca_proc | | | |"
        continue
      fi
      read -r sw sc < <(printf '%s' "$json" | "$py" -c 'import json,sys; r=json.load(sys.stdin); print(r["time"]["median_s"], r["cpu_seconds"]["median_s"])')
      if [[ -n "$orca_count" ]]; then
        rw="$(awk -v a="$orca_count" -v b="$sw" 'BEGIN{printf "%.1fx", a/(b>0?b:1e-9)}')"
        rc_="$(awk -v a="$orca_count" -v b="$sc" 'BEGIN{printf "%.1fx", a/(b>0?b:1e-9)}')"
        if cmp -s "$ours" "$orca_out"; then same=yes; else same=NO; fi
      else
        # ORCA hit the cap: both ratios are lower bounds (cap / sprig seconds).
        rw="> $(awk -v a="$timeout_s" -v b="$sw" 'BEGIN{printf "%.1fx", a/(b>0?b:1e-9)}')"
        rc_="> $(awk -v a="$timeout_s" -v b="$sc" 'BEGIN{printf "%.1fx", a/(b>0?b:1e-9)}')"; same="-"
      fi
      printf '| %s | %s | %s | %s | %.3f | %.3f | %s | %s | %s | %s | %s |\n' "$name" "$k" "$mode" "$t" "$sw" "$sc" \
        "${orca_count:-> $timeout_s}" "$orca_proc" "$rw" "$rc_" "$same"
    done
  done
done
