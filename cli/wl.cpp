// `sprig wl GRAPH`: Weisfeiler–Lehman colours per node and round, and the
// graph hash; --networkx reproduces networkx's weisfeiler_lehman_* hashes.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/metrics/wl.hpp>

#include "common.hpp"
#include "node_results.hpp"

namespace sprig::cli {

void register_wl(CLI::App& app) {
  auto* sub = app.add_subcommand("wl", "Weisfeiler-Lehman colour refinement and graph hash");
  sub->footer(
      "Refine node colours for --iterations rounds and write one line per node:\n"
      "the node, then its colour after each round. Default colours are 64-bit\n"
      "hashes (hex); --networkx writes networkx's BLAKE2b subgraph hashes instead\n"
      "and reports weisfeiler_lehman_graph_hash exactly as networkx computes it.\n"
      "Example:\n"
      "  sprig wl data/karate.edges.gz --networkx -o karate.wl");
  auto source = std::make_shared<std::string>();
  auto flags = std::make_shared<GraphFlags>();
  auto iterations = std::make_shared<int>(3);
  auto digest = std::make_shared<int>(16);
  auto nxmode = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  sub->add_option("GRAPH", *source, kGraphHelp)->required();
  sub->add_option("--iterations", *iterations, "refinement rounds")->check(CLI::NonNegativeNumber);
  sub->add_flag("--networkx", *nxmode, "networkx-compatible BLAKE2b hashes");
  sub->add_option("--digest-size", *digest, "BLAKE2b digest bytes (networkx mode)")->check(CLI::Range(1, 64));
  sub->add_option("-o,--output", *out,
                  "per-node output file (.gz compresses; .h5: /nodes/wl_colors, n x (iterations+1) int64); default: none");
  add_graph_flags(sub, *flags);
  add_common_flags(sub);
  on_run(sub, [=] {
    GraphSourceOptions so = source_options(*flags);
    so.progress = progress();
    const Graph g = load_graph(*source, so);
    nlohmann::ordered_json info;
    info["graph"] = *source;
    info["iterations"] = *iterations;
    std::function<void(TextWriter&)> write;
    SPRIG_EXPECTS(!(*nxmode && wants_hdf5(*out)),
                  "wl: --networkx hashes are strings; write them as text (-o FILE), or drop --networkx for HDF5 colours");
    if (*nxmode) {
      info["graph_hash"] = wl_graph_hash_networkx(g, *iterations, *digest);
      if (!out->empty()) {
        const auto h = wl_subgraph_hashes_networkx(g, *iterations, *digest);
        write = [h](TextWriter& w) {
          for (std::size_t v = 0; v < h.size(); ++v) {
            w.write(std::to_string(v));
            for (const auto& s : h[v]) w.write(" " + s);
            w.put('\n');
          }
        };
      }
    } else {
      const auto c = wl_colors(g, {.iterations = *iterations});
      info["distinct_colours"] = c.distinct;
      const auto f = wl_features(c);
      std::string feat;
      for (const auto& [colour, count] : f) feat += fmt::format("{:016x}:{};", colour, count);
      info["graph_hash"] = blake2b_hex(feat, 16);
      if (wants_hdf5(*out)) {
        // colour ids are 64-bit hashes: stored bit for bit as int64, one column per round (round 0 first)
        DenseMatrix<std::int64_t> m(g.num_nodes(), static_cast<std::int64_t>(c.rounds.size()));
        for (std::size_t v = 0; v < c.rounds[0].size(); ++v)
          for (std::size_t r = 0; r < c.rounds.size(); ++r)
            m(static_cast<std::int64_t>(v), static_cast<std::int64_t>(r)) = static_cast<std::int64_t>(c.rounds[r][v]);
        if (!std::filesystem::exists(*out)) write_hdf5(*out, g);
        append_node_values(*out, "wl_colors", m,
                           {{"graph", *source}, {"command", std::string("sprig wl")}, {"iterations", std::int64_t{*iterations}},
                            {"graph_hash", info["graph_hash"].get<std::string>()}},
                           {.overwrite = true});
        info["output"] = *out;
      } else if (!out->empty())
        write = [c](TextWriter& w) {
          for (std::size_t v = 0; v < c.rounds[0].size(); ++v) {
            w.write(std::to_string(v));
            for (std::size_t r = 1; r < c.rounds.size(); ++r) w.write(fmt::format(" {:016x}", c.rounds[r][v]));
            w.put('\n');
          }
        };
    }
    finish_progress();
    if (write) {
      write_text_atomically(*out, write);
      info["output"] = *out;
    }
    print_report(info);
  });
}

}  // namespace sprig::cli
