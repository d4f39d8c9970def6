// `sprig centrality GRAPH --pagerank --betweenness ...`: per-node centralities
// as a table ("node" then one column per measure), to a file (written to a
// temporary file and renamed) or stdout.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/metrics/centrality.hpp>
#include <sprig/metrics/clustering.hpp>
#include <sprig/metrics/degree.hpp>
#include <sprig/metrics/kcore.hpp>
#include <sprig/graph/transform.hpp>

#include "common.hpp"
#include "node_results.hpp"

namespace sprig::cli {

namespace {
struct CentralityFlags {
  bool pagerank = false, betweenness = false, closeness = false, harmonic = false, degree = false, core = false,
       clustering = false, power_iteration = false;
  double damping = 0.85, tolerance = 1e-10;
  int max_iterations = 1000;
  node_t samples = 0;
  double epsilon = 0, delta = 0.1;
  bool normalized = false, unweighted = false;
  std::string out;
};
}  // namespace

void register_centrality(CLI::App& app) {
  auto* sub = app.add_subcommand("centrality", "Per-node centralities: PageRank, betweenness, closeness, harmonic");
  sub->footer(
      "Compute the chosen per-node measures and write one line per node:\n"
      "node, then one tab-separated column per measure, in the order\n"
      "degree, core, clustering, pagerank, betweenness, closeness, harmonic.\n"
      "PageRank: damping, tolerance on the L1 change, dangling nodes jump\n"
      "uniformly; solved by Chebyshev (undirected) or Anderson-accelerated\n"
      "(directed) iteration, or --power-iteration. Betweenness: exact (parallel Brandes) unless --samples K picks\n"
      "K seeded sources (scores scaled by n/K), or --epsilon E [--delta D] samples\n"
      "node pairs (Riondato & Kornaropoulos 2016) so that, with probability 1 - D,\n"
      "every normalised score (divided by n(n-1), ordered pairs) is within E of the\n"
      "exact one; scores are written on the exact command's scale. -o FILE.h5\n"
      "writes /nodes/<measure> datasets (appended to an existing file, else\n"
      "beside the graph). Weights are used unless\n"
      "--unweighted (PageRank: transition weights; paths: lengths).\n"
      "Examples:\n"
      "  sprig centrality data/polblogs.edges.gz --pagerank -o pr.tsv\n"
      "  sprig centrality data/karate.edges.gz --betweenness --closeness");
  auto source = std::make_shared<std::string>();
  auto flags = std::make_shared<GraphFlags>();
  auto f = std::make_shared<CentralityFlags>();
  sub->add_option("GRAPH", *source, kGraphHelp)->required();
  sub->add_flag("--pagerank", f->pagerank, "PageRank");
  sub->add_flag("--betweenness", f->betweenness, "betweenness centrality");
  sub->add_flag("--closeness", f->closeness, "closeness centrality (igraph's convention)");
  sub->add_flag("--harmonic", f->harmonic, "harmonic centrality");
  sub->add_flag("--degree", f->degree, "degree (total for directed graphs)");
  sub->add_flag("--core", f->core, "core number (of the symmetrized graph)");
  sub->add_flag("--clustering", f->clustering, "local clustering (of the symmetrized graph)");
  sub->add_option("--damping", f->damping, "PageRank damping factor")->check(CLI::Range(0.0, 0.999999));
  sub->add_option("--tolerance", f->tolerance, "PageRank stopping tolerance (L1 change)")->check(CLI::PositiveNumber);
  sub->add_option("--max-iterations", f->max_iterations, "PageRank iteration cap")->check(CLI::PositiveNumber);
  sub->add_flag("--power-iteration", f->power_iteration, "PageRank by plain power iteration (same result, more passes)");
  sub->add_option("--samples", f->samples, "betweenness from K sampled sources (0: exact)")->check(CLI::NonNegativeNumber);
  sub->add_option("--epsilon", f->epsilon, "sampled betweenness with additive error E on the normalised scale (0: off)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--delta", f->delta, "failure probability of the --epsilon guarantee")->check(CLI::Range(1e-12, 0.999999))->capture_default_str();
  sub->add_flag("--normalized", f->normalized, "normalize betweenness by the number of pairs");
  sub->add_flag("--unweighted", f->unweighted, "ignore edge weights");
  sub->add_option("-o,--output", f->out, "output file (.gz compresses); default stdout");
  add_graph_flags(sub, *flags);
  add_common_flags(sub);
  on_run(sub, [source, flags, f] {
    if (!(f->pagerank || f->betweenness || f->closeness || f->harmonic || f->degree || f->core || f->clustering))
      throw InvalidArgument("centrality: choose at least one of --pagerank --betweenness --closeness --harmonic --degree --core --clustering");
    auto prog = progress();
    GraphSourceOptions so = source_options(*flags);
    so.progress = prog;
    const Graph g = load_graph(*source, so);
    Graph sym;
    if (g.directed() && (f->core || f->clustering)) sym = symmetrize(g);
    const Graph& u = g.directed() ? sym : g;
    std::vector<std::string> names;
    std::vector<std::vector<double>> cols;
    nlohmann::ordered_json info;
    info["graph"] = *source;
    info["nodes"] = g.num_nodes();
    if (f->degree) {
      const auto d = degrees(g, DegreeMode::total);
      names.push_back("degree");
      cols.emplace_back(d.begin(), d.end());
    }
    if (f->core) {
      const auto c = core_numbers(u);
      names.push_back("core");
      cols.emplace_back(c.begin(), c.end());
    }
    if (f->clustering) {
      names.push_back("clustering");
      cols.push_back(local_clustering(u));
    }
    if (f->pagerank) {
      auto pr = pagerank(g, {.damping = f->damping, .tolerance = f->tolerance, .max_iterations = f->max_iterations,
                             .use_weights = !f->unweighted, .accelerate = !f->power_iteration, .progress = prog});
      info["pagerank_iterations"] = pr.iterations;
      info["pagerank_converged"] = pr.converged;
      names.push_back("pagerank");
      cols.push_back(std::move(pr.rank));
    }
    if (f->betweenness) {
      if (f->epsilon > 0) {
        SPRIG_EXPECTS(f->samples == 0, "centrality: --epsilon and --samples are two different samplers; pick one");
        auto sb = sampled_betweenness(g, {.epsilon = f->epsilon, .delta = f->delta, .seed = common().seed,
                                          .use_weights = !f->unweighted, .progress = prog});
        // b̃ is on RK's scale (ordered pairs / n(n−1)); bring it to the exact command's scale
        const double n = g.num_nodes();
        double scale = f->normalized ? (n > 2 ? n / (n - 2) : 0.0) : n * (n - 1) / (g.directed() ? 1.0 : 2.0);
        for (double& x : sb.value) x *= scale;
        info["betweenness_samples"] = sb.samples;
        info["betweenness_vertex_diameter_bound"] = sb.vertex_diameter_bound;
        info["betweenness_epsilon"] = f->epsilon;
        info["betweenness_delta"] = f->delta;
        info["betweenness_error_bound"] = f->epsilon * scale;
        names.push_back("betweenness");
        cols.push_back(std::move(sb.value));
      } else {
        BetweennessOptions bo{.use_weights = !f->unweighted, .normalized = f->normalized, .progress = prog};
        if (f->samples > 0) bo.sources = sample_sources(g.num_nodes(), std::min(f->samples, g.num_nodes()), common().seed);
        names.push_back("betweenness");
        cols.push_back(betweenness(g, bo));
      }
    }
    if (f->closeness) {
      names.push_back("closeness");
      cols.push_back(closeness(g, {.use_weights = !f->unweighted, .progress = prog}));
    }
    if (f->harmonic) {
      names.push_back("harmonic");
      cols.push_back(harmonic_centrality(g, {.use_weights = !f->unweighted, .progress = prog}));
    }
    finish_progress();
    auto emit = [&](auto&& put) {
      std::string line = "node";
      for (const auto& nm : names) line += "\t" + nm;
      put(line + "\n");
      for (node_t v = 0; v < g.num_nodes(); ++v) {
        line = std::to_string(v);
        for (const auto& c : cols) line += fmt::format("\t{}", c[v]);
        put(line + "\n");
      }
    };
    if (f->out.empty()) {
      if (common().json) {
        nlohmann::ordered_json r = info;
        for (std::size_t i = 0; i < names.size(); ++i) r[names[i]] = cols[i];
        print_report(r);
        return;
      }
      emit([](const std::string& s) { std::fputs(s.c_str(), stdout); });
      std::fflush(stdout);
      return;
    }
    if (wants_hdf5(f->out)) {
      h5::Attributes attrs{{"graph", *source}, {"command", std::string("sprig centrality")}, {"unweighted", std::int64_t{f->unweighted}},
                           {"seed", static_cast<std::int64_t>(common().seed)}};
      if (f->pagerank) {
        attrs["pagerank_damping"] = f->damping;
        attrs["pagerank_tolerance"] = f->tolerance;
      }
      if (f->betweenness) {
        attrs["betweenness_normalized"] = std::int64_t{f->normalized};
        attrs["betweenness_sources"] = static_cast<std::int64_t>(f->samples);
        attrs["betweenness_epsilon"] = f->epsilon;
        attrs["betweenness_delta"] = f->delta;
      }
      write_node_results(f->out, g, names, cols, attrs);
    } else {
      write_text_atomically(f->out, [&](TextWriter& w) { emit([&](const std::string& s) { w.write(s); }); });
    }
    info["output"] = f->out;
    print_report(info);
  });
}

}  // namespace sprig::cli
