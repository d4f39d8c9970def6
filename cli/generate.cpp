// `sprig generate MODEL ... -o FILE`: write a random graph's edge list.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/edge_list_io.hpp>

#include "common.hpp"

namespace sprig::cli {
namespace {

// What every generator subcommand shares: the output and how it is written.
struct Output {
  std::string path, name, labels_out;
  bool simple = false;
  int level = 6;
};

void add_output_flags(CLI::App* sub, Output& out) {
  sub->add_option("-o,--output", out.path, "edge-list file to write (.edges/.txt/.tsv/.csv, + .gz)")->required();
  sub->add_option("--name", out.name, "graph name written in the header (default: the file's stem)");
  sub->add_flag("--simple", out.simple,
                "write the built simple graph (self-loops and duplicates removed) instead of the raw list");
  sub->add_option("--level", out.level, "gzip level for .gz outputs (0-9)")->check(CLI::Range(0, 9))->capture_default_str();
  add_common_flags(sub);
}

// Writes labels as data/*.labels are: a header, then "node label" per line.
void write_labels(const std::string& path, const std::string& name, const std::vector<std::int32_t>& labels) {
  write_text_atomically(path, [&](TextWriter& w) {
    w.write(fmt::format("# {}: node label (block of the stochastic block model)\n# columns: node label\n", name));
    for (std::size_t v = 0; v < labels.size(); ++v) w.write(fmt::format("{} {}\n", v, labels[v]));
  });
}

void write_output(const std::string& model, const Output& out, const EdgeList& edges,
                  const std::vector<std::int32_t>* labels = nullptr) {
  EdgeListWriteOptions w;
  w.name = out.name.empty() ? file_stem(out.path) : out.name;
  w.level = out.level;
  w.progress = progress();
  std::int64_t written = static_cast<std::int64_t>(edges.size());
  if (out.simple) {
    const Graph g = build_csr(edges, BuildOptions{.progress = w.progress});
    written = g.num_edges();
    write_edge_list(out.path, g, w);
  } else {
    write_edge_list(out.path, edges, w);
  }
  if (labels && !out.labels_out.empty()) write_labels(out.labels_out, w.name, *labels);
  nlohmann::ordered_json report;
  report["model"] = model;
  report["seed"] = common().seed;
  report["output"] = out.path;
  report["nodes"] = edges.n;
  report["edges"] = written;
  report["directed"] = edges.directed;
  report["simple"] = out.simple;
  if (labels && !out.labels_out.empty()) report["labels"] = out.labels_out;
  print_report(report);
}

void add_rmat(CLI::App* gen) {
  auto* sub = gen->add_subcommand("rmat", "R-MAT / Graph500 Kronecker graph: 2^scale nodes, edge-factor * 2^scale edges");
  sub->footer(
      "R-MAT (Chakrabarti, Zhan, Faloutsos 2004) with Graph500's parameters\n"
      "a=0.57 b=0.19 c=0.19 and a random relabelling of the nodes. The raw list keeps\n"
      "self-loops and duplicates, as Graph500's does (reading it removes them).\n"
      "Example: sprig generate rmat --scale 20 --edge-factor 16 -o g.edges.gz");
  auto o = std::make_shared<RmatOptions>();
  auto out = std::make_shared<Output>();
  auto no_permute = std::make_shared<bool>(false);
  sub->add_option("--scale", o->scale, "log2 of the node count (1-30)")->check(CLI::Range(1, 30))->capture_default_str();
  sub->add_option("--edge-factor", o->edge_factor, "edges per node")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--a", o->a, "probability of the top-left quadrant")->capture_default_str();
  sub->add_option("--b", o->b, "probability of the top-right quadrant")->capture_default_str();
  sub->add_option("--c", o->c, "probability of the bottom-left quadrant")->capture_default_str();
  sub->add_flag("--no-permute", *no_permute, "keep the generator's node ids (hubs at low ids)");
  sub->add_flag("--directed", o->directed, "a directed graph");
  add_output_flags(sub, *out);
  on_run(sub, [o, out, no_permute] {
    RmatOptions opt = *o;
    opt.permute = !*no_permute;
    opt.seed = common().seed;
    write_output("rmat", *out, rmat(opt));
  });
}

void add_er(CLI::App* gen) {
  auto* sub = gen->add_subcommand("er", "Erdos-Renyi G(n, m): exactly m distinct edges chosen uniformly");
  sub->footer("Example: sprig generate er --nodes 100000 --edges 1000000 -o er.edges.gz");
  auto o = std::make_shared<GnmOptions>();
  auto out = std::make_shared<Output>();
  sub->add_option("--nodes", o->n, "node count")->required()->check(CLI::NonNegativeNumber);
  sub->add_option("--edges", o->m, "edge count")->required()->check(CLI::NonNegativeNumber);
  sub->add_flag("--directed", o->directed, "a directed graph");
  add_output_flags(sub, *out);
  on_run(sub, [o, out] {
    GnmOptions opt = *o;
    opt.seed = common().seed;
    write_output("er", *out, erdos_renyi_gnm(opt));
  });
}

void add_gnp(CLI::App* gen) {
  auto* sub = gen->add_subcommand("gnp", "Erdos-Renyi G(n, p): every pair independently with probability p");
  sub->footer("Example: sprig generate gnp --nodes 10000 --p 0.001 -o gnp.edges");
  auto o = std::make_shared<GnpOptions>();
  auto out = std::make_shared<Output>();
  sub->add_option("--nodes", o->n, "node count")->required()->check(CLI::NonNegativeNumber);
  sub->add_option("--p", o->p, "edge probability")->required()->check(CLI::Range(0.0, 1.0));
  sub->add_flag("--directed", o->directed, "a directed graph");
  add_output_flags(sub, *out);
  on_run(sub, [o, out] {
    GnpOptions opt = *o;
    opt.seed = common().seed;
    write_output("gnp", *out, erdos_renyi_gnp(opt));
  });
}

void add_ba(CLI::App* gen) {
  auto* sub = gen->add_subcommand("ba", "Barabasi-Albert preferential attachment: m edges per new node");
  sub->footer("Example: sprig generate ba --nodes 100000 --m 5 -o ba.edges.gz");
  auto o = std::make_shared<BarabasiAlbertOptions>();
  auto out = std::make_shared<Output>();
  sub->add_option("--nodes", o->n, "node count")->required()->check(CLI::NonNegativeNumber);
  sub->add_option("--m", o->m, "edges per new node (1 <= m < nodes)")->required()->check(CLI::PositiveNumber);
  add_output_flags(sub, *out);
  on_run(sub, [o, out] {
    BarabasiAlbertOptions opt = *o;
    opt.seed = common().seed;
    write_output("ba", *out, barabasi_albert(opt));
  });
}

void add_ws(CLI::App* gen) {
  auto* sub = gen->add_subcommand("ws", "Watts-Strogatz small world: ring of k neighbours per side, rewired with beta");
  sub->footer("Example: sprig generate ws --nodes 10000 --k 5 --beta 0.1 -o ws.edges");
  auto o = std::make_shared<WattsStrogatzOptions>();
  auto out = std::make_shared<Output>();
  sub->add_option("--nodes", o->n, "node count")->required()->check(CLI::NonNegativeNumber);
  sub->add_option("--k", o->k, "neighbours on each side of the ring (degree 2k)")->required()->check(CLI::PositiveNumber);
  sub->add_option("--beta", o->beta, "rewiring probability")->required()->check(CLI::Range(0.0, 1.0));
  add_output_flags(sub, *out);
  on_run(sub, [o, out] {
    WattsStrogatzOptions opt = *o;
    opt.seed = common().seed;
    write_output("ws", *out, watts_strogatz(opt));
  });
}

void add_sbm(CLI::App* gen) {
  auto* sub = gen->add_subcommand("sbm", "Stochastic block model; --labels-out writes each node's block");
  sub->footer(
      "Blocks hold contiguous id ranges. Either equal blocks (--blocks K --block-size S)\n"
      "or explicit --sizes; either --p-in/--p-out or a full K*K --probabilities matrix\n"
      "(row-major, symmetric when undirected).\n"
      "Example: sprig generate sbm --blocks 4 --block-size 250 --p-in 0.1 --p-out 0.005 \\\n"
      "           -o sbm.edges --labels-out sbm.labels");
  struct Args {
    std::int64_t blocks = 0, block_size = 0;
    std::vector<std::int64_t> sizes;
    double p_in = -1, p_out = -1;
    std::vector<double> probabilities;
    bool directed = false;
  };
  auto a = std::make_shared<Args>();
  auto out = std::make_shared<Output>();
  auto* blocks = sub->add_option("--blocks", a->blocks, "number of equal blocks")->check(CLI::PositiveNumber);
  auto* bsize = sub->add_option("--block-size", a->block_size, "nodes per block")->check(CLI::NonNegativeNumber);
  auto* sizes = sub->add_option("--sizes", a->sizes, "nodes of each block (instead of --blocks/--block-size)")
                    ->delimiter(',')
                    ->excludes(blocks)
                    ->excludes(bsize);
  auto* pin = sub->add_option("--p-in", a->p_in, "edge probability within a block")->check(CLI::Range(0.0, 1.0));
  auto* pout = sub->add_option("--p-out", a->p_out, "edge probability between blocks")->check(CLI::Range(0.0, 1.0));
  sub->add_option("--probabilities", a->probabilities, "K*K row-major block probabilities (comma-separated)")
      ->delimiter(',')
      ->excludes(pin)
      ->excludes(pout);
  (void)sizes;
  sub->add_flag("--directed", a->directed, "a directed graph");
  sub->add_option("--labels-out", out->labels_out, "also write 'node block' lines to this file");
  add_output_flags(sub, *out);
  on_run(sub, [a, out] {
    SbmOptions opt;
    if (!a->sizes.empty()) {
      opt.block_sizes = a->sizes;
    } else {
      SPRIG_EXPECTS(a->blocks > 0 && a->block_size > 0,
                    "sbm: give --sizes, or --blocks and --block-size (got --blocks {} --block-size {})", a->blocks,
                    a->block_size);
      opt.block_sizes.assign(static_cast<std::size_t>(a->blocks), a->block_size);
    }
    const std::size_t k = opt.block_sizes.size();
    if (!a->probabilities.empty()) {
      SPRIG_EXPECTS(a->probabilities.size() == k * k, "sbm: --probabilities needs {}*{} = {} values (got {})", k, k,
                    k * k, a->probabilities.size());
      opt.probabilities = a->probabilities;
    } else {
      SPRIG_EXPECTS(a->p_in >= 0 && a->p_out >= 0, "sbm: give --p-in and --p-out, or --probabilities");
      opt.probabilities.assign(k * k, a->p_out);
      for (std::size_t r = 0; r < k; ++r) opt.probabilities[r * k + r] = a->p_in;
    }
    opt.directed = a->directed;
    opt.seed = common().seed;
    SbmGraph sbm = stochastic_block_model(opt);
    write_output("sbm", *out, sbm.edges, &sbm.labels);
  });
}

}  // namespace

void register_generate(CLI::App& app) {
  auto* gen = app.add_subcommand("generate", "Write a random graph's edge list (rmat, er, gnp, ba, ws, sbm)");
  gen->footer(
      "Generate a random graph and write its edge list (-o FILE; .gz compresses).\n"
      "Same --seed, same file, for any --threads. Models:\n"
      "  rmat --scale S --edge-factor F     R-MAT / Graph500\n"
      "  er   --nodes N --edges M           Erdos-Renyi G(n, m)\n"
      "  gnp  --nodes N --p P               Erdos-Renyi G(n, p)\n"
      "  ba   --nodes N --m M               Barabasi-Albert\n"
      "  ws   --nodes N --k K --beta B      Watts-Strogatz\n"
      "  sbm  --blocks K --block-size S --p-in P --p-out Q [--labels-out FILE]\n"
      "Run `sprig generate MODEL --help` for each model's options.\n"
      "Example: sprig generate rmat --scale 20 --edge-factor 16 -o g.edges.gz");
  gen->require_subcommand(1);
  add_rmat(gen);
  add_er(gen);
  add_gnp(gen);
  add_ba(gen);
  add_ws(gen);
  add_sbm(gen);
}

}  // namespace sprig::cli
