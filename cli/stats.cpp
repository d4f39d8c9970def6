// `sprig stats GRAPH`: the network-science summary a researcher computes first —
// size and density, degree statistics, the discrete power-law fit with its
// bootstrap p-value and interval, clustering, components and cores, exact
// diameter and effective diameter, assortativity, Louvain communities — and,
// with --plot, the log-log CCDF of the degrees with the fitted power law as SVG or PNG (cairo).
#include <unistd.h>

#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include <cctype>
#include <filesystem>

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

// Log-log CCDF of the degrees with the fitted tail P(X ≥ x) = (n_tail/n) ζ(α, x)/ζ(α, x_min),
// drawn once with cairo onto an SVG or a PNG surface (chosen by the extension),
// written to a temporary file in the same folder and renamed into place.
void write_ccdf_plot(const std::string& path, const std::string& title, const std::vector<std::int64_t>& deg,
                     const PowerLawFit& fit) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".svg" && ext != ".png")
    throw InvalidArgument(fmt::format("stats --plot: {} must end in .svg or .png", path));
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
  const double y0 = std::min(-1.0, std::floor(std::log10(pts.back().second))), y1 = 0;
  auto px = [&](double x) { return L + (std::log10(x) - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double y) { return T + (y1 - std::log10(y)) / (y1 - y0) * (H - T - B); };

  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const bool svg = ext == ".svg";
  cairo_surface_t* surface = svg ? cairo_svg_surface_create(tmp.c_str(), W, H)
                                 : cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(W), static_cast<int>(H));
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(surface));
    cairo_surface_destroy(surface);
    std::filesystem::remove(tmp);
    throw IoError(path, "cannot create the plot: " + why);
  }
  cairo_t* cr = cairo_create(surface);
  auto text = [&](double x, double y, const std::string& s, double anchor, double size = 12) {  // anchor 0 left, .5 middle, 1 right
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    cairo_move_to(cr, x - anchor * e.x_advance, y);
    cairo_show_text(cr, s.c_str());
  };
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_line_width(cr, 1);
  cairo_set_source_rgb(cr, 0.87, 0.87, 0.87);
  for (double e = x0; e <= x1; e += 1) {
    const double x = px(std::pow(10, e));
    cairo_move_to(cr, x, T);
    cairo_line_to(cr, x, H - B);
  }
  for (double e = y0; e <= y1; e += 1) {
    const double y = py(std::pow(10, e));
    cairo_move_to(cr, L, y);
    cairo_line_to(cr, W - R, y);
  }
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_rectangle(cr, L, T, W - L - R, H - T - B);
  cairo_stroke(cr);
  text(W / 2, 22, title + " — degree CCDF", 0.5, 14);
  for (double e = x0; e <= x1; e += 1) text(px(std::pow(10, e)), H - B + 18, fmt::format("10^{}", e), 0.5);
  for (double e = y0; e <= y1; e += 1) text(L - 6, py(std::pow(10, e)) + 4, fmt::format("10^{}", e), 1);
  text(L + (W - L - R) / 2, H - 15, "degree k", 0.5);
  cairo_save(cr);
  cairo_translate(cr, 18, T + (H - T - B) / 2);
  cairo_rotate(cr, -M_PI / 2);
  text(0, 0, "P(K ≥ k)", 0.5);
  cairo_restore(cr);
  cairo_set_source_rgb(cr, 0.12, 0.47, 0.71);
  for (const auto& [x, y] : pts) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, px(x), py(y), 2.5, 0, 2 * M_PI);
  }
  cairo_fill(cr);
  if (std::isfinite(fit.alpha)) {
    const double frac = static_cast<double>(fit.n_tail) / static_cast<double>(fit.n);
    const double z0 = hurwitz_zeta(fit.alpha, static_cast<double>(fit.xmin));
    const double xmax = pts.back().first;
    cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
    cairo_set_line_width(cr, 2);
    bool first = true;
    for (int i = 0; i <= 200; ++i) {
      const double x = std::round(static_cast<double>(fit.xmin) * std::pow(xmax / fit.xmin, i / 200.0));
      const double y = frac * hurwitz_zeta(fit.alpha, x) / z0;
      if (y < std::pow(10, y0)) break;
      if (first) cairo_move_to(cr, px(x), py(y));
      else cairo_line_to(cr, px(x), py(y));
      first = false;
    }
    cairo_stroke(cr);
    text(W - R - 8, T + 18, fmt::format("power law: α = {:.3f} ± {:.3f}, x_min = {}", fit.alpha, fit.sigma, fit.xmin), 1);
  }
  cairo_destroy(cr);
  cairo_status_t st = CAIRO_STATUS_SUCCESS;
  if (svg) {
    cairo_surface_finish(surface);  // flushes and closes the SVG file
    st = cairo_surface_status(surface);
  } else {
    st = cairo_surface_write_to_png(surface, tmp.c_str());
  }
  cairo_surface_destroy(surface);
  // Release cairo's and fontconfig's process-wide font caches: the plot is the
  // last use of either, and the sanitizer build reports them as leaks otherwise.
  cairo_debug_reset_static_data();
  FcFini();
  if (st != CAIRO_STATUS_SUCCESS) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw IoError(path, std::string("cannot write the plot: ") + cairo_status_to_string(st));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw IoError(path, "cannot rename the plot into place");
  }
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
  sub->add_option("--plot", sf->plot, "write the degree CCDF with the fitted power law to this .svg or .png file");
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
      write_ccdf_plot(sf->plot, source_name(*source), deg, fit);
      r["plot"] = sf->plot;
    }
    finish_progress();
    print_report(r);
  });
}

}  // namespace sprig::cli
