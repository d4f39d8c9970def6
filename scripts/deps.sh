#!/usr/bin/env bash
# The one list of sprig's Debian packages. Installs only what is missing; works
# as root (CI) and as a user with sudo; downloads nothing but Debian packages.
# Usage: scripts/deps.sh [--check]   (--check: list what is missing, install nothing)
set -euo pipefail

PACKAGES=(
  build-essential cmake ccache pkg-config
  libtbb-dev libeigen3-dev libboost-graph-dev libhdf5-dev zlib1g-dev
  doctest-dev libcli11-dev libfmt-dev librandom123-dev nlohmann-json3-dev libdeflate-dev
  libb2-dev libcairo2-dev  # BLAKE2b (metrics/wl), CCDF plots as SVG and PNG (cli/stats)
  # peers for benchmarks and interop tests (Debian's python3 at /usr/bin/python3)
  python3 python3-numpy python3-scipy python3-h5py python3-igraph python3-networkx
  python3-sklearn python3-gensim  # embedding peers (bench/peers/embed_*.py)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  printf '%s\n' "${missing[@]}"
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
