// sprig/embed/skipgram.hpp — skip-gram with negative sampling (SGNS) over
// random walks, and DeepWalk / node2vec end to end.
//
// Follows word2vec (Mikolov et al. 2013; the C tool) as gensim implements
// sg=1, hs=0: for each position i of a walk (after sub-sampling), a window
// shrunk by a random b ∈ [0, window) gives contexts j, |i − j| ≤ window − b;
// the pair trains input vector syn0[walk[j]] against output vectors
// syn1neg[walk[i]] (label 1) and `negative` nodes drawn from the unigram^0.75
// distribution (label 0), with the word2vec sigmoid table clamped at ±6.
// With share_negatives (the default) the `negative` noise nodes are drawn once
// per centre word and shared by all the contexts of its window, as in Ji et
// al., "Parallelizing Word2Vec in Shared and Distributed Memory" (2016) and
// BlazingText: each pair still trains against `negative` unigram^0.75 draws
// and the pairs are still trained one after another, but the random output
// rows — the memory traffic that bounds SGNS — are fetched once per centre
// word instead of once per pair (≈ 2·window fewer); false draws them per pair
// as word2vec and gensim do.
// Sub-sampling keeps a node of frequency c with probability
// (√(c/(s·T)) + 1)·(s·T)/c (T = total occurrences, s = sample). The learning
// rate falls linearly from learning_rate to min_learning_rate over all epochs.
// syn0 starts uniform in [−0.5/d, 0.5/d) (keyed by (seed, node)), syn1neg at 0;
// the result is syn0 (nodes that never occur keep their initial vector).
//
// Parallelism: Hogwild (Recht et al. 2011) by default, like word2vec and
// gensim: threads update the shared matrices without locks, so results vary
// run to run. `deterministic` trains on the calling thread in walk order with
// randomness keyed by (seed, epoch, walk): bitwise-identical output for any
// thread count, at the cost of using one core. Inner loops: one pair is two
// passes — the word's and the negatives' dot products together, then one fused
// pass updating their output rows and the input row (see skipgram.cpp) —
// with AVX2+FMA kernels picked at run time when the CPU has them (portable
// loops otherwise, which round differently, so bitwise reproducibility holds
// per machine); the negatives' rows are drawn one pair ahead and prefetched.
// Cost: O(epochs · T · window · (negative + 1) · d); memory 2·n·d floats plus
// the walks (or one batch of them: node2vec_embedding streams the walks).
#pragma once

#include <cstdint>

#include <sprig/embed/matrix.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

struct SkipGramOptions {
  std::int64_t dim = 128;           ///< d > 0
  std::int64_t window = 10;         ///< maximum context distance, ≥ 1
  std::int64_t negative = 5;        ///< negatives per pair, ≥ 1
  double learning_rate = 0.025;     ///< initial α > 0
  double min_learning_rate = 1e-4;  ///< final α (gensim min_alpha), ≥ 0
  std::int64_t epochs = 1;          ///< ≥ 1
  double sample = 1e-3;             ///< sub-sampling threshold; 0 disables
  double ns_exponent = 0.75;        ///< noise distribution ∝ count^ns_exponent
  bool share_negatives = true;      ///< one negative draw per centre word, shared by its window (see above)
  bool deterministic = false;       ///< single-threaded, bitwise reproducible
  std::uint64_t seed = 1;
  ProgressFn progress;              ///< stage "skipgram": done/total node occurrences
};

/// SGNS embedding (n × dim) of the nodes in `walks` (ids in [0, n), −1 padding).
/// Throws InvalidArgument on options out of range or a walk id outside [0, n);
/// Cancelled when the progress callback asks to stop.
Matrix skipgram(const Walks& walks, std::int64_t n, const SkipGramOptions& opt = {});

/// DeepWalk (p = q = 1) or node2vec: random_walks(g, walk_opt) then SGNS, the
/// walks generated and consumed in batches of `batch_walks` walks (0: all at
/// once) so that memory holds one batch; a first pass over the batches counts
/// occurrences. Same result as skipgram(random_walks(g, walk_opt), n, sgns_opt)
/// when deterministic. Throws as random_walks() and skipgram().
Matrix node2vec_embedding(const Graph& g, const WalkOptions& walk_opt, const SkipGramOptions& sgns_opt = {},
                          std::int64_t batch_walks = 0);

}  // namespace sprig
