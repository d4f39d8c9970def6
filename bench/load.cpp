// sprig-bench load: reading a graph from HDF5 (read_hdf5), against the plain
// sequential read of the same bytes.
//
// GRAPH may be an .h5/.h5ad file (timed as it is) or anything else sprig loads
// (an edge list, a generator spec such as rmat:22:16): that graph is written
// once with write_hdf5 (--level, --chunk-kib) to --out (or a temporary file)
// and the file is timed. Each trial times, one after the other:
//   read_hdf5  the whole load: open, read offsets/targets/weights in bounded
//              blocks (parallel decompression), CSR checks, the Graph;
//   arrays     the bytes alone: open the file and read /graph/offsets, targets
//              (and weights) into arrays allocated and touched before the
//              trials (no page faults, no CSR checks) — the HDF5 reading cost
//              that compares like for like with the sequential read;
//   seq_read   read(2) of the file's bytes into a 1 MiB buffer, discarded —
//              what `cat file > /dev/null` does; with a warm page cache both
//              measure memory bandwidth, not the disk.
// The peer (h5py + scipy.sparse.csr_matrix on the same file) is
// bench/peers/h5py_load.py; bench/peers/compare_load.py runs both side by side.
// --verify (untimed) checks the file's graph equals the source graph and
// validates it.
#include <algorithm>
#include <memory>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct LoadOptions {
  int level = 4;
  std::size_t chunk_kib = 1024;
  std::size_t block_mib = 64;
  std::string out;
  bool serial_filters = false;
};

LoadOptions& load_options() {
  static LoadOptions o;
  return o;
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Sequential read of the whole file into a reused 1 MiB buffer (like cat).
std::uint64_t sequential_read(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw IoError(path, "cannot open for the sequential read");
  std::vector<char> buf(std::size_t{1} << 20);
  std::uint64_t total = 0, sum = 0;
  for (;;) {
    const ssize_t r = ::read(fd, buf.data(), buf.size());
    if (r <= 0) break;
    total += static_cast<std::uint64_t>(r);
    sum += static_cast<unsigned char>(buf[static_cast<std::size_t>(r) - 1]);  // keep the read observable
  }
  ::close(fd);
  return total + (sum & 0);
}

bool same_graph(const Graph& a, const Graph& b) {
  auto eq = [](auto x, auto y) { return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin()); };
  return a.directed() == b.directed() && eq(a.offsets(), b.offsets()) && eq(a.targets(), b.targets()) &&
         eq(a.weights(), b.weights());
}

void run_load() {
  const BenchOptions& o = options();
  const LoadOptions& lo = load_options();
  nlohmann::ordered_json report;
  report["kernel"] = "load";
  report["graph"] = o.graph;

  std::unique_ptr<TempFile> temp;
  std::string path = o.graph;
  const bool given = is_hdf5_path(o.graph) && !is_generated_source(o.graph);
  Graph source;
  if (!given) {
    GraphSourceOptions so;
    so.seed = o.seed;
    if (o.directed) so.directed = true;
    if (o.nodes > 0) so.nodes = o.nodes;
    note(fmt::format("loading {} and writing it as HDF5 (deflate level {})", o.graph, lo.level));
    source = load_graph(o.graph, so);
    if (lo.out.empty()) {
      temp = std::make_unique<TempFile>(".h5");
      path = temp->path();
    } else {
      path = lo.out;
    }
    GraphData data;
    data.name = source_name(o.graph);
    Hdf5WriteOptions w;
    w.compression = lo.level;
    w.chunk_bytes = lo.chunk_kib << 10;
    w.created_by = "sprig-bench load";
    const double t = time_once([&] { write_hdf5(path, source, data, w); });
    report["write_s"] = t;
    note(fmt::format("wrote {} ({} bytes) in {:.3f} s", path, file_size(path), t));
  }
  report["file"] = path;
  report["file_bytes"] = file_size(path);
  report["level"] = given ? -1 : lo.level;

  Hdf5ReadOptions ro;
  ro.block_bytes = lo.block_mib << 20;
  ro.parallel_filters = !lo.serial_filters;
  ro.node_data = false;
  ro.results = false;

  // Warm destination arrays for the `arrays` step (touched once, reused).
  std::vector<edge_t> a_off;
  std::vector<node_t> a_tgt;
  std::vector<float> a_w;
  {
    const h5::File f = h5::File::open(path);
    a_off.resize(f.open_dataset("/graph/offsets").size());
    a_tgt.resize(f.open_dataset("/graph/targets").size());
    if (f.exists("/graph/weights")) a_w.resize(f.open_dataset("/graph/weights").size());
  }
  const h5::BlockOptions bo{ro.block_bytes, ro.parallel_filters, {}};
  auto read_arrays = [&] {
    const h5::File f = h5::File::open(path);
    f.open_dataset("/graph/offsets").read_rows<edge_t>(a_off, 0, a_off.size(), bo);
    f.open_dataset("/graph/targets").read_rows<node_t>(a_tgt, 0, a_tgt.size(), bo);
    if (!a_w.empty()) f.open_dataset("/graph/weights").read_rows<float>(a_w, 0, a_w.size(), bo);
  };

  std::vector<double> t_load, t_seq, t_arrays;
  std::int64_t peak = 0, nodes = 0, arcs = 0;
  bool weighted = false, directed = false;
  for (int i = 0; i < o.warmup + o.trials; ++i) {
    const bool timed = i >= o.warmup;
    std::uint64_t bytes = 0;
    const double s = time_once([&] { bytes = sequential_read(path); });
    const double ar = time_once(read_arrays);
    reset_peak_rss();
    Hdf5Graph r;
    const double l = time_once([&] { r = read_hdf5(path, ro); });
    peak = std::max(peak, peak_rss_bytes());
    nodes = r.graph.num_nodes();
    arcs = r.graph.num_arcs();
    weighted = r.graph.weighted();
    directed = r.graph.directed();
    if (timed) {
      t_load.push_back(l);
      t_seq.push_back(s);
      t_arrays.push_back(ar);
    }
    note(fmt::format("trial {}{}: read_hdf5 {:.4f} s, arrays {:.4f} s, sequential read of {} bytes {:.4f} s", i + 1,
                     timed ? "" : " (warm-up)", l, ar, bytes, s));
  }
  report["nodes"] = nodes;
  report["arcs"] = arcs;
  report["directed"] = directed;
  report["weighted"] = weighted;
  report["trials"] = o.trials;
  report["warmup"] = o.warmup;
  const TrialStats sl = trial_stats(t_load), ss = trial_stats(t_seq), sa = trial_stats(t_arrays);
  report["read_hdf5"] = to_json(sl);
  report["arrays"] = to_json(sa);
  report["seq_read"] = to_json(ss);
  report["read_hdf5_over_seq_read"] = ss.median > 0 ? sl.median / ss.median : 0.0;
  report["arrays_over_seq_read"] = ss.median > 0 ? sa.median / ss.median : 0.0;
  report["arcs_per_s"] = sl.median > 0 ? static_cast<double>(arcs) / sl.median : 0.0;
  report["peak_rss_load_bytes"] = peak;
  if (o.verify) {
    const Hdf5Graph r = read_hdf5(path);
    r.graph.validate({.allow_self_loops = true, .allow_duplicates = true});
    if (!given) SPRIG_EXPECTS(same_graph(r.graph, source), "verify: {} differs from {}", path, o.graph);
  }
  finish_report(report, o.verify);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("load", "HDF5 graph load (read_hdf5) against a sequential read of the same bytes");
  sub->footer(
      "GRAPH is an .h5 file, or any graph sprig loads (edge list, rmat:22:16), which is\n"
      "first written with write_hdf5 (--level, --chunk-kib) to --out or a temporary file.\n"
      "Times read_hdf5() and a plain sequential read of the file (as `cat file > /dev/null`),\n"
      "both with a warm page cache. Peer: bench/peers/h5py_load.py (h5py + scipy CSR);\n"
      "bench/peers/compare_load.py prints both side by side.\n"
      "Examples:\n"
      "  sprig-bench load --graph rmat:22:16 --level 0 --out /tmp/rmat22.h5 --json\n"
      "  sprig-bench load --graph /tmp/rmat22.h5 --trials 5 --verify");
  add_bench_flags(sub);
  auto& lo = load_options();
  sub->add_option("--level", lo.level, "deflate level of the written file (0: uncompressed)")
      ->check(CLI::Range(0, 9))
      ->capture_default_str();
  sub->add_option("--chunk-kib", lo.chunk_kib, "chunk size of the written file, KiB")->capture_default_str();
  sub->add_option("--block-mib", lo.block_mib, "read_hdf5 block size, MiB (bounded memory)")->capture_default_str();
  sub->add_option("--out", lo.out, "keep the written file here (for the h5py peer)");
  sub->add_flag("--serial-filters", lo.serial_filters, "decompress with HDF5's own (serial) filter pipeline");
  on_run(sub, run_load);
}

}  // namespace

SPRIG_BENCH_KERNEL(load, setup);

}  // namespace sprig::bench
