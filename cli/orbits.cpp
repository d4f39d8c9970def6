// `sprig orbits GRAPH -k 4|5 [--edges] [--adjacency] -o OUT`: graphlet orbit
// counts per node (or per edge), written as .tsv/.txt (optionally .gz), as
// ORCA's exact text output (--format orca), or into an HDF5 file (/orbits/...).
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <sprig/embed/orbit_adjacency.hpp>
#include <sprig/embed/orbits.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "common.hpp"

namespace sprig::cli {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Writes the counts as text. format: "orca" (counts only, one line per row,
/// space-separated, exactly what ORCA writes), "tsv" (header, ids, tabs) or
/// "txt" (as tsv with spaces and a '#' header).
void write_counts_text(const std::string& path, const OrbitCounts& r, Per per, const std::string& format) {
  write_text_atomically(path, [&](TextWriter& w) {
    const bool orca = format == "orca";
    const char sep = format == "tsv" ? '\t' : ' ';
    const auto cols = r.counts.cols();
    if (!orca) {
      std::string head = format == "tsv" ? "" : "# ";
      head += per == Per::node ? "node" : fmt::format("u{}v", sep);
      for (Eigen::Index j = 0; j < cols; ++j) head += fmt::format("{}{}{}", sep, per == Per::node ? "o" : "e", j);
      w.write(head);
      w.put('\n');
    }
    std::string line;
    for (Eigen::Index i = 0; i < r.counts.rows(); ++i) {
      line.clear();
      if (!orca) {
        if (per == Per::node)
          line += fmt::format("{}{}", i, sep);
        else
          line += fmt::format("{}{}{}{}", r.edges[i].first, sep, r.edges[i].second, sep);
      }
      for (Eigen::Index j = 0; j < cols; ++j) {
        if (j) line += orca ? ' ' : sep;
        line += fmt::format("{}", r.counts(i, j));
      }
      line += '\n';
      w.write(line);
    }
  });
}

}  // namespace

/// Computes and writes the orbit adjacency matrices beside the counts (the
/// same .h5 file, or OUT.adjacency.txt for text outputs); returns where.
std::string write_orbits_adjacency(const Graph& g, const std::string& out, bool hdf5, const ProgressFn& progress) {
  const OrbitAdjacency adj = orbit_adjacency(g, {.progress = progress});
  if (hdf5) {
    write_orbit_adjacency_hdf5(out, adj);
    return out;
  }
  const std::string path = out + ".adjacency.txt";
  write_orbit_adjacency_text(path, adj);
  return path;
}

void register_orbits(CLI::App& app) {
  auto* sub = app.add_subcommand("orbits", "graphlet orbit counts (graphlet degree vectors) per node or per edge");
  sub->footer(
      "Counts, for every node (or every edge with --edges), how often it touches each orbit of\n"
      "the connected induced graphlets of 2..k nodes (k=4: 15 node / 12 edge orbits; k=5: 73 / 68),\n"
      "in ORCA's (Pržulj) numbering. A directed graph is symmetrized; weights, self-loops and\n"
      "duplicate edges are ignored.\n"
      "Outputs by extension: .tsv (header, id columns, tabs), .txt (same with spaces and a '#'\n"
      "header), either optionally .gz; .h5 adds /orbits/nodes to an existing sprig HDF5 file or\n"
      "writes a new one holding the graph (node orbits only: /orbits rows are nodes).\n"
      "--format orca writes exactly what ORCA writes: one line per node (per edge, edges in\n"
      "(u<v) sorted order) with the space-separated counts and nothing else.\n"
      "--adjacency also writes the 28 orbit adjacency matrices (2..4-node graphlets): into the\n"
      "same .h5 file (/orbits/adjacency), or as text to OUT.adjacency.txt.\n"
      "Example:\n"
      "  sprig orbits data/karate.edges.gz -k 5 -o karate.orbits --format orca");
  auto source = std::make_shared<std::string>();
  auto flags = std::make_shared<GraphFlags>();
  auto k = std::make_shared<int>(4);
  auto edges = std::make_shared<bool>(false);
  auto adjacency = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("auto");
  sub->add_option("GRAPH", *source, kGraphHelp)->required();
  sub->add_option("-k,--graphlet-size", *k, "largest graphlet: 4 or 5")->check(CLI::IsMember({4, 5}));
  sub->add_flag("--edges", *edges, "per-edge orbits (one row per edge u<v) instead of per-node");
  sub->add_flag("--adjacency", *adjacency, "also write the 28 orbit adjacency matrices");
  sub->add_option("-o,--output", *out, "output file (.tsv, .txt, optionally .gz; .h5)");
  sub->add_option("--format", *format, "auto (by extension), tsv, txt or orca")
      ->check(CLI::IsMember({"auto", "tsv", "txt", "orca"}));
  add_graph_flags(sub, *flags);
  add_common_flags(sub);
  on_run(sub, [=] {
    GraphSourceOptions so = source_options(*flags);
    so.progress = progress();
    const Graph g = load_graph(*source, so);
    const Per per = *edges ? Per::edge : Per::node;
    std::string fmt_name = *format;
    const std::string plain = ends_with(*out, ".gz") ? out->substr(0, out->size() - 3) : *out;
    const bool hdf5 = !out->empty() && is_hdf5_path(*out);
    if (fmt_name == "auto") fmt_name = ends_with(plain, ".tsv") ? "tsv" : "txt";
    SPRIG_EXPECTS(!(hdf5 && *format != "auto"), "orbits: --format {} does not apply to an HDF5 output", *format);
    SPRIG_EXPECTS(!(hdf5 && per == Per::edge),
                  "orbits: edge orbits cannot go into an HDF5 file (/orbits/NAME rows are nodes, "
                  "docs/hdf5-layout.md); write .tsv or .txt");
    SPRIG_EXPECTS(!(*adjacency && out->empty()), "orbits: --adjacency needs -o");
    const auto t0 = std::chrono::steady_clock::now();
    const OrbitCounts r = orbit_counts(g, {.max_size = *k, .per = per, .progress = progress()});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::ordered_json info;
    info["graph"] = *source;
    info["nodes"] = g.num_nodes();
    info["graphlet_size"] = *k;
    info["per"] = per == Per::node ? "node" : "edge";
    info["rows"] = r.counts.rows();
    info["orbits"] = r.counts.cols();
    info["seconds"] = seconds;
    if (!out->empty()) {
      if (hdf5) {
        DenseMatrix<std::int64_t> m(r.counts.rows(), r.counts.cols());
        for (Eigen::Index i = 0; i < r.counts.rows(); ++i)
          for (Eigen::Index j = 0; j < r.counts.cols(); ++j) m(i, j) = static_cast<std::int64_t>(r.counts(i, j));
        const h5::Attributes attrs{{"graphlet_size", std::int64_t{*k}}, {"per", std::string("node")},
                                   {"numbering", std::string("orca")}};
        const std::string file = split_hdf5_path(*out).file;
        if (std::filesystem::exists(file)) {
          append_orbits(file, "nodes", m, attrs, {.overwrite = true});
        } else {
          GraphData data;
          data.orbits.push_back({"nodes", std::move(m), attrs});
          write_hdf5(file, g, data);
        }
      } else {
        write_counts_text(*out, r, per, fmt_name);
      }
      info["output"] = *out;
      info["format"] = hdf5 ? "hdf5" : fmt_name;
      if (*adjacency) {
        const auto t1 = std::chrono::steady_clock::now();
        info["adjacency_output"] = write_orbits_adjacency(g, hdf5 ? split_hdf5_path(*out).file : *out, hdf5, progress());
        info["adjacency_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
      }
    }
    finish_progress();
    print_report(info);
  });
}

}  // namespace sprig::cli
