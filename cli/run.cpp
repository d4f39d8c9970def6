// `sprig run [GRAPH]`: the main job. Splits a real graph's edges (or reads the
// split an .h5 file holds), scores the test positives and their negatives with
// every heuristic, and prints one table: method, AUC, AP, Hits@20/50/100, MRR,
// time. Default graph: data/cond-mat.edges.gz (co-authorship, 16,726 nodes).
// Embedding rows (fastrp, node2vec: run_embed.hpp) follow the heuristics; GNN
// rows join the table as that module lands.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/hdf5.hpp>
#include <sprig/io/hdf5_graph.hpp>
#include <sprig/metrics/linkpred_eval.hpp>
#include <sprig/metrics/linkpred_scores.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include "common.hpp"
#include "linkpred_common.hpp"
#include "run_embed.hpp"
#include "train_link.hpp"

namespace sprig::cli {

namespace {

constexpr const char* kDefaultGraph = "cond-mat.edges.gz";

// data/cond-mat.edges.gz from the working folder, else beside the executable
// (build/<dir>/cli/sprig → repo/data, or an installed share/sprig/data).
std::string default_graph_path() {
  namespace fs = std::filesystem;
  std::vector<fs::path> tries = {fs::path("data") / kDefaultGraph};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path d = exe.parent_path();
    for (const fs::path& up : {d / "..", d / ".." / "..", d / ".." / ".." / ".."}) {
      tries.push_back(up / "data" / kDefaultGraph);
      tries.push_back(up / "share" / "sprig" / "data" / kDefaultGraph);
    }
  }
  for (const auto& p : tries)
    if (fs::exists(p, ec)) return fs::weakly_canonical(p, ec).string();
  std::string looked;
  for (const auto& p : tries) looked += "\n  " + p.string();
  throw IoError(std::string("data/") + kDefaultGraph, "the default graph was not found; looked in:" + looked +
                                                         "\n(pass a GRAPH, e.g. `sprig run data/karate.edges.gz`)");
}

struct Row {
  std::string method;
  LinkEvalResult eval;
  double seconds = 0;
  std::vector<double> pos, neg;
};

std::string cell(double x) { return std::isnan(x) ? std::string("-") : fmt::format("{:.4f}", x); }

}  // namespace

void register_run(CLI::App& app) {
  auto* sub = app.add_subcommand("run", "The main job: link prediction on a real graph, one table of results");
  sub->footer(
      "With no GRAPH, runs on data/cond-mat.edges.gz (condensed-matter co-authorship,\n"
      "16,726 nodes, 47,594 edges). Splits the edges at random (--valid, --test,\n"
      "--seed), or uses the split an .h5 file from `sprig linkpred split` holds;\n"
      "draws --negs-per-pos uniform non-edges per test positive (the positive's\n"
      "source kept, OGB-style), scores positives and negatives on the training graph\n"
      "with each --methods heuristic, and prints: method, AUC, AP, Hits@20/50/100\n"
      "(OGB rule, all negatives pooled), MRR (each positive against its own\n"
      "negatives; ties count 1/2), time. --json prints the same as JSON; --out\n"
      "report.h5 saves the split and every score.\n\n" +
      score_list_help() + run_embedding_help() +
      "Examples:\n"
      "  sprig run\n"
      "  sprig run data/karate.edges.gz --negs-per-pos 20 --json\n"
      "  sprig run split.h5 --methods cn,aa,ra,katz --out report.h5");
  struct Opts {
    std::string source, out;
    std::string methods =
        "cn,jaccard,sorensen,salton,hpi,hdi,lhn,pa,aa,ra,wcn,waa,wra,lp,katz,katz_paths,ppr,ppr_sym,inv_dist";
    std::string embeddings = "fastrp,node2vec,orbits";
    double valid = 0.05, test = 0.10;
    std::size_t negs_per_pos = 100;
    int gnn_epochs = 100;  // the "gcn (sprig)" row; 0: none
    LinkScoreOptions score;
    GraphFlags flags;
  };
  auto o = std::make_shared<Opts>();
  o->score.ppr_epsilon = 1e-4;
  o->score.simrank_iterations = 2;
  o->score.max_distance = 6;
  sub->add_option("GRAPH", o->source, std::string(kGraphHelp) + "; or an .h5 split file (default: data/cond-mat.edges.gz)");
  sub->add_option("--methods", o->methods, "comma-separated heuristics (see below), or all")->capture_default_str();
  sub->add_option("--embeddings", o->embeddings, "comma-separated embedding rows (fastrp, node2vec, orbits), or none")
      ->capture_default_str();
  sub->add_option("--valid", o->valid, "fraction of edges held out for validation")->capture_default_str();
  sub->add_option("--test", o->test, "fraction of edges held out for test")->capture_default_str();
  sub->add_option("--negs-per-pos", o->negs_per_pos, "uniform negatives per test positive")->capture_default_str();
  sub->add_option("--out", o->out, "save the split and all scores to this HDF5 file");
  sub->add_option("--gnn-epochs", o->gnn_epochs, "epochs of the GCN row (GCN + dot decoder, one-hot ids; 0: no row)")
      ->capture_default_str();
  add_score_flags(sub, o->score);
  add_graph_flags(sub, o->flags);
  add_common_flags(sub);
  on_run(sub, [o] {
    using clock = std::chrono::steady_clock;
    const auto t_start = clock::now();
    const auto methods = parse_link_scores(o->methods);
    std::vector<std::string> embeddings;
    for (std::size_t a = 0; o->embeddings != "none" && a <= o->embeddings.size();) {
      const std::size_t b = std::min(o->embeddings.find(',', a), o->embeddings.size());
      if (b > a) embeddings.push_back(o->embeddings.substr(a, b - a));
      a = b + 1;
    }
    for (const auto& e : embeddings)
      SPRIG_EXPECTS(std::find(run_embedding_methods().begin(), run_embedding_methods().end(), e) !=
                        run_embedding_methods().end(),
                    "run: unknown embedding '{}' in --embeddings (fastrp, node2vec, orbits, or none)", e);
    SPRIG_EXPECTS(o->negs_per_pos > 0, "run: --negs-per-pos must be > 0");
    if (!o->out.empty())
      SPRIG_EXPECTS(is_hdf5_path(o->out), "run: --out must be an HDF5 file (.h5), got '{}'", o->out);
    const std::string source = o->source.empty() ? default_graph_path() : o->source;
    const std::uint64_t seed = common().seed;

    LinkGraph lg = load_link_graph(source, o->flags);
    LinkTask task = link_task(std::move(lg), source, "run", o->valid, o->test, seed);
    Graph& train = task.train;
    Graph& full = task.full;
    LinkPredSplit& split = task.split;
    // Negatives: the file's when it has per-positive ones, else uniform draws per positive.
    std::size_t k = split.negs_per_pos;
    if (split.test_neg.empty() || k == 0 || split.test_neg.size() != k * split.test_pos.size()) {
      NegativeOptions no;
      no.seed = counter_hash(seed, 2, 0x11);
      no.per_positive = o->negs_per_pos;
      no.progress = progress();
      split.test_neg = sample_negatives(train, full, split.test_pos, no);
      k = o->negs_per_pos;
      split.negs_per_pos = k;
    }
    const double prep_s = std::chrono::duration<double>(clock::now() - t_start).count();

    std::vector<NodePair> pairs = split.test_pos;
    pairs.insert(pairs.end(), split.test_neg.begin(), split.test_neg.end());
    const std::size_t np = split.test_pos.size();
    std::vector<Row> rows;
    LinkScoreOptions so = o->score;
    so.progress = progress();
    const std::size_t num_rows = methods.size() + embeddings.size();
    for (std::size_t mi = 0; mi < num_rows; ++mi) {
      const auto t0 = clock::now();
      auto col = mi < methods.size() ? link_score(train, pairs, methods[mi], so)
                                     : run_embedding_scores(train, embeddings[mi - methods.size()], pairs, seed);
      Row row;
      row.seconds = std::chrono::duration<double>(clock::now() - t0).count();
      row.method = mi < methods.size() ? std::string(link_score_name(methods[mi])) : embeddings[mi - methods.size()];
      row.pos.assign(col.begin(), col.begin() + static_cast<std::ptrdiff_t>(np));
      row.neg.assign(col.begin() + static_cast<std::ptrdiff_t>(np), col.end());
      LinkEvalOptions eo;
      eo.negs_per_pos = k;
      row.eval = evaluate_link_prediction(row.pos, row.neg, eo);
      rows.push_back(std::move(row));
    }
    if (o->gnn_epochs > 0) {  // the GNN row (cli/train_link.cpp): trained on the training split, same test pairs
      const auto t0 = clock::now();
      auto col = run_gnn_scores(train, full, split, pairs, RunGnnOptions{.epochs = o->gnn_epochs, .seed = seed});
      Row row;
      row.seconds = std::chrono::duration<double>(clock::now() - t0).count();
      row.method = "gcn (sprig)";
      row.pos.assign(col.begin(), col.begin() + static_cast<std::ptrdiff_t>(np));
      row.neg.assign(col.begin() + static_cast<std::ptrdiff_t>(np), col.end());
      row.eval = evaluate_link_prediction(row.pos, row.neg, LinkEvalOptions{.negs_per_pos = k});
      rows.push_back(std::move(row));
    }
    const double total_s = std::chrono::duration<double>(clock::now() - t_start).count();

    if (!o->out.empty()) {
      // Written beside the target and renamed only when complete.
      const std::string tmp = o->out + ".tmp-run";
      try {
        h5::Attributes attrs;
        attrs["source"] = source;
        attrs["negatives"] = std::string("uniform");
        write_split_h5(tmp, train, split, source_name(source), attrs);
        {
          h5::File f = h5::File::open(tmp, h5::File::Mode::read_write);
          for (const Row& r : rows) {
            h5::Group grp = f.require_group("/linkpred/scores/" + r.method);
            for (const auto* part : {&r.pos, &r.neg}) {
              const hsize_t dims[1] = {static_cast<hsize_t>(part->size())};
              h5::Dataset d = grp.create_dataset(part == &r.pos ? "test_pos" : "test_neg", H5T_NATIVE_DOUBLE, dims);
              d.write_all<double>(*part);
            }
            grp.write_attrs({{"auc", r.eval.auc},
                             {"ap", r.eval.ap},
                             {"mrr", r.eval.mrr},
                             {"hits_k", r.eval.hits_k},
                             {"hits", r.eval.hits},
                             {"seconds", r.seconds}});
          }
          f.close();
        }
        std::error_code ec;
        std::filesystem::rename(tmp, o->out, ec);
        if (ec) throw IoError(o->out, "cannot rename " + tmp + " onto it: " + ec.message());
      } catch (...) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;
      }
    }

    finish_progress();
    if (common().json) {
      nlohmann::ordered_json rep;
      rep["graph"] = source;
      rep["nodes"] = train.num_nodes();
      rep["train_edges"] = train.num_edges();
      rep["split"] = lg.has_split ? split.method + " (from file)" : std::string("random");
      rep["seed"] = seed;
      rep["test_pos"] = np;
      rep["test_neg"] = split.test_neg.size();
      rep["negs_per_pos"] = k;
      rep["prepare_seconds"] = prep_s;
      rep["total_seconds"] = total_s;
      auto& arr = rep["methods"] = nlohmann::ordered_json::array();
      for (const Row& r : rows) {
        nlohmann::ordered_json x;
        x["method"] = r.method;
        x["auc"] = r.eval.auc;
        x["ap"] = r.eval.ap;
        for (std::size_t i = 0; i < r.eval.hits.size(); ++i) x[fmt::format("hits@{}", r.eval.hits_k[i])] = r.eval.hits[i];
        x["mrr"] = r.eval.mrr;
        x["seconds"] = r.seconds;
        arr.push_back(std::move(x));
      }
      if (!o->out.empty()) rep["output"] = o->out;
      print_report(rep);
      return;
    }
    std::printf("graph: %s (%d nodes, %lld training edges)\n", source.c_str(), train.num_nodes(),
                static_cast<long long>(train.num_edges()));
    std::printf("split: %s, seed %llu; test: %zu positives, %zu uniform negatives (%zu per positive)\n",
                lg.has_split ? (split.method + " (from file)").c_str() : "random", static_cast<unsigned long long>(seed),
                np, split.test_neg.size(), k);
    std::printf("\n%-11s %7s %7s %8s %8s %9s %7s %8s\n", "method", "AUC", "AP", "Hits@20", "Hits@50", "Hits@100", "MRR",
                "time(s)");
    for (const Row& r : rows) {
      const auto& e = r.eval;
      std::printf("%-11s %7s %7s %8s %8s %9s %7s %8.3f\n", r.method.c_str(), cell(e.auc).c_str(), cell(e.ap).c_str(),
                  cell(e.hits.size() > 0 ? e.hits[0] : NAN).c_str(), cell(e.hits.size() > 1 ? e.hits[1] : NAN).c_str(),
                  cell(e.hits.size() > 2 ? e.hits[2] : NAN).c_str(), cell(e.mrr).c_str(), r.seconds);
    }
    std::printf("\nprepare %.2f s, total %.2f s%s\n", prep_s, total_s,
                o->out.empty() ? "" : fmt::format("; saved to {}", o->out).c_str());
    std::fflush(stdout);
  });
}

}  // namespace sprig::cli
