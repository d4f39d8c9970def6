// sprig-bench orbit-adjacency: all 28 orbit adjacency matrices of a graph
// (embed/orbit_adjacency.hpp): wall time, CPU time, peak resident memory and
// the size of the output.
//
// Anchor: the issue quotes the published orbit-adjacency code (Windels et al.,
// dense n×n arrays) at 6 minutes and 17.6 GB for cond-mat. That code is not
// run here; the comparison in bench/RESULTS.md is to the quoted figure.
// --graph accepts a file, a generator spec, or a bare name such as cond-mat or
// email-Enron, looked up as ../shared/data/NAME.edges.gz and data/NAME.edges.gz
// (relative to the working directory, normally the repository root).
// --verify: the 1-thread result must be bitwise identical, and every matrix
// must be the transpose of its mirror key.
#include <sys/resource.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/embed/orbit_adjacency.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/graph_source.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

std::string resolve(const std::string& spec) {
  namespace fs = std::filesystem;
  if (fs::exists(spec) || is_generated_source(spec)) return spec;
  for (const std::string dir : {"../shared/data/", "data/"}) {
    const std::string p = dir + spec + ".edges.gz";
    if (fs::exists(p)) return p;
  }
  return spec;  // load_graph reports the missing file by name
}

bool same(const OrbitAdjacency& a, const OrbitAdjacency& b) {
  if (a.matrices.size() != b.matrices.size()) return false;
  for (std::size_t i = 0; i < a.matrices.size(); ++i) {
    const auto &x = a.matrices[i].matrix, &y = b.matrices[i].matrix;
    if (x.indptr != y.indptr || x.indices != y.indices || x.data != y.data) return false;
  }
  return true;
}

bool transposes(const OrbitAdjacency& a) {
  for (const auto& m : a.matrices) {
    const auto& t = a.get(m.key.hop, m.key.orbit_v, m.key.orbit_u);
    if (t.nnz() != m.matrix.nnz()) return false;
    for (std::int64_t u = 0; u < m.matrix.rows; ++u)
      for (std::int64_t i = m.matrix.indptr[u]; i < m.matrix.indptr[u + 1]; ++i)
        if (t.at(m.matrix.indices[i], u) != m.matrix.data[i]) return false;
  }
  return true;
}

void run() {
  const BenchOptions& o = options();
  GraphSourceOptions so;
  so.seed = o.seed;
  if (o.directed) so.directed = true;
  if (o.nodes > 0) so.nodes = o.nodes;
  const std::string path = resolve(o.graph);
  const Graph g = load_graph(path, so);

  OrbitAdjacency out;
  for (int i = 0; i < o.warmup; ++i) out = orbit_adjacency(g);
  out = OrbitAdjacency{};
  reset_peak_rss();
  const std::int64_t rss_before = peak_rss_bytes();
  std::vector<double> secs, cpu;
  for (int i = 0; i < o.trials; ++i) {
    out = OrbitAdjacency{};
    const double c0 = process_cpu_seconds();
    secs.push_back(time_once([&] { out = orbit_adjacency(g); }));
    cpu.push_back(process_cpu_seconds() - c0);
  }
  const TrialStats st = trial_stats(secs);
  const TrialStats ct = trial_stats(cpu);

  std::int64_t nnz = 0;
  std::size_t bytes = 0;
  nlohmann::ordered_json per;
  for (const auto& m : out.matrices) {
    nnz += m.matrix.nnz();
    bytes += m.matrix.memory_bytes();
    per[m.name()] = m.matrix.nnz();
  }
  nlohmann::ordered_json r;
  r["kernel"] = "orbit-adjacency";
  r["graph"] = path;
  r["nodes"] = g.num_nodes();
  r["edges"] = g.num_edges();
  r["matrices"] = out.matrices.size();
  r["time"] = to_json(st);
  r["cpu_seconds"] = to_json(ct);
  r["peak_rss_bytes"] = peak_rss_bytes();
  r["rss_before_bytes"] = rss_before;
  r["output_nnz"] = nnz;
  r["output_bytes"] = bytes;
  r["nnz_per_matrix"] = per;
  r["anchor"] = "published dense-array code, quoted in the issue for cond-mat: 6 min, 17.6 GB (not run here)";
  if (o.verify) {
    const OrbitAdjacency one = with_threads(1, [&] { return orbit_adjacency(g); });
    const bool s = same(one, out);
    const bool t = transposes(out);
    r["verify_same_as_1_thread"] = s;
    r["verify_transposes"] = t;
    if (!s) throw Error("orbit-adjacency: result differs from the 1-thread result");
    if (!t) throw Error("orbit-adjacency: a matrix is not the transpose of its mirror");
  }
  r["environment"] = environment();
  emit(r);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("orbit-adjacency", "the 28 orbit adjacency matrices (time, CPU, peak memory)");
  add_bench_flags(sub);
  on_run(sub, run);
}

}  // namespace
SPRIG_BENCH_KERNEL(orbit_adjacency, setup);
}  // namespace sprig::bench
