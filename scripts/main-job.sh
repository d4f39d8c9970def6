#!/usr/bin/env bash
# The main job of `make run`: describe the bundled graphs in data/, then run
# the link-prediction table (`sprig run`) on the bundled cond-mat.
#   scripts/main-job.sh [BUILD_DIR]     (default build/release)
# Prints `sprig info` of karate, then one summary row per bundled graph
# (name, nodes, edges, directed, weighted, mean/max degree, components,
# largest component).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
sprig="$build/cli/sprig"
if [[ ! -x "$sprig" ]]; then
  echo "main-job: $sprig not found; build first (make build)" >&2
  exit 1
fi

graphs=()
for name in karate dolphins lesmis football polbooks polblogs; do
  graphs+=("data/$name.edges.gz")
done

echo "== sprig info data/karate.edges.gz"
"$sprig" info data/karate.edges.gz
echo
echo "== sprig summary (bundled graphs in data/)"
"$sprig" summary "${graphs[@]}"
echo
echo "== sprig run (link prediction on data/cond-mat.edges.gz)"
"$sprig" run
