// Link-prediction quality of embeddings on cond-mat (16,726 nodes, 47,594
// co-authorship edges): 10% of the edges held out at random, as many uniform
// non-edges as negatives, embeddings trained on the remaining graph, scored by
// the dot product of the endpoints' vectors (ROC-AUC, metrics/classification).
// Reference: FastRP's reference Python code reaches AUC 0.946 on this task
// (issue 4); bench/peers/compare_embed.sh reruns it on this very split.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/skipgram.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/labels.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/metrics/classification.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include "test_config.hpp"

namespace {

struct CondMatTask {
  sprig::Graph train;
  std::vector<std::pair<sprig::node_t, sprig::node_t>> pos, neg;
};

std::vector<std::pair<sprig::node_t, sprig::node_t>> as_pairs(const std::vector<sprig::NodePair>& v) {
  std::vector<std::pair<sprig::node_t, sprig::node_t>> out;
  out.reserve(v.size());
  for (const auto& p : v) out.emplace_back(p.u, p.v);
  return out;
}

const CondMatTask& cond_mat() {
  static const CondMatTask task = [] {
    sprig::GraphReadOptions ro;
    ro.build.symmetrize = true;
    const sprig::Graph g = sprig::read_graph(std::string(SPRIG_DATA_DIR) + "/cond-mat.edges.gz", ro);
    auto split = sprig::random_link_split(g, {.valid_fraction = 0, .test_fraction = 0.10, .seed = 1});
    sprig::NegativeOptions no;
    no.seed = 2;
    const auto neg = sprig::sample_negatives(split.train, split.full, split.split.test_pos, no);
    return CondMatTask{std::move(split.train), as_pairs(split.split.test_pos), as_pairs(neg)};
  }();
  return task;
}

}  // namespace

TEST_CASE("embed quality: FastRP link prediction on cond-mat matches the reference AUC 0.946") {
  const CondMatTask& t = cond_mat();
  REQUIRE(t.pos.size() == 4759);
  REQUIRE(t.neg.size() == t.pos.size());
  // The reference's best setting, on the unweighted graph as the reference reads it.
  sprig::FastRpOptions fo;
  fo.use_weights = false;
  fo.standardize = true;
  fo.seed = 7;
  const sprig::Matrix x = sprig::fastrp(t.train, fo);
  const double auc = sprig::dot_product_auc(x, t.pos, t.neg);
  MESSAGE("cond-mat FastRP dot-product AUC " << auc);
  CHECK(std::abs(auc - 0.946) <= 0.01);
}

TEST_CASE("embed quality: node2vec on polblogs within 0.01 of SNAP's node2vec (Micro-F1 0.9545)") {
  // SNAP examples/node2vec with d=128, r=10, l=80, k=10, p=0.25, q=4 on
  // polblogs' largest component, scored by sprig's evaluator (50% train, 5
  // splits): Micro-F1 0.9545 (bench/peers/compare_embed.sh). Same settings
  // here, deterministic SGNS; under the sanitizers fewer, shorter walks.
  sprig::GraphReadOptions ro;
  ro.build.symmetrize = true;
  const std::string dir = SPRIG_DATA_DIR;
  const sprig::Subgraph lcc = sprig::largest_component(sprig::read_graph(dir + "/polblogs.edges.gz", ro));
  const auto all = sprig::read_labels(dir + "/polblogs.labels", {.nodes = 1490});
  std::vector<std::int32_t> labels;
  for (auto old : lcc.old_id_of_new) labels.push_back(all.label[old]);
  const bool small = sprig::test::kSanitized;
  const sprig::WalkOptions wo{.walks_per_node = small ? 6 : 10, .length = small ? 40 : 80, .p = 0.25, .q = 4, .seed = 3};
  const sprig::SkipGramOptions so{.dim = small ? 32 : 128, .window = small ? 5 : 10, .deterministic = true, .seed = 5};
  const sprig::Matrix x = sprig::node2vec_embedding(lcc.graph, wo, so);
  const auto res = sprig::evaluate_node_classification(x, labels, {.train_ratio = 0.5, .repeats = 5, .seed = 1});
  MESSAGE("polblogs node2vec Micro-F1 " << res.micro_f1 << " (SNAP 0.9545)");
  CHECK(res.micro_f1 >= 0.9545 - 0.01);
}
