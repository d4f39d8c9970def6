// `sprig convert IN OUT`: rewrite a graph in the format OUT's extension names.
#include <string>

#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>
#include <sprig/io/labels.hpp>

#include "common.hpp"

namespace sprig::cli {

void register_convert(CLI::App& app) {
  auto* sub = app.add_subcommand("convert", "Convert a graph between formats (chosen by OUT's extension)");
  sub->footer(
      "Read IN (a file or a generator spec), build the graph, and write it to OUT\n"
      "in the format its extension names:\n"
      "  .edges .txt .tsv .csv  edge list 'u v [w]' with a '# NAME: ...' header\n"
      "  .mtx                   Matrix Market coordinate (symmetric when undirected)\n"
      "  .h5 .h5ad              HDF5, sprig-graph layout (docs/hdf5-layout.md); --level is\n"
      "                         its deflate level, --labels adds /nodes/labels\n"
      "  + .gz                  gzip-compressed (e.g. g.edges.gz, g.mtx.gz)\n"
      "Self-loops and duplicate edges are removed while building unless\n"
      "--keep-self-loops / --keep-duplicates. OUT is written to a temporary file\n"
      "and renamed, so a failed run never leaves half a file.\n"
      "Examples:\n"
      "  sprig convert data/karate.edges.gz karate.mtx\n"
      "  sprig convert karate.mtx karate.edges\n"
      "  sprig convert data/football.edges.gz football.h5 --labels data/football.labels\n"
      "  sprig convert football.h5 football.edges.gz\n"
      "  sprig convert rmat:16:16 rmat16.edges.gz --seed 7");
  struct Args {
    std::string in, out, name, labels;
    GraphFlags flags;
    bool keep_self_loops = false, keep_duplicates = false;
    int level = 6;
  };
  auto a = std::make_shared<Args>();
  sub->add_option("IN", a->in, kGraphHelp)->required();
  sub->add_option("OUT", a->out, "the output file; its extension picks the format")->required();
  sub->add_option("--name", a->name, "graph name written in the header (default: OUT's stem)");
  sub->add_option("--level", a->level, "gzip level for .gz outputs (0-9)")->check(CLI::Range(0, 9))->capture_default_str();
  sub->add_option("--labels", a->labels, "node label file (id label), stored as /nodes/labels in .h5 outputs");
  sub->add_flag("--keep-self-loops", a->keep_self_loops, "keep edges u-u");
  sub->add_flag("--keep-duplicates", a->keep_duplicates, "keep parallel edges");
  add_graph_flags(sub, a->flags);
  add_common_flags(sub);
  on_run(sub, [a] {
    GraphSourceOptions src = source_options(a->flags);
    if (a->keep_self_loops) src.build.self_loops = SelfLoops::keep;
    if (a->keep_duplicates) src.build.duplicates = Duplicates::keep;
    BuildStats stats;
    const Graph g = load_graph(a->in, src, &stats);
    GraphWriteOptions w;
    w.edge_list.name = a->name.empty() ? file_stem(a->out) : a->name;
    w.edge_list.level = a->level;
    w.edge_list.progress = src.progress;
    const bool hdf5 = is_hdf5_path(a->out);
    if (hdf5) {
      GraphData data;
      data.name = w.edge_list.name;
      if (!a->labels.empty()) {
        LabelReadOptions lo;
        lo.nodes = g.num_nodes();
        NodeLabels nl = read_labels(a->labels, lo);
        data.nodes.labels = std::move(nl.label);
        data.nodes.classes = std::move(nl.classes);
      }
      Hdf5WriteOptions h5;
      h5.compression = a->level;
      h5.created_by = "sprig convert";
      write_hdf5(a->out, g, data, h5);
    } else {
      SPRIG_EXPECTS(a->labels.empty(), "convert: --labels needs an .h5 output (got {})", a->out);
      write_graph(a->out, g, w);
    }
    nlohmann::ordered_json report;
    report["input"] = a->in;
    report["output"] = a->out;
    report["format"] = hdf5 ? "hdf5" : is_matrix_market_path(a->out) ? "matrix market" : "edge list";
    report["nodes"] = g.num_nodes();
    report["edges"] = g.num_edges();
    report["directed"] = g.directed();
    report["weighted"] = g.weighted();
    report["self_loops_removed"] = stats.self_loops_removed;
    report["duplicates_merged"] = stats.duplicates_merged;
    print_report(report);
  });
}

}  // namespace sprig::cli
