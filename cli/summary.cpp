// `sprig summary GRAPH...`: one table row per graph (the main job of `make run`).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/io/graph_source.hpp>

#include "common.hpp"
#include "graph_summary.hpp"

namespace sprig::cli {

void register_summary(CLI::App& app) {
  auto* sub = app.add_subcommand("summary", "One table row per graph: size, degrees, components");
  sub->footer(
      "Load each GRAPH and print one row per graph: name, nodes n, edges m,\n"
      "directed, weighted, mean and max degree (out-degree when directed),\n"
      "weakly connected components and the largest one's size. With --json,\n"
      "one object {\"graphs\": [...]} holding what `sprig info --json` reports.\n"
      "Example:\n"
      "  sprig summary data/*.edges.gz");
  auto sources = std::make_shared<std::vector<std::string>>();
  auto flags = std::make_shared<GraphFlags>();
  sub->add_option("GRAPH", *sources, kGraphHelp)->required();
  add_graph_flags(sub, *flags);
  add_common_flags(sub);
  on_run(sub, [sources, flags] {
    nlohmann::ordered_json graphs = nlohmann::ordered_json::array();
    std::vector<std::pair<std::string, GraphSummary>> rows;
    for (const auto& source : *sources) {
      BuildStats stats;
      const Graph g = load_graph(source, source_options(*flags), &stats);
      const GraphSummary s = summarize(g, stats);
      nlohmann::ordered_json j;
      j["name"] = source_name(source);
      j["graph"] = source;
      j.update(to_json(s));
      graphs.push_back(std::move(j));
      rows.emplace_back(source_name(source), s);
    }
    finish_progress();
    if (common().json) {
      nlohmann::ordered_json report;
      report["graphs"] = std::move(graphs);
      print_report(report);
      return;
    }
    std::size_t w = 5;
    for (const auto& [name, s] : rows) w = std::max(w, name.size());
    std::string out = fmt::format("{:<{}} {:>10} {:>11} {:>8} {:>8} {:>9} {:>8} {:>10} {:>10}\n", "graph", w, "nodes",
                                  "edges", "directed", "weighted", "deg_mean", "deg_max", "components", "largest_cc");
    for (const auto& [name, s] : rows)
      out += fmt::format("{:<{}} {:>10} {:>11} {:>8} {:>8} {:>9.2f} {:>8} {:>10} {:>10}\n", name, w, s.nodes, s.edges,
                         s.directed ? "yes" : "no", s.weighted ? "yes" : "no", s.degree_mean, s.degree_max,
                         s.components, s.largest_component);
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  });
}

}  // namespace sprig::cli
