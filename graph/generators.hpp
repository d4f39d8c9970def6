// sprig/graph/generators.hpp — random graph generators, seeded and identical
// under any thread count.
//
//   erdos_renyi_gnm      G(n, m): exactly m distinct edges, no self-loops
//   erdos_renyi_gnp      G(n, p): every pair independently with probability p,
//                        by geometric skipping (Batagelj & Brandes, "Efficient
//                        generation of large random networks", Phys. Rev. E 71, 2005)
//   barabasi_albert      preferential attachment (Barabási & Albert 1999; the
//                        repeated-endpoint list of Batagelj & Brandes 2005), sequential
//   rmat                 R-MAT (Chakrabarti, Zhan, Faloutsos, SDM 2004) / Graph500
//                        Kronecker generator without noise; vertex ids permuted
//   stochastic_block_model  Holland, Laskey, Leinhardt 1983, by geometric skipping per block pair
//   watts_strogatz       ring lattice + rewiring (Watts & Strogatz, Nature 1998),
//                        sequential, networkx's rewiring rule
//
// Determinism: parallel generators split their work into chunks fixed by the
// options alone (never by the thread count); chunk c draws from
// Philox(seed, c) and the chunks' edges are concatenated in chunk order, so the
// EdgeList is bitwise identical for any thread count. Sequential generators
// draw from one Philox stream. Cost: O(n + m) expected work (rmat: O(m·scale)).
// Every function returns an EdgeList with n and directed set and no weights;
// an undirected list gives each edge once. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <sprig/graph/edge_list.hpp>

namespace sprig {

struct GnmOptions {
  std::int64_t n = 0;
  std::int64_t m = 0;  ///< exact number of distinct edges; ≤ n(n-1)/2 (undirected) or n(n-1) (directed)
  bool directed = false;
  std::uint64_t seed = 1;
};
/// Erdős–Rényi G(n, m): m distinct edges chosen uniformly, no self-loops; listed sorted
/// by (larger, smaller) endpoint (undirected) or (source, target) (directed).
/// Throws InvalidArgument when n < 0, n ≥ 2^31, m < 0 or m exceeds the number of pairs.
EdgeList erdos_renyi_gnm(const GnmOptions& opt);

struct GnpOptions {
  std::int64_t n = 0;
  double p = 0.0;  ///< edge probability in [0, 1]
  bool directed = false;
  std::uint64_t seed = 1;
};
/// Erdős–Rényi G(n, p), no self-loops. Throws InvalidArgument on n outside [0, 2^31) or p outside [0, 1].
EdgeList erdos_renyi_gnp(const GnpOptions& opt);

struct BarabasiAlbertOptions {
  std::int64_t n = 0;
  std::int64_t m = 1;  ///< edges per new node, 1 ≤ m < n
  std::uint64_t seed = 1;
};
/// Barabási–Albert, undirected: nodes 0..m-1 start isolated, node m links to all
/// of them, every later node links to m distinct earlier nodes chosen with
/// probability proportional to degree (networkx's barabasi_albert_graph, initial
/// graph empty). (n - m)·m edges; degree sum 2m(n - m).
EdgeList barabasi_albert(const BarabasiAlbertOptions& opt);

struct RmatOptions {
  int scale = 16;                ///< n = 2^scale, 1 ≤ scale ≤ 30
  std::int64_t edge_factor = 16; ///< m = edge_factor · 2^scale generated edges (before the build's cleanup)
  double a = 0.57, b = 0.19, c = 0.19;  ///< quadrant probabilities; d = 1 - a - b - c ≥ 0
  bool permute = true;           ///< rename vertices by a seeded random permutation (as Graph500 does)
  bool directed = false;
  std::uint64_t seed = 1;
};
/// R-MAT / Graph500 Kronecker edges. The list keeps duplicates and self-loops
/// (build_csr removes them by default), as Graph500's generator does.
EdgeList rmat(const RmatOptions& opt);

struct SbmOptions {
  std::vector<std::int64_t> block_sizes;  ///< nodes per block; block b holds a contiguous id range
  std::vector<double> probabilities;      ///< k·k row-major; [r·k + s] = P(edge between blocks r and s);
                                          ///< symmetric when undirected
  bool directed = false;
  std::uint64_t seed = 1;
};
struct SbmGraph {
  EdgeList edges;
  std::vector<std::int32_t> labels;  ///< labels[v] = block of node v
};
/// Stochastic block model, no self-loops. Throws InvalidArgument on a negative
/// size, a probability outside [0, 1], a matrix of the wrong size or (undirected) an asymmetric one.
SbmGraph stochastic_block_model(const SbmOptions& opt);

struct WattsStrogatzOptions {
  std::int64_t n = 0;
  std::int64_t k = 2;  ///< neighbours on EACH side in the ring (degree 2k before rewiring); 1 ≤ k, 2k < n
  double beta = 0.0;   ///< rewiring probability in [0, 1]
  std::uint64_t seed = 1;
};
/// Watts–Strogatz small world, undirected, n·k edges: each ring edge (u, u+j)
/// is rewired with probability beta to (u, w), w uniform among nodes that are
/// neither u nor already adjacent to u (skipped when u is adjacent to all).
EdgeList watts_strogatz(const WattsStrogatzOptions& opt);

/// Builds the generator a spec names (all undirected):
///   rmat:SCALE[:EDGEFACTOR]      R-MAT with Graph500 defaults (edge factor 16)
///   er:N:M                       G(n, m)
///   gnp:N:P                      G(n, p)
///   ba:N:M                       Barabási–Albert
///   ws:N:K:BETA                  Watts–Strogatz (K per side)
///   sbm:BLOCKS:SIZE:PIN:POUT     BLOCKS equal blocks of SIZE nodes, P(in) = PIN, P(between) = POUT
/// When `labels` is given it receives the block of each node for sbm, and is
/// cleared for the others. Throws InvalidArgument naming the spec and the field,
/// e.g. "generator spec 'rmat:x': scale must be an integer (got 'x')".
EdgeList generate(std::string_view spec, std::uint64_t seed, std::vector<std::int32_t>* labels = nullptr);

/// True iff spec starts with a known generator name followed by ':' (rmat, er, gnp, ba, ws, sbm).
bool is_generator_spec(std::string_view spec);

}  // namespace sprig
