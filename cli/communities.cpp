// `sprig communities GRAPH --method louvain|leiden`: community of every node (one
// "node community" line per node, to a file via temp + rename, or stdout),
// with the count and modularity reported.
#include <cstdio>
#include <memory>
#include <string>

#include <sprig/graph/transform.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/metrics/community.hpp>

#include "common.hpp"
#include "node_results.hpp"

namespace sprig::cli {

void register_communities(CLI::App& app) {
  auto* sub = app.add_subcommand("communities", "Communities by modularity optimisation (Louvain, Leiden)");
  sub->footer(
      "Find communities with Louvain or Leiden (resolution, seed; the same result for\n"
      "any --threads) on the graph (symmetrized when directed). Leiden's communities\n"
      "are always connected. Writes \"node community\" lines to -o FILE (or stdout)\n"
      "and reports the count and modularity.\n"
      "Example:\n"
      "  sprig communities data/football.edges.gz --seed 3 -o football.comm");
  auto source = std::make_shared<std::string>();
  auto flags = std::make_shared<GraphFlags>();
  auto method = std::make_shared<std::string>("louvain");
  auto resolution = std::make_shared<double>(1.0);
  auto out = std::make_shared<std::string>();
  auto unweighted = std::make_shared<bool>(false);
  sub->add_option("GRAPH", *source, kGraphHelp)->required();
  auto iterations = std::make_shared<int>(-1);
  sub->add_option("--method", *method, "louvain or leiden")->check(CLI::IsMember({"louvain", "leiden"}))->capture_default_str();
  sub->add_option("--iterations", *iterations, "Leiden iterations (-1: until modularity stops improving)")->capture_default_str();
  sub->add_option("--resolution", *resolution, "modularity resolution gamma")->check(CLI::PositiveNumber);
  sub->add_flag("--unweighted", *unweighted, "ignore edge weights");
  sub->add_option("-o,--output", *out, "output file (.gz compresses; .h5 writes /nodes/community); default stdout");
  add_graph_flags(sub, *flags);
  add_common_flags(sub);
  on_run(sub, [=] {
    auto prog = progress();
    GraphSourceOptions so = source_options(*flags);
    so.progress = prog;
    Graph g = load_graph(*source, so);
    if (g.directed()) g = symmetrize(g);
    const auto r = *method == "leiden"
                       ? leiden(g, {.resolution = *resolution, .seed = common().seed, .use_weights = !*unweighted,
                                    .iterations = *iterations, .progress = prog})
                       : louvain(g, {.resolution = *resolution, .seed = common().seed, .use_weights = !*unweighted, .progress = prog});
    finish_progress();
    auto emit = [&](auto&& put) {
      for (node_t v = 0; v < g.num_nodes(); ++v) put(std::to_string(v) + " " + std::to_string(r.membership[v]) + "\n");
    };
    nlohmann::ordered_json info;
    info["graph"] = *source;
    info["method"] = *method;
    info["resolution"] = *resolution;
    info["communities"] = r.count;
    info["modularity"] = r.modularity;
    info["levels"] = r.levels;
    if (out->empty()) {
      if (common().json) {
        info["membership"] = r.membership;
        print_report(info);
        return;
      }
      emit([](const std::string& s) { std::fputs(s.c_str(), stdout); });
      std::fflush(stdout);
      return;
    }
    if (wants_hdf5(*out)) {
      write_node_results(*out, g, {"community"}, {std::vector<double>(r.membership.begin(), r.membership.end())},
                         {{"graph", *source}, {"command", std::string("sprig communities")}, {"method", *method},
                          {"resolution", *resolution}, {"seed", static_cast<std::int64_t>(common().seed)},
                          {"unweighted", std::int64_t{*unweighted}}, {"modularity", r.modularity}});
    } else {
      write_text_atomically(*out, [&](TextWriter& w) {
        w.write("# node community\n");
        emit([&](const std::string& s) { w.write(s); });
      });
    }
    info["output"] = *out;
    print_report(info);
  });
}

}  // namespace sprig::cli
