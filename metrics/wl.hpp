// sprig/metrics/wl.hpp — Weisfeiler–Lehman colour refinement, the WL
// subtree-kernel features, and a mode that reproduces networkx's
// weisfeiler_lehman_graph_hash / weisfeiler_lehman_subgraph_hashes exactly.
//
// Colour refinement (Weisfeiler & Leman 1968; the WL subtree kernel of
// Shervashidze et al., JMLR 12, 2011): each round a node's colour becomes a
// function of (its colour, the sorted multiset of its neighbours' colours).
// Here colours are 64-bit values (round 0: a hash of the degree, or of given
// integer labels), so colours of different graphs are comparable and the
// kernel of two graphs is the dot product of their colour histograms.
// The colour hash is a fixed 64-bit mix (not cryptographic): collisions are
// possible in principle (probability ~ k²/2⁶⁴ for k distinct colours).
//
// networkx mode: round-0 label str(degree); each round a node's label becomes
// BLAKE2b(label + "".join(sorted(neighbour labels)), digest 16 bytes).hexdigest();
// the graph hash is BLAKE2b of str(tuple(sorted (label, count) pairs of every
// round, concatenated)). Neighbours are out-neighbours (networkx's
// G.neighbors) and the degree is in + out for a directed graph; a self-loop
// counts 2 in the degree and lists the node once among its neighbours.
// BLAKE2b (RFC 7693) comes from libb2 (Debian libb2-dev); it matches
// Python's hashlib.blake2b for any digest size 1–64.
//
// Cost: O(iterations · (m log d_max)) for colours; the networkx mode builds
// strings of 32 · d characters per node per round. Parallel over nodes,
// results in fixed slots: identical for any thread count. Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

struct WlOptions {
  int iterations = 3;
  std::vector<std::int64_t> labels;  ///< initial node labels (n values); empty: the degree
  ProgressFn progress;               ///< stage "wl", once per round
};

struct WlColors {
  /// rounds[r][v]: colour of v after r rounds (rounds[0] is the initial colouring).
  std::vector<std::vector<std::uint64_t>> rounds;
  /// Number of distinct colours in each round.
  std::vector<std::int64_t> distinct;
};

/// Colour refinement for opt.iterations rounds (it does not stop early, so
/// rounds.size() == iterations + 1). Throws InvalidArgument on iterations < 0
/// or labels of the wrong size.
WlColors wl_colors(const Graph& g, const WlOptions& opt = {});

/// The WL subtree-kernel feature vector: (colour, count) over every round, sorted by colour.
std::vector<std::pair<std::uint64_t, std::int64_t>> wl_features(const WlColors& c);

/// The WL subtree kernel of two feature vectors: Σ count_a · count_b over shared colours.
double wl_kernel(std::span<const std::pair<std::uint64_t, std::int64_t>> a,
                 std::span<const std::pair<std::uint64_t, std::int64_t>> b);

/// networkx's weisfeiler_lehman_graph_hash(G, iterations, digest_size) (no node/edge attributes).
std::string wl_graph_hash_networkx(const Graph& g, int iterations = 3, int digest_size = 16);

/// networkx's weisfeiler_lehman_subgraph_hashes: result[v][r] = v's label after round r+1.
std::vector<std::vector<std::string>> wl_subgraph_hashes_networkx(const Graph& g, int iterations = 3, int digest_size = 16);

/// BLAKE2b (unkeyed) of `data` with a digest of `digest_size` bytes (1–64), as lowercase hex.
std::string blake2b_hex(std::string_view data, int digest_size = 64);

}  // namespace sprig
