// SGNS: reproducibility of the deterministic mode, batches = whole, quality of
// DeepWalk / node2vec embeddings on polblogs, and the error paths.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <sprig/embed/skipgram.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/labels.hpp>
#include <sprig/metrics/classification.hpp>

namespace {

using sprig::Graph;
using sprig::Matrix;

bool bitwise_equal(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::equal(a.data(), a.data() + a.size(), b.data(), [](float x, float y) {
           return std::memcmp(&x, &y, sizeof(float)) == 0;
         });
}

struct Polblogs {
  sprig::Subgraph lcc;
  std::vector<std::int32_t> labels;
};

const Polblogs& polblogs() {
  static const Polblogs pb = [] {
    const std::string dir = SPRIG_DATA_DIR;
    sprig::GraphReadOptions ro;
    ro.build.symmetrize = true;
    Polblogs p{sprig::largest_component(sprig::read_graph(dir + "/polblogs.edges.gz", ro)), {}};
    const auto all = sprig::read_labels(dir + "/polblogs.labels", {.nodes = 1490});
    for (auto old : p.lcc.old_id_of_new) p.labels.push_back(all.label[old]);
    return p;
  }();
  return pb;
}

}  // namespace

TEST_CASE("skipgram: deterministic mode is bitwise reproducible for any thread count") {
  const Graph& g = polblogs().lcc.graph;
  const sprig::WalkOptions wo{.walks_per_node = 2, .length = 20, .p = 0.5, .q = 2, .seed = 3};
  const sprig::SkipGramOptions so{.dim = 16, .window = 4, .deterministic = true, .seed = 5};
  const auto walks = sprig::random_walks(g, wo);
  const Matrix a = sprig::with_threads(1, [&] { return sprig::skipgram(walks, g.num_nodes(), so); });
  const Matrix b = sprig::with_threads(2, [&] { return sprig::skipgram(walks, g.num_nodes(), so); });
  const Matrix c = sprig::with_threads(4, [&] { return sprig::skipgram(walks, g.num_nodes(), so); });
  CHECK(bitwise_equal(a, b));
  CHECK(bitwise_equal(a, c));
  CHECK(a.allFinite());
  // Streaming the walks in batches trains on the same walks in the same order.
  const Matrix streamed = sprig::node2vec_embedding(g, wo, so, 500);
  CHECK(bitwise_equal(a, streamed));
  const Matrix whole = sprig::node2vec_embedding(g, wo, so);
  CHECK(bitwise_equal(a, whole));
  // Two epochs differ from one; another seed differs.
  sprig::SkipGramOptions two = so;
  two.epochs = 2;
  CHECK(!bitwise_equal(a, sprig::skipgram(walks, g.num_nodes(), two)));
  sprig::SkipGramOptions other = so;
  other.seed = 6;
  CHECK(!bitwise_equal(a, sprig::skipgram(walks, g.num_nodes(), other)));
}

TEST_CASE("skipgram: any dimension (vector-kernel tails), shared or per-pair negatives") {
  // Dimensions that leave every tail of the 16/8-wide kernels and the padded
  // four-row dot group: results finite, thread-invariant when deterministic,
  // and the two negative-sampling modes both train (and differ).
  const Graph& g = polblogs().lcc.graph;
  const auto walks = sprig::random_walks(g, {.walks_per_node = 1, .length = 12, .seed = 4});
  for (const std::int64_t dim : {1, 7, 13, 24, 37}) {
    CAPTURE(dim);
    for (const bool share : {true, false}) {
      const sprig::SkipGramOptions so{.dim = dim, .window = 3, .negative = 6, .share_negatives = share,
                                      .deterministic = true, .seed = 2};
      const Matrix a = sprig::with_threads(1, [&] { return sprig::skipgram(walks, g.num_nodes(), so); });
      const Matrix b = sprig::with_threads(3, [&] { return sprig::skipgram(walks, g.num_nodes(), so); });
      CHECK(a.allFinite());
      CHECK(bitwise_equal(a, b));
      sprig::SkipGramOptions other = so;
      other.share_negatives = !share;
      CHECK(!bitwise_equal(a, sprig::skipgram(walks, g.num_nodes(), other)));
    }
  }
}

TEST_CASE("skipgram: DeepWalk and node2vec embeddings classify polblogs") {
  // DeepWalk on polblogs is known to reach Micro-F1 ≈ 0.95 with d = 128;
  // a smaller, faster setting must still separate the two camps well.
  const Polblogs& pb = polblogs();
  for (bool det : {true, false}) {
    for (double p : {1.0, 0.5}) {
      CAPTURE(det);
      CAPTURE(p);
      const sprig::WalkOptions wo{.walks_per_node = 6, .length = 40, .p = p, .q = 1.0 / p, .seed = 1};
      const sprig::SkipGramOptions so{.dim = 32, .window = 5, .deterministic = det, .seed = 2};
      const Matrix emb = sprig::node2vec_embedding(pb.lcc.graph, wo, so);
      REQUIRE(emb.allFinite());
      const auto res = sprig::evaluate_node_classification(emb, pb.labels, {.repeats = 3, .seed = 1});
      MESSAGE("polblogs node2vec p=" << p << " deterministic=" << det << ": Micro-F1 " << res.micro_f1);
      CHECK(res.micro_f1 > 0.93);
    }
  }
}

TEST_CASE("skipgram: progress, empty walks and bad input") {
  sprig::Walks w;
  w.count = 2;
  w.length = 3;
  w.nodes = {0, 1, 2, 2, 1, -1};
  std::uint64_t last = 0;
  const Matrix m = sprig::skipgram(w, 4, {.dim = 8, .window = 2, .sample = 0, .deterministic = true,
                                          .progress = [&](const sprig::Progress& p) {
                                            CHECK(p.stage == "skipgram");
                                            last = p.done;
                                            return true;
                                          }});
  CHECK(m.rows() == 4);
  CHECK(last == 5);
  CHECK(m.allFinite());
  CHECK_THROWS_WITH_AS(sprig::skipgram(w, 4, {.dim = 0}), "skipgram: dim must be > 0 (got 0)", sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::skipgram(w, 4, {.window = 0}), "skipgram: window must be ≥ 1 (got 0)",
                       sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::skipgram(w, 4, {.negative = 0}), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::skipgram(w, 4, {.learning_rate = -1}), sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::skipgram(w, 2, {}), "skipgram: walk 0 holds node 2 ≥ n = 2", sprig::InvalidArgument);
  // A graph without edges: walks of length 1, no pairs, the initial vectors.
  sprig::EdgeList el;
  el.n = 3;
  const Matrix iso = sprig::node2vec_embedding(sprig::build_csr(el), {.walks_per_node = 2, .length = 5}, {.dim = 4});
  CHECK(iso.rows() == 3);
  CHECK(iso.allFinite());
  CHECK_THROWS_AS(sprig::node2vec_embedding(sprig::build_csr(el), {.p = 0}, {.dim = 4}), sprig::InvalidArgument);
}
