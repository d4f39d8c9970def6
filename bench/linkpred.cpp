// sprig-bench linkpred: link-prediction heuristics and evaluation throughput.
//
// Each trial times, one after the other:
//   local  CN, Jaccard, Adamic–Adar and resource allocation of --pairs uniform
//          random pairs (u ≠ v, drawn from Philox(seed, i)) in one link_scores call
//   jaccard  Jaccard alone, the same pairs (what the igraph peer computes)
//   ppr    personalized PageRank (forward push, α = 0.15, ε = 1e-4) for
//          --ppr-sources distinct sources (one pair per source)
//   eval   AUC, AP and Hits@20/50/100 of --eval-scores random scores (10% positives)
// --write-pairs FILE writes the pairs (`u v` lines) for the peers
// (bench/peers/linkpred_networkx.py, linkpred_igraph.py), and the report holds
// the sum of each score over all pairs so a peer's values can be compared.
// --verify (untimed) recomputes the four scores of the first 20,000 pairs by
// sorted-set intersections and checks them.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/metrics/linkpred_eval.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct LinkpredFlags {
  std::size_t pairs = 1000000;
  std::size_t ppr_sources = 10000;
  std::size_t eval_scores = 10000000;
  std::string write_pairs;
};

LinkpredFlags& flags() {
  static LinkpredFlags f;
  return f;
}

// CPU seconds (user + system, all threads) of the process so far: steadier than
// wall time on a shared machine.
std::vector<NodePair> random_pairs(node_t n, std::size_t count, std::uint64_t seed) {
  std::vector<NodePair> p(count);
  parallel_for<std::size_t>(0, count, [&](std::size_t i) {
    Philox rng(seed, i, 0x1b9);
    node_t u, v;
    do {
      u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
      v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    } while (u == v);
    p[i] = {u, v};
  });
  return p;
}

void run_linkpred() {
  const BenchOptions& o = options();
  const LinkpredFlags& f = flags();
  nlohmann::ordered_json report;
  report["kernel"] = "linkpred";
  report["graph"] = o.graph;
  GraphSourceOptions so;
  so.directed = o.directed;
  so.seed = o.seed;
  if (o.nodes > 0) so.nodes = o.nodes;
  const Graph g = load_graph(o.graph, so);
  SPRIG_EXPECTS(!g.directed(), "sprig-bench linkpred: {} is directed; the scores need an undirected graph", o.graph);
  SPRIG_EXPECTS(g.num_nodes() >= 2, "sprig-bench linkpred: the graph needs at least 2 nodes");
  report["nodes"] = g.num_nodes();
  report["edges"] = g.num_edges();
  const auto pairs = random_pairs(g.num_nodes(), f.pairs, o.seed);
  report["pairs"] = pairs.size();
  if (!f.write_pairs.empty()) {
    write_text_atomically(f.write_pairs, [&](TextWriter& w) {
      for (const auto& p : pairs) w.write(fmt::format("{} {}\n", p.u, p.v));
    });
    note(fmt::format("wrote {} pairs to {}", pairs.size(), f.write_pairs));
  }
  // PPR: distinct sources (a random order of the nodes), one random target each.
  std::vector<NodePair> ppr_pairs;
  {
    std::vector<std::pair<std::uint64_t, node_t>> order(static_cast<std::size_t>(g.num_nodes()));
    for (node_t v = 0; v < g.num_nodes(); ++v) order[v] = {counter_hash(o.seed, static_cast<std::uint64_t>(v), 0x77), v};
    std::sort(order.begin(), order.end());
    const std::size_t k = std::min<std::size_t>(f.ppr_sources, order.size());
    for (std::size_t i = 0; i < k; ++i) ppr_pairs.push_back({order[i].second, pairs[i % pairs.size()].v});
    for (auto& p : ppr_pairs)
      if (p.u == p.v) p.v = (p.v + 1) % g.num_nodes();
  }
  report["ppr_sources"] = ppr_pairs.size();
  // Evaluation input: 10% positives shifted up.
  std::vector<double> epos, eneg;
  {
    const std::size_t np = f.eval_scores / 10;
    epos.resize(np);
    eneg.resize(f.eval_scores - np);
    parallel_for<std::size_t>(0, f.eval_scores, [&](std::size_t i) {
      Philox rng(o.seed, i, 0xe7a1);
      const double x = std::floor(rng.uniform() * 1000.0) / 1000.0;  // ties, like real scores
      if (i < np)
        epos[i] = x + 0.3;
      else
        eneg[i - np] = x;
    });
  }
  report["eval_scores"] = f.eval_scores;

  const LinkScore local[] = {LinkScore::common_neighbors, LinkScore::jaccard, LinkScore::adamic_adar,
                             LinkScore::resource_allocation};
  LinkScoreOptions ppr_opt;
  ppr_opt.ppr_epsilon = 1e-4;
  std::vector<double> t_local, t_cn, t_ppr, t_eval, c_local, c_cn;
  std::vector<std::vector<double>> cols;
  double ppr_sum = 0, auc = 0;
  for (int i = 0; i < o.warmup + o.trials; ++i) {
    const bool timed = i >= o.warmup;
    const double ca0 = process_cpu_seconds();
    const double a = time_once([&] { cols = link_scores(g, pairs, local); });
    const double ca = process_cpu_seconds() - ca0;
    std::vector<double> jac;
    const double cb0 = process_cpu_seconds();
    const double b = time_once([&] { jac = link_score(g, pairs, LinkScore::jaccard); });
    const double cb = process_cpu_seconds() - cb0;
    std::vector<double> pr;
    const double c = time_once([&] { pr = link_score(g, ppr_pairs, LinkScore::ppr, ppr_opt); });
    ppr_sum = 0;
    for (double x : pr) ppr_sum += x;
    LinkEvalResult ev;
    const double d = time_once([&] { ev = evaluate_link_prediction(epos, eneg); });
    auc = ev.auc;
    if (timed) {
      t_local.push_back(a);
      t_cn.push_back(b);
      c_local.push_back(ca);
      c_cn.push_back(cb);
      t_ppr.push_back(c);
      t_eval.push_back(d);
    }
    note(fmt::format("trial {}{}: cn+jaccard+aa+ra {:.3f} s, jaccard {:.3f} s, ppr {:.3f} s, eval {:.3f} s", i + 1,
                     timed ? "" : " (warm-up)", a, b, c, d));
  }
  report["trials"] = o.trials;
  report["warmup"] = o.warmup;
  report["cn_jaccard_aa_ra"] = to_json(trial_stats(t_local));
  report["jaccard"] = to_json(trial_stats(t_cn));
  report["cn_jaccard_aa_ra_cpu"] = to_json(trial_stats(c_local));  // user + system seconds, all threads
  report["jaccard_cpu"] = to_json(trial_stats(c_cn));
  report["ppr"] = to_json(trial_stats(t_ppr));
  report["eval"] = to_json(trial_stats(t_eval));
  nlohmann::ordered_json sums;
  const char* names[] = {"cn", "jaccard", "aa", "ra"};
  for (std::size_t j = 0; j < 4; ++j) {
    double s = 0;
    for (double x : cols[j]) s += x;
    sums[names[j]] = s;
  }
  sums["ppr"] = ppr_sum;
  report["score_sums"] = sums;
  report["eval_auc"] = auc;

  if (o.verify) {
    const std::size_t k = std::min<std::size_t>(pairs.size(), 20000);
    for (std::size_t i = 0; i < k; ++i) {
      const auto [u, v] = pairs[i];
      const auto nu = g.neighbors(u), nv = g.neighbors(v);
      std::vector<node_t> common, uni;
      std::set_intersection(nu.begin(), nu.end(), nv.begin(), nv.end(), std::back_inserter(common));
      std::set_union(nu.begin(), nu.end(), nv.begin(), nv.end(), std::back_inserter(uni));
      double aa = 0, ra = 0;
      for (node_t w : common) {
        aa += 1.0 / std::log(static_cast<double>(g.degree(w)));
        ra += 1.0 / static_cast<double>(g.degree(w));
      }
      const double want[] = {static_cast<double>(common.size()),
                             uni.empty() ? 0.0 : static_cast<double>(common.size()) / static_cast<double>(uni.size()),
                             aa, ra};
      for (std::size_t j = 0; j < 4; ++j)
        SPRIG_EXPECTS(std::abs(cols[j][i] - want[j]) <= 1e-12 * std::max(1.0, std::abs(want[j])),
                      "verify: pair {} ({}, {}) score {} is {} but set intersection gives {}", i, u, v, names[j],
                      cols[j][i], want[j]);
    }
  }
  finish_report(report, o.verify);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("linkpred", "Link-prediction scores (CN, Jaccard, AA, RA, PPR) and evaluation");
  sub->footer(
      "Times CN+Jaccard+AA+RA together and Jaccard alone for --pairs uniform random pairs,\n"
      "PPR push for --ppr-sources distinct sources, and AUC+AP+Hits@K of --eval-scores\n"
      "scores. --write-pairs FILE saves the pairs for the peers (networkx, igraph).\n"
      "Examples:\n"
      "  sprig-bench linkpred --graph ../shared/data/email-Enron.edges.gz --pairs 1000000 --threads 2\n"
      "  sprig-bench linkpred --graph rmat:16:16 --pairs 100000 --verify --json");
  add_bench_flags(sub);
  LinkpredFlags& f = flags();
  sub->add_option("--pairs", f.pairs, "random node pairs to score")->capture_default_str();
  sub->add_option("--ppr-sources", f.ppr_sources, "PPR push sources")->capture_default_str();
  sub->add_option("--eval-scores", f.eval_scores, "scores to evaluate")->capture_default_str();
  sub->add_option("--write-pairs", f.write_pairs, "write the pairs to this file (`u v` lines)");
  on_run(sub, run_linkpred);
}

}  // namespace

SPRIG_BENCH_KERNEL(linkpred, setup);

}  // namespace sprig::bench
