// `sprig stats GRAPH`: the network-science summary a researcher computes first —
// size and density, degree statistics, the discrete power-law fit with its
// bootstrap p-value and interval, clustering, components and cores, exact
// diameter and effective diameter, assortativity, Louvain communities — and,
// with --plot, the log-log CCDF of the degrees with the fitted power law as SVG.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/components.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/labels.hpp>
#include <sprig/metrics/assortativity.hpp>
#include <sprig/metrics/clustering.hpp>
#include <sprig/metrics/community.hpp>
#include <sprig/metrics/components.hpp>
#include <sprig/metrics/degree.hpp>
#include <sprig/metrics/distance.hpp>
#include <sprig/metrics/kcore.hpp>

#include "common.hpp"

namespace sprig::cli {

namespace {

struct StatsFlags {
  std::string plot;
  std::string labels;
  int p_samples = 100;
  int ci_samples = 100;
  node_t distance_samples = 1000;
  bool no_communities = false;
};

// Log-log CCDF of the degrees with the fitted tail P(X ≥ x) = (n_tail/n) ζ(α, x)/ζ(α, x_min).
void write_ccdf_svg(const std::string& path, const std::string& title, const std::vector<std::int64_t>& deg,
                    const PowerLawFit& fit) {
  std::map<std::int64_t, std::int64_t> count;
  std::int64_t n = 0;
  for (auto d : deg)
    if (d >= 1) ++count[d], ++n;
  if (n == 0) throw InvalidArgument("stats --plot: no node has degree >= 1");
  std::vector<std::pair<double, double>> pts;  // (x, P(X ≥ x))
  std::int64_t above = n;
  for (const auto& [x, c] : count) {
    pts.emplace_back(static_cast<double>(x), static_cast<double>(above) / static_cast<double>(n));
    above -= c;
  }
  const double W = 640, H = 480, L = 70, R = 20, T = 40, B = 60;
  const double x0 = 0, x1 = std::max(1.0, std::ceil(std::log10(pts.back().first * 1.0001)));
  const double y0 = std::floor(std::log10(pts.back().second)), y1 = 0;
  auto px = [&](double x) { return L + (std::log10(x) - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double y) { return T + (y1 - std::log10(y)) / (y1 - y0) * (H - T - B); };
  std::string s = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      W, H, W, H);
  s += fmt::format("<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{} — degree CCDF</text>\n", W / 2, title);
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", L, T, W - L - R, H - T - B);
  for (double e = x0; e <= x1; e += 1) {
    const double x = px(std::pow(10, e));
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#ddd\"/>\n", x, T, x, H - B);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">10^{}</text>\n", x, H - B + 18, e);
  }
  for (double e = y0; e <= y1; e += 1) {
    const double y = py(std::pow(10, e));
    s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", L, y, W - R, y);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">10^{}</text>\n", L - 6, y + 4, e);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">degree k</text>\n", L + (W - L - R) / 2, H - 15);
  s += fmt::format("<text x=\"18\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {})\">P(K &#8805; k)</text>\n",
                   T + (H - T - B) / 2, T + (H - T - B) / 2);
  for (const auto& [x, y] : pts)
    s += fmt::format("<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"2.5\" fill=\"#1f77b4\"/>\n", px(x), py(y));
  if (std::isfinite(fit.alpha)) {
    const double frac = static_cast<double>(fit.n_tail) / static_cast<double>(fit.n);
    const double z0 = hurwitz_zeta(fit.alpha, static_cast<double>(fit.xmin));
    std::string d;
    const double xmax = pts.back().first;
    for (int i = 0; i <= 200; ++i) {
      const double x = std::round(static_cast<double>(fit.xmin) * std::pow(xmax / fit.xmin, i / 200.0));
      const double y = frac * hurwitz_zeta(fit.alpha, x) / z0;
      if (y < std::pow(10, y0)) break;
      d += fmt::format("{}{:.2f},{:.2f}", d.empty() ? "M" : " L", px(x), py(y));
    }
    s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n", d);
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#d62728\">power law: α = {:.3f} ± {:.3f}, x_min = {}</text>\n",
                     W - R - 8, T + 18, fit.alpha, fit.sigma, fit.xmin);
  }
  s += "</svg>\n";
  write_text_atomically(path, [&](TextWriter& w) { w.write(s); });
}

nlohmann::ordered_json summary_json(const Summary& s) {
  nlohmann::ordered_json j;
  j["min"] = s.min;
  j["mean"] = s.mean;
  j["median"] = s.median;
  j["max"] = s.max;
  j["stddev"] = s.stddev;
  return j;
}

// NaN is not JSON: print it as null.
nlohmann::ordered_json num(double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(); }

}  // namespace

void register_stats(CLI::App& app) {
  auto* sub = app.add_subcommand("stats", "Network-science summary: degrees, power law, clustering, diameter, communities");
  sub->footer(
      "Print the summary a network scientist computes first: nodes, edges, density;\n"
      "degree statistics (in/out for directed graphs); the discrete power-law fit of\n"
      "the (total) degrees (Clauset-Shalizi-Newman; alpha and x_min as igraph's\n"
      "power_law_fit) with standard error, bootstrap p-value and interval, and\n"
      "likelihood ratios against exponential and log-normal tails; triangles,\n"
      "transitivity and mean local clustering; weak (and strong) components,\n"
      "biconnected components, degeneracy; exact diameter (iFUB) and effective\n"
      "diameter (90%); degree assortativity; Louvain communities and modularity;\n"
      "with --labels, nominal assortativity and homophily. Directed graphs are\n"
      "symmetrized for the undirected measures. --plot writes the log-log CCDF of\n"
      "the degrees with the fitted line as SVG.\n"
      "Examples:\n"
      "  sprig stats data/karate.edges.gz --plot karate-ccdf.svg\n"
      "  sprig stats data/polblogs.edges.gz --labels data/polblogs.labels --json");
  auto source = std::make_shared<std::string>();
  auto flags = std::make_shared<GraphFlags>();
  auto sf = std::make_shared<StatsFlags>();
  sub->add_option("GRAPH", *source, kGraphHelp)->required();
  sub->add_option("--plot", sf->plot, "write the degree CCDF with the fitted power law to this SVG file");
  sub->add_option("--labels", sf->labels, "node labels file (\"node label\" lines) for homophily and nominal assortativity");
  sub->add_option("--p-samples", sf->p_samples, "bootstrap replicates for the power-law p-value (0: skip)")->check(CLI::NonNegativeNumber);
  sub->add_option("--ci-samples", sf->ci_samples, "bootstrap replicates for the alpha interval (0: skip)")->check(CLI::NonNegativeNumber);
  sub->add_option("--distance-samples", sf->distance_samples, "BFS sources for the effective diameter (0: all)")->check(CLI::NonNegativeNumber);
  sub->add_flag("--no-communities", sf->no_communities, "skip Louvain");
  add_graph_flags(sub, *flags);
  add_common_flags(sub);
  on_run(sub, [source, flags, sf] {
    auto prog = progress();
    GraphSourceOptions so = source_options(*flags);
    so.progress = prog;
    const Graph g = load_graph(*source, so);
    Graph sym;
    if (g.directed()) sym = symmetrize(g);
    const Graph& u = g.directed() ? sym : g;
    const double n = g.num_nodes(), m = static_cast<double>(g.num_edges());
    nlohmann::ordered_json r;
    r["graph"] = *source;
    r["nodes"] = g.num_nodes();
    r["edges"] = g.num_edges();
    r["directed"] = g.directed();
    r["weighted"] = g.weighted();
    r["density"] = n > 1 ? (g.directed() ? m / (n * (n - 1)) : 2 * m / (n * (n - 1))) : 0.0;

    const auto deg = degrees(g, DegreeMode::total);
    r["degree"] = summary_json(sprig::summarize(std::span<const std::int64_t>(deg)));
    if (g.directed()) {
      r["in_degree"] = summary_json(sprig::summarize(std::span<const std::int64_t>(degrees(g, DegreeMode::in))));
      r["out_degree"] = summary_json(sprig::summarize(std::span<const std::int64_t>(degrees(g, DegreeMode::out))));
    }
    if (g.weighted()) r["strength"] = summary_json(sprig::summarize(std::span<const double>(strengths(g, DegreeMode::total))));

    PowerLawFit fit;
    try {
      fit = power_law_fit(deg, {.p_value_samples = sf->p_samples, .ci_samples = sf->ci_samples,
                                .seed = common().seed, .progress = prog});
      nlohmann::ordered_json pl;
      pl["alpha"] = fit.alpha;
      pl["sigma"] = fit.sigma;
      pl["xmin"] = fit.xmin;
      pl["n_tail"] = fit.n_tail;
      pl["ks"] = fit.ks;
      pl["p_value"] = num(fit.p_value);
      pl["ci_low"] = num(fit.ci_low);
      pl["ci_high"] = num(fit.ci_high);
      pl["lr_vs_exponential"] = num(fit.vs_exponential.R);
      pl["lr_vs_exponential_p"] = num(fit.vs_exponential.p);
      pl["lr_vs_lognormal"] = num(fit.vs_lognormal.R);
      pl["lr_vs_lognormal_p"] = num(fit.vs_lognormal.p);
      r["power_law"] = pl;
    } catch (const InvalidArgument& e) {
      r["power_law"] = std::string("not fitted: ") + e.what();
    }

    nlohmann::ordered_json cl;
    cl["triangles"] = triangle_count(u);
    cl["transitivity"] = transitivity(u);
    cl["average_local"] = average_clustering(u);
    r["clustering"] = cl;

    nlohmann::ordered_json co;
    const auto wc = weak_components(g);
    co["weak"] = wc.count;
    co["largest_weak"] = wc.sizes.empty() ? 0 : *std::max_element(wc.sizes.begin(), wc.sizes.end());
    if (g.directed()) {
      const auto sc = strong_components(g);
      co["strong"] = sc.count;
      co["largest_strong"] = sc.sizes.empty() ? 0 : *std::max_element(sc.sizes.begin(), sc.sizes.end());
    }
    const auto bc = biconnected_components(u);
    co["biconnected"] = bc.components.size();
    co["articulation_points"] = bc.articulation_points.size();
    co["degeneracy"] = core_decomposition(u).degeneracy;
    r["components"] = co;

    nlohmann::ordered_json di;
    const auto dm = diameter(u, prog);
    di["diameter"] = dm.diameter;
    di["diameter_bfs_runs"] = dm.bfs_runs;
    const node_t samples = sf->distance_samples >= u.num_nodes() ? 0 : sf->distance_samples;
    di["effective_diameter"] = effective_diameter(distance_distribution(u, {.samples = samples, .seed = common().seed, .progress = prog}));
    di["effective_diameter_sources"] = samples == 0 ? u.num_nodes() : samples;
    r["distances"] = di;

    r["assortativity_degree"] = num(degree_assortativity(g));
    if (!sf->labels.empty()) {
      const auto lab = read_labels(sf->labels, {.nodes = g.num_nodes()});
      const auto h = homophily(g, lab.label);
      nlohmann::ordered_json lj;
      lj["classes"] = lab.num_classes();
      lj["homophily_edge"] = num(h.edge);
      lj["homophily_node"] = num(h.node);
      lj["homophily_class_insensitive"] = num(h.class_insensitive);
      bool all = std::all_of(lab.label.begin(), lab.label.end(), [](auto c) { return c >= 0; });
      if (all) lj["assortativity_nominal"] = num(nominal_assortativity(g, lab.label));
      r["labels"] = lj;
    }
    if (!sf->no_communities && u.num_edges() > 0) {
      const auto lv = louvain(u, {.seed = common().seed, .progress = prog});
      nlohmann::ordered_json cj;
      cj["method"] = "louvain";
      cj["count"] = lv.count;
      cj["modularity"] = lv.modularity;
      cj["levels"] = lv.levels;
      r["communities"] = cj;
    }
    if (!sf->plot.empty()) {
      write_ccdf_svg(sf->plot, source_name(*source), deg, fit);
      r["plot"] = sf->plot;
    }
    finish_progress();
    print_report(r);
  });
}

}  // namespace sprig::cli
