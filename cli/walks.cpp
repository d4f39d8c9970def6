// `sprig walks GRAPH -o walks.txt`: random walks (uniform, weighted, node2vec,
// temporal), one walk per line as node ids separated by spaces, or (-o .h5) an
// n_walks × length int32 dataset /walks with −1 padding and the options as attributes.
#include <chrono>
#include <memory>
#include <string>

#include <sprig/embed/embedding_file.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "common.hpp"

namespace sprig::cli {

void register_walks(CLI::App& app) {
  auto* sub = app.add_subcommand("walks", "Random walks: uniform, weighted, node2vec, temporal");
  sub->footer(
      "Walk i starts at node i mod n; walks are identical for any --threads.\n"
      "Weighted graphs walk by weight unless --unweighted; --p/--q give node2vec's\n"
      "second-order walks; --temporal follows edges forward in time (the file's\n"
      "time column). A walk stops early at a node without (allowed) out-edges.\n"
      "Output: one walk per line (`.gz` compresses); with .h5, the dataset /walks\n"
      "(n_walks x length int32, -1 after a walk's end, options as attributes).\n"
      "Examples:\n"
      "  sprig walks data/karate.edges.gz --walks-per-node 10 --length 80 -o walks.txt\n"
      "  sprig walks data/lesmis.edges.gz --p 0.25 --q 4 -o walks.txt.gz --json\n"
      "  sprig walks data/karate.edges.gz -o walks.h5   # h5py: f['walks'][:]");
  struct Args {
    std::string source, out, sampling = "alias";
    GraphFlags flags;
    std::int64_t walks_per_node = 10, length = 80;
    double p = 1, q = 1;
    bool unweighted = false, temporal = false, non_strict = false;
  };
  auto a = std::make_shared<Args>();
  sub->add_option("GRAPH", a->source, kGraphHelp)->required();
  sub->add_option("-o,--output", a->out, "output: text (.gz compresses) or .h5")->required();
  sub->add_option("--walks-per-node", a->walks_per_node, "walks started from each node")->capture_default_str();
  sub->add_option("--length", a->length, "nodes per walk, start included")->capture_default_str();
  sub->add_option("--p", a->p, "node2vec return parameter")->capture_default_str();
  sub->add_option("--q", a->q, "node2vec in-out parameter")->capture_default_str();
  sub->add_option("--sampling", a->sampling, "weighted steps: alias or prefix")
      ->check(CLI::IsMember({"alias", "prefix"}))
      ->capture_default_str();
  sub->add_flag("--unweighted", a->unweighted, "ignore edge weights");
  sub->add_flag("--temporal", a->temporal, "follow edges forward in time (needs a time column)");
  sub->add_flag("--non-strict", a->non_strict, "temporal: allow equal times");
  add_graph_flags(sub, a->flags);
  add_common_flags(sub);
  on_run(sub, [a] {
    const auto t0 = std::chrono::steady_clock::now();
    Walks walks;
    std::int64_t nodes = 0, edges = 0;
    if (a->temporal) {
      const EdgeList el = load_edge_list(a->source, source_options(a->flags));
      nodes = el.n;
      edges = static_cast<std::int64_t>(el.size());
      walks = temporal_random_walks(el, {.walks_per_node = a->walks_per_node, .length = a->length,
                                         .strict = !a->non_strict, .seed = common().seed, .progress = progress()});
    } else {
      const Graph g = load_graph(a->source, source_options(a->flags));
      nodes = g.num_nodes();
      edges = g.num_edges();
      if (g.num_arcs() == 0) note("the graph has no edges: every walk has length 1");
      walks = random_walks(g, {.walks_per_node = a->walks_per_node, .length = a->length, .p = a->p, .q = a->q,
                               .use_weights = !a->unweighted,
                               .sampling = a->sampling == "alias" ? WeightedSampling::alias : WeightedSampling::prefix_sum,
                               .seed = common().seed, .progress = progress()});
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (is_hdf5_path(a->out)) {
      h5::Attributes attrs{{"graph", a->source},
                           {"walks_per_node", a->walks_per_node},
                           {"length", a->length},
                           {"seed", static_cast<std::int64_t>(common().seed)},
                           {"padding", std::int64_t{-1}}};
      if (a->temporal) {
        attrs["method"] = std::string("temporal");
        attrs["strict"] = std::int64_t{a->non_strict ? 0 : 1};
      } else {
        attrs["method"] = std::string(a->p != 1 || a->q != 1 ? "node2vec" : "first-order");
        attrs["p"] = a->p;
        attrs["q"] = a->q;
        attrs["use_weights"] = std::int64_t{a->unweighted ? 0 : 1};
        attrs["sampling"] = a->sampling;
      }
      write_walks_hdf5(split_hdf5_path(a->out).file, walks, attrs);
    } else {
      write_walks_text(a->out, walks);
    }
    finish_progress();
    std::int64_t steps = 0;
    for (std::int64_t i = 0; i < walks.count; ++i) steps += walks.walk_length(i);
    nlohmann::ordered_json report;
    report["graph"] = a->source;
    report["nodes"] = nodes;
    report["edges"] = edges;
    report["walks"] = walks.count;
    report["nodes_visited"] = steps;
    report["output"] = a->out;
    report["walk_seconds"] = std::chrono::duration<double>(t1 - t0).count();
    print_report(report);
  });
}

}  // namespace sprig::cli
