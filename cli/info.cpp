// `sprig info GRAPH`: what a graph holds (size, degrees, components, memory).
#include <string>

#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "common.hpp"
#include "graph_summary.hpp"

namespace sprig::cli {

void register_info(CLI::App& app) {
  auto* sub = app.add_subcommand("info", "Describe a graph: size, degrees, components, memory");
  sub->footer(
      "Describe a graph: nodes, edges, directed, weighted, self-loops removed and\n"
      "duplicates merged while building, degree min/mean/max (out-degree when\n"
      "directed), isolated nodes, weakly connected components, the largest one's\n"
      "size, and the memory the CSR arrays hold. Prints one `key: value` per line,\n"
      "or one JSON object with --json.\n"
      "Examples:\n"
      "  sprig info data/karate.edges.gz\n"
      "  sprig info rmat:16:16 --seed 3 --json\n"
      "  sprig info edges.txt --directed --nodes 1000\n"
      "  sprig info cells.h5ad:/obsp/connectivities   (HDF5: also lists the file's datasets)");
  auto source = std::make_shared<std::string>();
  auto flags = std::make_shared<GraphFlags>();
  sub->add_option("GRAPH", *source, kGraphHelp)->required();
  add_graph_flags(sub, *flags);
  add_common_flags(sub);
  on_run(sub, [source, flags] {
    BuildStats stats;
    const Graph g = load_graph(*source, source_options(*flags), &stats);
    nlohmann::ordered_json report;
    report["graph"] = *source;
    report.update(to_json(summarize(g, stats)));
    if (is_hdf5_path(*source)) {  // what the file holds besides the graph
      nlohmann::ordered_json contents;
      for (const auto& e : list_hdf5(split_hdf5_path(*source).file)) {
        if (e.is_group) continue;
        std::string dims;
        for (auto d : e.dims) dims += (dims.empty() ? "" : " x ") + std::to_string(d);
        std::string filters;
        for (const auto& f : e.filters) filters += (filters.empty() ? " " : "+") + f;
        contents[e.path] = e.type + "[" + dims + "]" + filters + ", " + human_bytes(static_cast<double>(e.stored_bytes));
      }
      report["hdf5"] = contents;
    }
    print_report(report);
  });
}

}  // namespace sprig::cli
