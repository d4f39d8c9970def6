// `sprig linkpred split|score|eval`: link prediction one step at a time.
//   split GRAPH -o split.h5   random or temporal split plus negatives, saved as
//                             HDF5: /graph is the TRAINING graph, /splits/links
//                             holds {train,valid,test}/{pos,neg} (k × 2 int32).
//   score GRAPH --pairs F     heuristic scores of the listed pairs on GRAPH as
//                             given (an .h5 file: its /graph), one line per pair
//                             in input order: `u v s1 s2 …`, `#` header naming the columns.
//   eval --pos F --neg F      AUC, AP, Hits@K and (with --negs-per-pos) MRR.
// The helpers at the top are shared with cli/run.cpp (declared there).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>
#include <sprig/io/text_source.hpp>
#include <sprig/metrics/linkpred_eval.hpp>
#include <sprig/metrics/linkpred_scores.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include "common.hpp"
#include "linkpred_common.hpp"

namespace sprig::cli {

// ---- shared with run.cpp -------------------------------------------------------

std::vector<NodePair> to_pairs(const std::vector<node_t>& flat) {
  std::vector<NodePair> p(flat.size() / 2);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = {flat[2 * i], flat[2 * i + 1]};
  return p;
}

std::vector<node_t> to_flat(const std::vector<NodePair>& p) {
  std::vector<node_t> f(2 * p.size());
  for (std::size_t i = 0; i < p.size(); ++i) f[2 * i] = p[i].u, f[2 * i + 1] = p[i].v;
  return f;
}

LinkGraph load_link_graph(const std::string& source, const GraphFlags& flags) {
  LinkGraph r;
  if (is_hdf5_path(source)) {
    Hdf5Graph h = read_hdf5(source);
    r.graph = std::move(h.graph);
    r.edge_time = std::move(h.data.edge_time);
    const LinkSplit& ls = h.data.links;
    if (!ls.empty()) {
      r.has_split = true;
      r.split.method = ls.method;
      r.split.seed = ls.seed;
      r.split.train_pos = to_pairs(ls.train.pos);
      r.split.valid_pos = to_pairs(ls.valid.pos);
      r.split.test_pos = to_pairs(ls.test.pos);
      r.split.train_neg = to_pairs(ls.train.neg);
      r.split.valid_neg = to_pairs(ls.valid.neg);
      r.split.test_neg = to_pairs(ls.test.neg);
      if (auto it = ls.attributes.find("negs_per_pos"); it != ls.attributes.end())
        if (const auto* k = std::get_if<std::int64_t>(&it->second)) r.split.negs_per_pos = static_cast<std::size_t>(*k);
    }
    return r;
  }
  r.graph = load_graph(source, source_options(flags));
  return r;
}

LinkTask link_task(LinkGraph&& lg, const std::string& source, std::string_view who, double valid_fraction,
                   double test_fraction, std::uint64_t seed) {
  LinkTask t;
  if (lg.has_split) {
    SPRIG_EXPECTS(!lg.split.test_pos.empty(), "{}: {} holds a split without test positives", who, source);
    t.train = std::move(lg.graph);
    t.split = std::move(lg.split);
    std::vector<NodePair> all = t.split.train_pos;
    all.insert(all.end(), t.split.valid_pos.begin(), t.split.valid_pos.end());
    all.insert(all.end(), t.split.test_pos.begin(), t.split.test_pos.end());
    t.full = graph_from_pairs(t.train.num_nodes(), all, t.train.directed());
  } else {
    Graph g = std::move(lg.graph);
    if (g.directed()) {
      note(fmt::format("{}: the graph is directed; link prediction uses it as undirected", who));
      g = symmetrize(g);
    }
    RandomLinkSplitOptions ro;
    ro.valid_fraction = valid_fraction;
    ro.test_fraction = test_fraction;
    ro.seed = seed;
    ro.progress = progress();
    auto r = random_link_split(g, ro);
    t.train = std::move(r.train);
    t.full = std::move(r.full);
    t.split = std::move(r.split);
  }
  SPRIG_EXPECTS(!t.train.directed(), "{}: the training graph in {} is directed; link prediction needs an undirected one",
                who, source);
  return t;
}

/// Writes `train` and the split to an HDF5 file (atomically: write_hdf5 renames when complete).
void write_split_h5(const std::string& path, const Graph& train, const LinkPredSplit& s, const std::string& name,
                    h5::Attributes attrs) {
  GraphData data;
  data.name = name;
  data.links.method = s.method;
  data.links.seed = s.seed;
  data.links.train = {to_flat(s.train_pos), to_flat(s.train_neg)};
  data.links.valid = {to_flat(s.valid_pos), to_flat(s.valid_neg)};
  data.links.test = {to_flat(s.test_pos), to_flat(s.test_neg)};
  attrs["negs_per_pos"] = static_cast<std::int64_t>(s.negs_per_pos);
  data.links.attributes = std::move(attrs);
  write_hdf5(path, train, data);
}

/// Adds the score parameters to `sub`.
void add_score_flags(CLI::App* sub, LinkScoreOptions& o) {
  sub->add_option("--lp-eps", o.lp_epsilon, "local path index: weight of A^3")->capture_default_str();
  sub->add_option("--katz-beta", o.katz_beta, "truncated Katz: decay beta")->capture_default_str();
  sub->add_option("--katz-length", o.katz_max_length, "truncated Katz: longest walk/path L")->capture_default_str();
  sub->add_option("--ppr-alpha", o.ppr_alpha, "PPR: teleport probability")->capture_default_str();
  sub->add_option("--ppr-eps", o.ppr_epsilon, "PPR: push tolerance per unit degree")->capture_default_str();
  sub->add_option("--simrank-c", o.simrank_c, "SimRank: decay C")->capture_default_str();
  sub->add_option("--simrank-iter", o.simrank_iterations, "SimRank: iterations K")->capture_default_str();
  sub->add_option("--max-distance", o.max_distance, "inv_dist: search depth limit (0: none)")->capture_default_str();
}

/// The --help text listing every score.
std::string score_list_help() {
  std::string s = "Scores (--scores a,b,c or all):\n";
  for (LinkScore x : all_link_scores()) s += fmt::format("  {:<11} {}\n", link_score_name(x), link_score_formula(x));
  return s;
}

// ---- file parsing ----------------------------------------------------------------

namespace {

// Splits a line into blank/tab/comma separated fields.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> f;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == ',' || line[i] == '\r')) ++i;
    const std::size_t b = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != ',' && line[i] != '\r') ++i;
    if (i > b) f.push_back(line.substr(b, i - b));
  }
  return f;
}

template <class Fn>
void for_each_line(const std::string& text, Fn&& fn) {
  std::size_t pos = 0;
  std::int64_t line = 0;
  while (pos < text.size()) {
    std::size_t e = text.find('\n', pos);
    if (e == std::string::npos) e = text.size();
    ++line;
    fn(std::string_view(text).substr(pos, e - pos), line);
    pos = e + 1;
  }
}

node_t parse_id(std::string_view tok, const std::string& path, std::int64_t line, node_t n) {
  std::int64_t x = 0;
  const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), x);
  if (ec != std::errc() || p != tok.data() + tok.size())
    throw IoError(path, fmt::format("'{}' is not a node id", tok), line);
  if (x < 0) throw IoError(path, fmt::format("node id {} is negative", x), line);
  if (x >= n) throw IoError(path, fmt::format("node id {} >= n = {}", x, n), line);
  return static_cast<node_t>(x);
}

double parse_score(std::string_view tok, const std::string& path, std::int64_t line) {
  double x = 0;
  const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), x);
  if (ec != std::errc() || p != tok.data() + tok.size())
    throw IoError(path, fmt::format("'{}' is not a number", tok), line);
  if (std::isnan(x)) throw IoError(path, "score is NaN", line);
  return x;
}

}  // namespace

/// Pairs `u v` per line ('#' comments and blank lines skipped); ids checked against n.
std::vector<NodePair> read_pairs_file(const std::string& path, node_t n) {
  const std::string text = read_text_file(path);
  std::vector<NodePair> out;
  for_each_line(text, [&](std::string_view l, std::int64_t line) {
    const auto f = fields_of(l);
    if (f.empty() || f[0][0] == '#' || f[0][0] == '%') return;
    if (f.size() < 2) throw IoError(path, fmt::format("expected `u v`, found {} field", f.size()), line);
    const NodePair p{parse_id(f[0], path, line, n), parse_id(f[1], path, line, n)};
    if (p.u == p.v) throw IoError(path, fmt::format("pair ({}, {}) joins a node to itself", p.u, p.v), line);
    out.push_back(p);
  });
  return out;
}

/// One score column of a file written by `linkpred score` (or any whitespace
/// table): the column named `column` in the `#` header, else the last column.
std::vector<double> read_score_column(const std::string& path, const std::string& column,
                                      std::vector<NodePair>* pairs = nullptr) {
  const std::string text = read_text_file(path);
  std::vector<std::string> header;
  std::vector<double> out;
  int col = -1;
  for_each_line(text, [&](std::string_view l, std::int64_t line) {
    auto f = fields_of(l);
    if (f.empty()) return;
    if (f[0][0] == '#') {
      if (out.empty() && header.empty()) {
        // "# u v cn aa" or "#u v ..."
        if (f[0].size() > 1) f[0].remove_prefix(1);
        else f.erase(f.begin());
        for (auto x : f) header.emplace_back(x);
      }
      return;
    }
    if (col < 0) {
      if (!column.empty()) {
        const auto it = std::find(header.begin(), header.end(), column);
        if (it == header.end()) {
          std::string have;
          for (const auto& h : header) have += (have.empty() ? "" : ", ") + h;
          throw IoError(path, fmt::format("no column named '{}' in the '#' header (columns: {})", column,
                                          header.empty() ? std::string("none: the file has no header") : have));
        }
        col = static_cast<int>(it - header.begin());
      } else {
        col = static_cast<int>(f.size()) - 1;
      }
    }
    if (static_cast<int>(f.size()) <= col)
      throw IoError(path, fmt::format("expected at least {} fields, found {}", col + 1, f.size()), line);
    out.push_back(parse_score(f[static_cast<std::size_t>(col)], path, line));
    if (pairs && f.size() >= 3) {
      pairs->push_back({parse_id(f[0], path, line, std::numeric_limits<node_t>::max()),
                        parse_id(f[1], path, line, std::numeric_limits<node_t>::max())});
    }
  });
  return out;
}

// ---- subcommands -----------------------------------------------------------------

namespace {

void register_split(CLI::App* lp) {
  auto* sub = lp->add_subcommand("split", "Split a graph's edges into train/valid/test with negatives (HDF5)");
  sub->footer(
      "Random split: the edges in a random order (by --seed); the first --test\n"
      "fraction are test positives, the next --valid fraction valid positives.\n"
      "--keep-connected keeps a random spanning forest in train. Temporal split\n"
      "(needs a time column): edges before the valid time train, then valid, then\n"
      "test; cut at --valid-time/--test-time or at --valid-quantile/--test-quantile;\n"
      "held-out pairs with a node that has no training edge are dropped and counted.\n"
      "Negatives for valid and test: uniform non-edges, degree-matched, or HeaRT hard\n"
      "negatives (--negatives heart: 2 x --heart-k per positive, for MRR).\n"
      "The output holds the TRAINING graph as /graph and the pairs under\n"
      "/splits/links/{train,valid,test}/{pos,neg}.\n"
      "Examples:\n"
      "  sprig linkpred split data/cond-mat.edges.gz -o split.h5\n"
      "  sprig linkpred split pgp.edges.gz --method temporal --negs-per-pos 100 -o t.h5");
  struct Opts {
    std::string source, out, method = "random", negatives = "uniform";
    RandomLinkSplitOptions random;
    TemporalLinkSplitOptions temporal;
    std::int64_t valid_time = 0, test_time = 0;
    double neg_ratio = 1.0;
    std::size_t negs_per_pos = 0, heart_k = 250;
    GraphFlags flags;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("GRAPH", o->source, kGraphHelp)->required();
  sub->add_option("-o,--output", o->out, "output HDF5 file (.h5)")->required();
  sub->add_option("--method", o->method, "random or temporal")->check(CLI::IsMember({"random", "temporal"}))
      ->capture_default_str();
  sub->add_option("--valid", o->random.valid_fraction, "random: fraction of edges for validation")->capture_default_str();
  sub->add_option("--test", o->random.test_fraction, "random: fraction of edges for test")->capture_default_str();
  sub->add_flag("--keep-connected", o->random.keep_connected, "random: keep a spanning forest in train");
  auto* vt = sub->add_option("--valid-time", o->valid_time, "temporal: first time of the validation part");
  auto* tt = sub->add_option("--test-time", o->test_time, "temporal: first time of the test part");
  sub->add_option("--valid-quantile", o->temporal.valid_quantile, "temporal: valid starts at this quantile of times")
      ->capture_default_str();
  sub->add_option("--test-quantile", o->temporal.test_quantile, "temporal: test starts at this quantile of times")
      ->capture_default_str();
  sub->add_option("--negatives", o->negatives, "uniform, degree or heart")
      ->check(CLI::IsMember({"uniform", "degree", "heart"}))
      ->capture_default_str();
  sub->add_option("--neg-ratio", o->neg_ratio, "pooled negatives per positive (uniform/degree)")->capture_default_str();
  sub->add_option("--negs-per-pos", o->negs_per_pos, "negatives per positive, row by row (for MRR); 0: pooled")
      ->capture_default_str();
  sub->add_option("--heart-k", o->heart_k, "HeaRT: corruptions of each side per positive")->capture_default_str();
  add_graph_flags(sub, o->flags);
  add_common_flags(sub);
  on_run(sub, [o, vt, tt] {
    SPRIG_EXPECTS(is_hdf5_path(o->out), "linkpred split: --output must be an HDF5 file (.h5), got '{}'", o->out);
    SPRIG_EXPECTS(o->neg_ratio >= 0 && std::isfinite(o->neg_ratio), "linkpred split: --neg-ratio must be >= 0 (got {})",
                  o->neg_ratio);
    const std::uint64_t seed = common().seed;
    LinkSplitResult r;
    h5::Attributes attrs;
    if (o->method == "random") {
      LinkGraph lg = load_link_graph(o->source, o->flags);
      SPRIG_EXPECTS(!lg.graph.directed(), "linkpred split: the graph is directed; link prediction here needs an "
                                          "undirected graph (the scores are symmetric)");
      o->random.seed = seed;
      o->random.progress = progress();
      r = random_link_split(lg.graph, o->random);
      attrs["valid_fraction"] = o->random.valid_fraction;
      attrs["test_fraction"] = o->random.test_fraction;
      attrs["keep_connected"] = std::int64_t{o->random.keep_connected};
    } else {
      EdgeList edges;
      if (is_hdf5_path(o->source)) {
        LinkGraph lg = load_link_graph(o->source, o->flags);
        SPRIG_EXPECTS(!lg.edge_time.empty(), "linkpred split: {} has no /graph/edge_time (a temporal split needs edge "
                      "times)", o->source);
        edges.n = lg.graph.num_nodes();
        edges.directed = lg.graph.directed();
        edges.time.clear();
        for (node_t u = 0; u < lg.graph.num_nodes(); ++u) {
          const auto nb = lg.graph.neighbors(u);
          for (std::size_t j = 0; j < nb.size(); ++j) {
            if (!lg.graph.directed() && nb[j] < u) continue;
            edges.add(u, nb[j]);
            edges.time.push_back(lg.edge_time[static_cast<std::size_t>(lg.graph.offsets()[u]) + j]);
          }
        }
      } else {
        GraphSourceOptions so = source_options(o->flags);
        edges = load_edge_list(o->source, so);
      }
      if (vt->count()) o->temporal.valid_time = o->valid_time;
      if (tt->count()) o->temporal.test_time = o->test_time;
      o->temporal.progress = progress();
      r = temporal_link_split(edges, o->temporal);
      attrs["valid_time"] = r.split.valid_time;
      attrs["test_time"] = r.split.test_time;
      attrs["dropped_nodes"] = r.split.dropped_nodes;
      attrs["dropped_edges"] = r.split.dropped_edges;
      attrs["repeated_edges"] = r.split.repeated_edges;
    }
    r.split.seed = seed;
    NegativeOptions no;
    no.method = parse_negative_method(o->negatives);
    no.per_positive = o->negs_per_pos;
    no.heart_k = o->heart_k;
    no.active_nodes_only = o->method == "temporal";
    no.progress = progress();
    const std::uint64_t part_seed[2] = {counter_hash(seed, 1, 0x11), counter_hash(seed, 2, 0x11)};
    std::vector<NodePair>* pos[2] = {&r.split.valid_pos, &r.split.test_pos};
    std::vector<NodePair>* neg[2] = {&r.split.valid_neg, &r.split.test_neg};
    for (int p = 0; p < 2; ++p) {
      if (pos[p]->empty()) continue;
      no.seed = part_seed[p];
      no.count = static_cast<std::size_t>(std::llround(o->neg_ratio * static_cast<double>(pos[p]->size())));
      if (no.per_positive == 0 && no.method != NegativeMethod::heart && no.count == 0) continue;
      *neg[p] = sample_negatives(r.train, r.full, *pos[p], no);
    }
    r.split.negs_per_pos = no.method == NegativeMethod::heart ? 2 * o->heart_k : o->negs_per_pos;
    attrs["negatives"] = o->negatives;
    attrs["source"] = o->source;
    write_split_h5(o->out, r.train, r.split, source_name(o->source), attrs);
    nlohmann::ordered_json rep;
    rep["output"] = o->out;
    rep["method"] = o->method;
    rep["seed"] = seed;
    rep["train_edges"] = r.split.train_pos.size();
    rep["valid_pos"] = r.split.valid_pos.size();
    rep["test_pos"] = r.split.test_pos.size();
    rep["valid_neg"] = r.split.valid_neg.size();
    rep["test_neg"] = r.split.test_neg.size();
    rep["negatives"] = o->negatives;
    rep["negs_per_pos"] = r.split.negs_per_pos;
    if (o->method == "temporal") {
      rep["valid_time"] = r.split.valid_time;
      rep["test_time"] = r.split.test_time;
      rep["dropped_nodes"] = r.split.dropped_nodes;
      rep["dropped_edges"] = r.split.dropped_edges;
      rep["repeated_edges"] = r.split.repeated_edges;
    }
    print_report(rep);
  });
}

void register_score(CLI::App* lp) {
  auto* sub = lp->add_subcommand("score", "Heuristic scores of node pairs on a training graph");
  sub->footer(
      "GRAPH is the training graph as given: its edges are used as they are (pass\n"
      "--exclude-target to score a pair that is an edge as if it were removed).\n"
      "An .h5 file's /graph is used (a split file from `linkpred split` holds the\n"
      "training graph there). --pairs: one `u v` per line ('#' comments allowed).\n"
      "Output (-o FILE, else stdout): a `# u v NAME...` header, then one line per\n"
      "pair in input order with every score in full double precision.\n\n" +
      score_list_help() +
      "Examples:\n"
      "  sprig linkpred score train.edges --pairs test.txt --scores cn,aa,ra -o s.tsv\n"
      "  sprig linkpred score split.h5 --pairs p.txt --scores katz --katz-beta 0.01");
  struct Opts {
    std::string source, pairs, out, scores = "cn,jaccard,aa,ra";
    LinkScoreOptions score;
    GraphFlags flags;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("GRAPH", o->source, kGraphHelp)->required();
  sub->add_option("--pairs", o->pairs, "file of node pairs `u v`")->required();
  sub->add_option("--scores", o->scores, "comma-separated score names, or all")->capture_default_str();
  sub->add_option("-o,--output", o->out, "output file (.tsv, .gz compresses); default stdout");
  sub->add_flag("--exclude-target", o->score.exclude_target_edge, "score an edge (u, v) as if it were removed");
  add_score_flags(sub, o->score);
  add_graph_flags(sub, o->flags);
  add_common_flags(sub);
  on_run(sub, [o] {
    const auto scores = parse_link_scores(o->scores);
    LinkGraph lg = load_link_graph(o->source, o->flags);
    SPRIG_EXPECTS(!lg.graph.directed(), "linkpred score: {} is directed; the scores need an undirected graph",
                  o->source);
    const auto pairs = read_pairs_file(o->pairs, lg.graph.num_nodes());
    o->score.progress = progress();
    const auto cols = link_scores(lg.graph, pairs, scores, o->score);
    auto emit = [&](auto&& put) {
      std::string line = "# u v";
      for (LinkScore s : scores) line += fmt::format(" {}", link_score_name(s));
      line += '\n';
      put(line);
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        line = fmt::format("{} {}", pairs[i].u, pairs[i].v);
        for (std::size_t j = 0; j < scores.size(); ++j) fmt::format_to(std::back_inserter(line), " {}", cols[j][i]);
        line += '\n';
        put(line);
      }
    };
    finish_progress();
    if (o->out.empty() || o->out == "-") {
      emit([](const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); });
      std::fflush(stdout);
    } else {
      write_text_atomically(o->out, [&](TextWriter& w) { emit([&](const std::string& s) { w.write(s); }); });
      note(fmt::format("wrote {} pairs x {} scores to {}", pairs.size(), scores.size(), o->out));
    }
  });
}

void register_eval(CLI::App* lp) {
  auto* sub = lp->add_subcommand("eval", "AUC, AP, Hits@K and MRR of positive vs negative scores");
  sub->footer(
      "--pos and --neg are score files (as `linkpred score` writes, or one number per\n"
      "line); --column picks a column by its `#` header name (default: the last).\n"
      "AUC counts ties as 1/2; AP is scikit-learn's; Hits@K follows OGB (a positive\n"
      "counts only if strictly above the K-th highest negative; fewer than K\n"
      "negatives give 1). With --negs-per-pos K the negatives file holds K lines per\n"
      "positive, in the positives' order, and MRR is OGB's (ties count 1/2).\n"
      "Example:\n"
      "  sprig linkpred eval --pos pos.tsv --neg neg.tsv --column aa");
  struct Opts {
    std::string pos, neg, column;
    std::vector<std::int64_t> hits = {20, 50, 100};
    std::size_t negs_per_pos = 0;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("--pos", o->pos, "scores of the positive pairs")->required();
  sub->add_option("--neg", o->neg, "scores of the negative pairs")->required();
  sub->add_option("--column", o->column, "column name in the files' `#` header (default: last column)");
  sub->add_option("--hits", o->hits, "the K of Hits@K")->delimiter(',')->capture_default_str();
  sub->add_option("--negs-per-pos", o->negs_per_pos, "negatives per positive, row by row (enables MRR)");
  add_common_flags(sub);
  on_run(sub, [o] {
    const auto pos = read_score_column(o->pos, o->column);
    const auto neg = read_score_column(o->neg, o->column);
    SPRIG_EXPECTS(!pos.empty(), "linkpred eval: {} holds no scores", o->pos);
    LinkEvalOptions eo;
    eo.hits_k = o->hits;
    eo.negs_per_pos = o->negs_per_pos;
    if (o->negs_per_pos > 0)
      SPRIG_EXPECTS(neg.size() == pos.size() * o->negs_per_pos,
                    "linkpred eval: --negs-per-pos {} needs {} x {} = {} negatives, {} holds {}", o->negs_per_pos,
                    pos.size(), o->negs_per_pos, pos.size() * o->negs_per_pos, o->neg, neg.size());
    const auto r = evaluate_link_prediction(pos, neg, eo);
    nlohmann::ordered_json rep;
    rep["positives"] = r.num_pos;
    rep["negatives"] = r.num_neg;
    rep["auc"] = r.auc;
    rep["ap"] = r.ap;
    for (std::size_t i = 0; i < r.hits.size(); ++i) rep[fmt::format("hits@{}", r.hits_k[i])] = r.hits[i];
    if (o->negs_per_pos > 0) rep["mrr"] = r.mrr;
    print_report(rep);
  });
}

}  // namespace

void register_linkpred_closure(CLI::App* lp);  // cli/linkpred_closure.cpp

void register_linkpred(CLI::App& app) {
  auto* lp = app.add_subcommand("linkpred", "Link prediction: split, score pairs, evaluate, simplicial closure");
  lp->footer("Steps of `sprig run`, one at a time: split, score, eval. See `sprig linkpred SUB --help`.");
  lp->require_subcommand(1);
  register_split(lp);
  register_score(lp);
  register_eval(lp);
  register_linkpred_closure(lp);
}

}  // namespace sprig::cli
