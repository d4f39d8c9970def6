// `sprig linkpred closure`: higher-order link prediction (simplicial closure).
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sprig/graph/error.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/simplices_io.hpp>
#include <sprig/metrics/simplicial_closure.hpp>

#include "common.hpp"

namespace sprig::cli {

void register_linkpred_closure(CLI::App* lp) {
  auto* sub = lp->add_subcommand("closure", "Which open triangles of the past close into a simplex (Benson et al.)");
  sub->footer(
      "INPUT is a timestamped edge list (a time column; the edges of one instant\n"
      "that share nodes form one simplex, e.g. an e-mail to several recipients;\n"
      "--each-edge makes every edge its own 2-node simplex) or the prefix of\n"
      "Benson's three files PREFIX-nverts.txt,\n"
      "PREFIX-simplices.txt (1-based ids), PREFIX-times.txt (detected when\n"
      "PREFIX-nverts.txt exists). Simplices up to the cut (default: the 80% time\n"
      "quantile) form the past; its open triangles (pairwise joined, never in one\n"
      "simplex) are scored and judged by whether a later simplex holds all three.\n"
      "Scores: harmonic, geometric, arithmetic, generalized (means of the three\n"
      "projected edge weights), cn3, jaccard3, aa3 (three-way neighbourhoods), pa3\n"
      "(product of degrees), katz, ppr (sums over the three edges; slower);\n"
      "'default' = all but katz and ppr, 'all' = every one.\n"
      "The table gives average precision and its ratio to random (the positive rate).\n"
      "-o FILE writes `a b c closes SCORE...` per candidate (TSV, `#` header).\n"
      "Example:\n"
      "  sprig linkpred closure pgp-strong-2009.edges.gz --scores harmonic,geometric,cn3");
  struct Opts {
    std::string input, out, scores = "default";
    ClosureOptions opt;
    std::int64_t cut = std::numeric_limits<std::int64_t>::min();
    bool each_edge = false;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("INPUT", o->input, "timestamped edge list, or a Benson dataset prefix")->required();
  sub->add_option("--scores", o->scores, "comma-separated score names, default or all")->capture_default_str();
  sub->add_option("--past-fraction", o->opt.past_fraction, "cut at this quantile of the times, in (0, 1)")
      ->capture_default_str();
  sub->add_option("--cut-time", o->cut, "past = simplices with time <= this (overrides --past-fraction)");
  sub->add_option("--p", o->opt.generalized_p, "exponent of the generalized mean")->capture_default_str();
  sub->add_option("--katz-beta", o->opt.katz_beta, "Katz damping")->capture_default_str();
  sub->add_option("--katz-length", o->opt.katz_max_length, "Katz walk length")->capture_default_str();
  sub->add_option("--ppr-alpha", o->opt.ppr_alpha, "PPR teleport probability")->capture_default_str();
  sub->add_option("-o,--output", o->out, "per-candidate scores (.tsv, .gz compresses)");
  sub->add_flag("--each-edge", o->each_edge, "edge lists: every edge its own 2-node simplex (no grouping by time)");
  add_common_flags(sub);
  on_run(sub, [o] {
    const auto scores = parse_closure_scores(o->scores);
    SimplexList s;
    std::string kind;
    if (std::filesystem::exists(o->input + "-nverts.txt")) {
      s = read_benson_simplices(o->input);
      kind = "benson";
    } else {
      auto f = read_edge_list(o->input, {.progress = progress()});
      if (!f.edges.timed())
        throw IoError(o->input, "has no time column: closure needs timestamped edges or Benson's simplex files");
      s = simplices_from_edges(f.edges, o->each_edge ? EdgeSimplices::each_edge : EdgeSimplices::group_by_time);
      kind = "edge list";
    }
    if (o->cut != std::numeric_limits<std::int64_t>::min()) o->opt.cut_time = o->cut;
    o->opt.progress = progress();
    const auto r = simplicial_closure(s, scores, o->opt);
    finish_progress();
    const auto& c = r.candidates;
    if (!o->out.empty()) {
      std::vector<std::vector<double>> cols;
      for (ClosureScore sc : scores) cols.push_back(closure_scores(c, sc, o->opt));
      write_text_atomically(o->out, [&](TextWriter& w) {
        std::string line = "# a b c closes";
        for (ClosureScore sc : scores) line += fmt::format(" {}", closure_score_name(sc));
        w.write(line + "\n");
        for (std::size_t i = 0; i < c.triangles.size(); ++i) {
          line = fmt::format("{} {} {} {}", c.triangles[i][0], c.triangles[i][1], c.triangles[i][2], c.closes[i]);
          for (const auto& col : cols) fmt::format_to(std::back_inserter(line), " {}", col[i]);
          w.write(line + "\n");
        }
      });
      note(fmt::format("wrote {} candidates x {} scores to {}", c.triangles.size(), scores.size(), o->out));
    }
    nlohmann::ordered_json rep;
    rep["input"] = o->input;
    rep["format"] = kind;
    rep["simplices"] = s.size();
    rep["nodes"] = s.num_nodes;
    rep["cut_time"] = c.cut_time;
    rep["past_simplices"] = c.past_simplices;
    rep["future_simplices"] = c.future_simplices;
    rep["projected_edges"] = c.projected.num_edges();
    rep["closed_triangles"] = c.closed_triangles;
    rep["open_triangles"] = c.triangles.size();
    rep["closing"] = c.positives();
    rep["positive_rate"] = r.positive_rate;
    auto rows = nlohmann::ordered_json::array();
    for (const auto& e : r.rows)
      rows.push_back({{"score", closure_score_name(e.score)},
                      {"ap", e.ap},
                      {"ap_ratio", e.ap_ratio},
                      {"seconds", e.seconds}});
    if (common().json) {
      rep["scores"] = rows;
      print_report(rep);
      return;
    }
    print_report(rep);
    std::printf("\n%-12s %11s %10s %9s\n", "score", "AP", "AP/random", "seconds");
    for (const auto& e : r.rows)
      std::printf("%-12s %11.4g %10.3f %9.3f\n", std::string(closure_score_name(e.score)).c_str(), e.ap, e.ap_ratio,
                  e.seconds);
  });
}

}  // namespace sprig::cli
