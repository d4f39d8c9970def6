// read_hdf5 / write_hdf5 / append_*: the sprig-graph layout (docs/hdf5-layout.md)
// and AnnData / scipy CSR groups.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <span>
#include <utility>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/hdf5_graph.hpp>
#include <sprig/io/hdf5_publish.hpp>

namespace sprig {

namespace {

using h5::Dataset;
using h5::File;
using h5::Group;
using h5::Location;

constexpr std::int64_t kFormatVersion = 1;
constexpr const char* kFormat = "sprig-graph";
constexpr const char* kTmpPrefix = ".tmp-";

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// ---------------------------------------------------------------- attributes

template <class L>
std::optional<std::int64_t> attr_int(const L& l, const std::string& name) {
  if (!l.has_attr(name)) return std::nullopt;
  const h5::AttrValue v = l.read_attr(name);
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* vi = std::get_if<std::vector<std::int64_t>>(&v); vi && vi->size() == 1) return (*vi)[0];
  if (auto* d = std::get_if<double>(&v); d && std::floor(*d) == *d) return static_cast<std::int64_t>(*d);
  l.where().fail("attribute " + name + " must be an integer");
}

template <class L>
std::optional<std::string> attr_string(const L& l, const std::string& name) {
  if (!l.has_attr(name)) return std::nullopt;
  const h5::AttrValue v = l.read_attr(name);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* vs = std::get_if<std::vector<std::string>>(&v); vs && vs->size() == 1) return (*vs)[0];
  l.where().fail("attribute " + name + " must be a string");
}

template <class L>
std::optional<std::vector<std::int64_t>> attr_ints(const L& l, const std::string& name) {
  if (!l.has_attr(name)) return std::nullopt;
  const h5::AttrValue v = l.read_attr(name);
  if (auto* vi = std::get_if<std::vector<std::int64_t>>(&v)) return *vi;
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::vector<std::int64_t>{*i};
  l.where().fail("attribute " + name + " must be integers");
}

template <class L>
std::optional<std::vector<std::string>> attr_strings(const L& l, const std::string& name) {
  if (!l.has_attr(name)) return std::nullopt;
  const h5::AttrValue v = l.read_attr(name);
  if (auto* vs = std::get_if<std::vector<std::string>>(&v)) return *vs;
  if (auto* s = std::get_if<std::string>(&v)) return std::vector<std::string>{*s};
  l.where().fail("attribute " + name + " must be strings");
}

// ---------------------------------------------------------------- reading helpers

struct Ctx {
  std::string path;
  const Hdf5ReadOptions& opt;
  h5::BlockOptions blocks;
  std::vector<std::string>& notes;
};

Dataset open_vector(const Location& loc, const std::string& name, bool integer, bool allow_bool = false) {
  Dataset d = loc.open_dataset(name);
  d.expect_rank(1);
  if (integer)
    d.expect_integer(allow_bool);
  else
    d.expect_numeric();
  return d;
}

void expect_length(const Dataset& d, std::uint64_t want, const std::string& what) {
  const std::uint64_t got = d.size();
  if (got != want) d.where().fail(fmt::format("has {} values but {} {}", got, what, want));
}

// offsets[0] == 0, non-decreasing, offsets[n] == m.
void check_offsets(std::span<const edge_t> off, std::uint64_t m, const Dataset& d, const char* targets_name) {
  if (off.empty()) d.where().fail("is empty (needs n + 1 >= 1 values)");
  if (off[0] != 0) d.where().fail(fmt::format("offsets[0] = {} (must be 0)", off[0]));
  for (std::size_t i = 0; i + 1 < off.size(); ++i)
    if (off[i + 1] < off[i])
      d.where().fail(fmt::format("offsets decrease at node {} ({} > {})", i, off[i], off[i + 1]));
  if (static_cast<std::uint64_t>(off.back()) != m)
    d.where().fail(fmt::format("offsets[n] = {} but {} has {} values", off.back(), targets_name, m));
}

// One pass over the rows: every target in [0, n) (else IoError naming the lowest
// bad arc), then unsorted rows are sorted (or rejected under validate); with
// sum_duplicates, repeated targets of a row are merged (weights summed,
// earliest time kept). Only files that TargetCheck found unusual come here.
void canonicalize(UninitVector<edge_t>& off, UninitVector<node_t>& t, UninitVector<float>& w,
                  std::vector<std::int64_t>& time, bool sum_duplicates, bool validate,
                  const Dataset& td, std::vector<std::string>& notes) {
  const std::size_t n = off.size() - 1, grain = 4096;
  const auto nn = static_cast<node_t>(n);
  const std::size_t chunks = num_chunks(n, grain);
  std::vector<std::size_t> unsorted(chunks, 0), first_bad(chunks, n);
  std::vector<edge_t> bad_arc(chunks, -1);
  parallel_chunks(n, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e; ++u) {
      const edge_t lo = off[u], hi = off[u + 1];
      bool sorted = true;
      node_t prev = std::numeric_limits<node_t>::min();
      for (edge_t k = lo; k < hi; ++k) {
        const node_t x = t[k];
        if (x < 0 || x >= nn) [[unlikely]] {
          bad_arc[c] = k;
          return;
        }
        sorted &= prev <= x;
        prev = x;
      }
      if (!sorted) {
        ++unsorted[c];
        if (first_bad[c] == n) first_bad[c] = u;
      }
    }
  });
  for (edge_t k : bad_arc)
    if (k >= 0) {
      const auto row = std::upper_bound(off.begin(), off.end(), k) - off.begin() - 1;
      td.where().fail(fmt::format("target {} at arc {} (row {}) outside [0, {})", t[k], k, row, n));
    }
  const std::size_t n_unsorted = std::accumulate(unsorted.begin(), unsorted.end(), std::size_t{0});
  if (n_unsorted > 0) {
    const std::size_t u = *std::min_element(first_bad.begin(), first_bad.end());
    if (validate)
      td.where().fail(
          fmt::format("row {} is not sorted ({} rows unsorted; read without validate to sort them)", u, n_unsorted));
    parallel_for<std::size_t>(0, n, [&](std::size_t r) {
      const edge_t b = off[r], e = off[r + 1];
      if (std::is_sorted(t.begin() + b, t.begin() + e)) return;
      if (w.empty() && time.empty()) {
        std::sort(t.begin() + b, t.begin() + e);
        return;
      }
      std::vector<edge_t> perm(static_cast<std::size_t>(e - b));
      std::iota(perm.begin(), perm.end(), b);
      std::stable_sort(perm.begin(), perm.end(), [&](edge_t x, edge_t y) { return t[x] < t[y]; });
      std::vector<node_t> tt(perm.size());
      for (std::size_t i = 0; i < perm.size(); ++i) tt[i] = t[perm[i]];
      std::copy(tt.begin(), tt.end(), t.begin() + b);
      if (!w.empty()) {
        std::vector<float> ww(perm.size());
        for (std::size_t i = 0; i < perm.size(); ++i) ww[i] = w[perm[i]];
        std::copy(ww.begin(), ww.end(), w.begin() + b);
      }
      if (!time.empty()) {
        std::vector<std::int64_t> ti(perm.size());
        for (std::size_t i = 0; i < perm.size(); ++i) ti[i] = time[perm[i]];
        std::copy(ti.begin(), ti.end(), time.begin() + b);
      }
    });
    notes.push_back(fmt::format("{}: {} rows were not sorted by target; sorted on load", td.name(), n_unsorted));
  }
  if (!sum_duplicates) return;
  const std::size_t dups = parallel_sum<std::size_t>(n, [&](std::size_t u) {
    std::size_t c = 0;
    for (edge_t k = off[u] + 1; k < off[u + 1]; ++k) c += t[k - 1] == t[k];
    return c;
  });
  if (dups == 0) return;
  if (validate) td.where().fail(fmt::format("{} duplicate entries (read without validate to sum them)", dups));
  std::size_t out = 0;
  UninitVector<edge_t> noff(n + 1, 0);
  for (std::size_t u = 0; u < n; ++u) {
    const edge_t b = off[u], e = off[u + 1];
    for (edge_t k = b; k < e; ++k) {
      if (k > b && t[k] == t[out - 1]) {
        if (!w.empty()) w[out - 1] += w[k];
        if (!time.empty()) time[out - 1] = std::min(time[out - 1], time[k]);
        continue;
      }
      t[out] = t[k];
      if (!w.empty()) w[out] = w[k];
      if (!time.empty()) time[out] = time[k];
      ++out;
    }
    noff[u + 1] = static_cast<edge_t>(out);
  }
  t.resize(out);
  t.shrink_to_fit();
  if (!w.empty()) w.resize(out);
  if (!time.empty()) time.resize(out);
  off = std::move(noff);
  notes.push_back(fmt::format("{}: {} duplicate entries summed (as scipy's sum_duplicates)", td.name(), dups));
}

// Checks the targets block by block as the reader delivers them, while each
// block is still in cache: every target in [0, n), rows sorted, self-loops
// counted. Pairs that straddle two blocks are checked after the read. Anything
// unusual (an id out of range, an unsorted row, a repeated target) sends the
// caller to canonicalize(), which reports or repairs it with the full detail
// (and the Csr then counts self-loops itself); a clean file, the common case,
// is read in one pass.
class TargetCheck {
 public:
  TargetCheck(std::span<const edge_t> off, const node_t* t) : off_(off), t_(t) {}

  void operator()(std::uint64_t first, std::uint64_t count) {  // thread-safe
    const auto b = static_cast<edge_t>(first), e = static_cast<edge_t>(first + count);
    const auto nn = static_cast<node_t>(off_.size() - 1);
    auto r = static_cast<std::size_t>(std::upper_bound(off_.begin(), off_.end(), b) - off_.begin() - 1);
    edge_t loops = 0;
    bool odd = false;
    for (; !odd; ++r) {
      const edge_t lo = std::max(off_[r], b), hi = std::min(off_[r + 1], e);
      if (lo < hi) {
        // A strictly increasing row is in range when its ends are, so the ids
        // need no test of their own; both loops vectorise (no early exit).
        const node_t* row = t_ + lo;
        const auto len = static_cast<std::size_t>(hi - lo);
        const auto self = static_cast<node_t>(r);
        unsigned down = 0;
        std::uint32_t same = row[0] == self;  // a row holds < 2^31 arcs
        for (std::size_t i = 1; i < len; ++i) {
          down |= static_cast<unsigned>(row[i - 1] >= row[i]);
          same += row[i] == self;
        }
        odd = down != 0 || row[0] < 0 || row[len - 1] >= nn;
        loops += same;
      }
      if (hi == e) break;
    }
    std::lock_guard lock(mutex_);
    odd_ |= odd;
    loops_ += loops;
    if (b > 0) seams_.push_back(b);
  }

  /// The self-loop count when every block and seam was clean, else nullopt.
  std::optional<edge_t> clean_self_loops() const {
    if (odd_) return std::nullopt;
    for (edge_t a : seams_) {
      const auto r = static_cast<std::size_t>(std::upper_bound(off_.begin(), off_.end(), a) - off_.begin() - 1);
      if (off_[r] < a && t_[a - 1] >= t_[a]) return std::nullopt;
    }
    return loops_;
  }

 private:
  std::span<const edge_t> off_;
  const node_t* t_;
  std::mutex mutex_;
  bool odd_ = false;
  edge_t loops_ = 0;
  std::vector<edge_t> seams_;
};

// Reads a rank-1 target dataset of m ids, checking it block by block; returns
// the targets and, when the file was clean, the self-loop count.
std::pair<UninitVector<node_t>, std::optional<edge_t>> read_targets(const Dataset& d, std::span<const edge_t> off,
                                                                     const h5::BlockOptions& blocks) {
  d.check_plausible_size(sizeof(node_t));
  UninitVector<node_t> t(d.size());
  TargetCheck check(off, t.data());
  h5::BlockOptions b = blocks;
  b.on_rows = [&check](std::uint64_t first, std::uint64_t count) { check(first, count); };
  d.read_rows<node_t>(std::span<node_t>(t), 0, t.size(), b);
  return {std::move(t), check.clean_self_loops()};
}

bool is_symmetric(const UninitVector<edge_t>& off, const UninitVector<node_t>& t, const UninitVector<float>& w) {
  const std::size_t n = off.size() - 1;
  std::atomic<bool> ok{true};
  parallel_chunks(n, 2048, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e && ok.load(std::memory_order_relaxed); ++u)
      for (edge_t k = off[u]; k < off[u + 1]; ++k) {
        const node_t v = t[k];
        const auto first = t.begin() + off[v], last = t.begin() + off[v + 1];
        const auto it = std::lower_bound(first, last, static_cast<node_t>(u));
        if (it == last || *it != static_cast<node_t>(u) || (!w.empty() && w[it - t.begin()] != w[k])) {
          ok = false;
          return;
        }
      }
  });
  return ok;
}

template <class T>
DenseMatrix<T> read_matrix(const Dataset& d, std::int64_t n, const h5::BlockOptions& blocks) {
  d.expect_numeric();
  const auto dims = d.dims();
  if (dims.size() != 1 && dims.size() != 2) d.where().fail(fmt::format("expected rank 2, found rank {}", dims.size()));
  if (n >= 0 && static_cast<std::int64_t>(dims[0]) != n)
    d.where().fail(fmt::format("has {} rows but the graph has {} nodes", dims[0], n));
  d.check_plausible_size(sizeof(T));
  DenseMatrix<T> m;
  m.rows = static_cast<std::int64_t>(dims[0]);
  m.cols = dims.size() == 2 ? static_cast<std::int64_t>(dims[1]) : 1;
  m.data.resize(static_cast<std::size_t>(m.rows * m.cols));
  d.read_rows<T>(std::span<T>(m.data), 0, dims[0], blocks);
  return m;
}

void check_ids(const std::vector<node_t>& v, std::int64_t n, const Dataset& d) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] < 0 || v[i] >= n) d.where().fail(fmt::format("node {} at position {} outside [0, {})", v[i], i, n));
}

// A split part: a mask of n bools/bytes, or an index array.
std::vector<node_t> read_split_part(const Dataset& d, std::int64_t n, const h5::BlockOptions& blocks) {
  d.expect_rank(1);
  d.expect_integer(true);
  const h5::Datatype t = d.type();
  const bool mask = t.type_class() == H5T_ENUM || t.size() == 1;
  if (mask) {
    expect_length(d, static_cast<std::uint64_t>(n), "a mask needs n =");
    std::vector<std::uint8_t> m(static_cast<std::size_t>(n));
    if (t.type_class() == H5T_ENUM) {  // enum→int conversion is not HDF5's: read the raw bytes
      h5::Datatype nt(H5Tget_native_type(t.id(), H5T_DIR_ASCEND));
      if (!m.empty() && H5Dread(d.id(), nt.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, m.data()) < 0)
        d.where().fail_hdf5("cannot read mask");
    } else {
      d.read_rows<std::uint8_t>(std::span<std::uint8_t>(m), 0, m.size(), blocks);
    }
    std::vector<node_t> idx;
    for (std::size_t i = 0; i < m.size(); ++i)
      if (m[i] != 0) idx.push_back(static_cast<node_t>(i));
    return idx;
  }
  std::vector<node_t> idx = d.read_all<node_t>(blocks);
  check_ids(idx, n, d);
  return idx;
}

std::vector<node_t> read_pairs(const Dataset& d, std::int64_t n, const h5::BlockOptions& blocks) {
  d.expect_integer();
  const auto dims = d.dims();
  if (dims.size() != 2 || dims[1] != 2)
    d.where().fail(fmt::format("expected a k × 2 array of node pairs, found shape ({})", fmt::join(dims, ", ")));
  std::vector<node_t> v = d.read_all<node_t>(blocks);
  check_ids(v, n, d);
  return v;
}

void read_node_data(const File& f, const Ctx& c, std::int64_t n, GraphData& data, bool sprig_layout) {
  NodeData& nd = data.nodes;
  std::string fpath = c.opt.features;
  if (fpath.empty() && sprig_layout && f.exists("/nodes/features")) fpath = "/nodes/features";
  if (!fpath.empty()) nd.features = read_matrix<float>(f.open_dataset(fpath), n, c.blocks);
  if (!c.opt.node_data) return;
  if (sprig_layout) {
    if (f.exists("/nodes/labels")) {
      Dataset d = open_vector(f, "/nodes/labels", true);
      expect_length(d, static_cast<std::uint64_t>(n), "the graph has n =");
      nd.labels = d.read_all<std::int32_t>(c.blocks);
      if (auto cl = attr_strings(d, "classes"))
        nd.classes = *cl;
      else if (f.exists("/nodes/classes"))
        nd.classes = f.open_dataset("/nodes/classes").read_strings();
      for (std::size_t i = 0; i < nd.labels.size(); ++i) {
        const auto l = nd.labels[i];
        if (l < -1 || (!nd.classes.empty() && l >= static_cast<std::int64_t>(nd.classes.size())))
          d.where().fail(fmt::format("label {} of node {} outside [-1, {})", l, i,
                                     nd.classes.empty() ? std::string("inf") : std::to_string(nd.classes.size())));
      }
    }
    if (f.exists("/nodes/names")) {
      Dataset d = f.open_dataset("/nodes/names");
      expect_length(d, static_cast<std::uint64_t>(n), "the graph has n =");
      if (d.type().type_class() == H5T_INTEGER) {
        for (std::int64_t id : d.read_all<std::int64_t>(c.blocks)) nd.names.push_back(std::to_string(id));
      } else {
        nd.names = d.read_strings();
      }
    }
    if (f.object_type("/nodes/split") == H5O_TYPE_GROUP) {
      Group s = f.open_group("/nodes/split");
      if (s.exists("train")) nd.split.train = read_split_part(s.open_dataset("train"), n, c.blocks);
      if (s.exists("valid")) nd.split.valid = read_split_part(s.open_dataset("valid"), n, c.blocks);
      if (s.exists("test")) nd.split.test = read_split_part(s.open_dataset("test"), n, c.blocks);
    }
    if (f.object_type("/splits/links") == H5O_TYPE_GROUP) {
      Group l = f.open_group("/splits/links");
      LinkSplit& ls = data.links;
      ls.attributes = l.read_attrs();
      if (auto s = attr_int(l, "seed")) ls.seed = static_cast<std::uint64_t>(*s);
      if (auto m = attr_string(l, "method")) ls.method = *m;
      ls.attributes.erase("seed");
      ls.attributes.erase("method");
      for (auto [name, part] :
           {std::pair<const char*, LinkPairs*>{"train", &ls.train}, {"valid", &ls.valid}, {"test", &ls.test}}) {
        if (!l.exists(name)) continue;
        Group p = l.open_group(name);
        if (p.exists("pos")) part->pos = read_pairs(p.open_dataset("pos"), n, c.blocks);
        if (p.exists("neg")) part->neg = read_pairs(p.open_dataset("neg"), n, c.blocks);
      }
    }
  } else if (f.object_type("/obs") == H5O_TYPE_GROUP) {
    // AnnData: the obs dataframe's index holds the cell (node) names.
    Group obs = f.open_group("/obs");
    const std::string index = attr_string(obs, "_index").value_or("_index");
    if (obs.object_type(index) == H5O_TYPE_DATASET) {
      Dataset d = obs.open_dataset(index);
      if (d.type().type_class() == H5T_STRING && d.size() == static_cast<std::uint64_t>(n)) nd.names = d.read_strings();
    }
  }
}

template <class T>
void read_results(const File& f, const std::string& folder, std::int64_t n, std::vector<NamedMatrix<T>>& out,
                  const h5::BlockOptions& blocks) {
  if (f.object_type(folder) != H5O_TYPE_GROUP) return;
  Group g = f.open_group(folder);
  for (const auto& name : g.children()) {
    if (starts_with(name, kTmpPrefix) || g.object_type(name) != H5O_TYPE_DATASET) continue;
    Dataset d = g.open_dataset(name);
    NamedMatrix<T> r;
    r.name = name;
    r.matrix = read_matrix<T>(d, n, blocks);
    r.attributes = d.read_attrs();
    out.push_back(std::move(r));
  }
}

Hdf5Graph read_sprig(const File& f, const std::string& gpath, const Ctx& c) {
  Hdf5Graph r;
  r.format = kFormat;
  r.group = gpath;
  const auto version = attr_int(f, "format_version").value_or(kFormatVersion);
  if (version > kFormatVersion)
    f.where().fail(fmt::format("format_version {} is newer than this reader ({})", version, kFormatVersion));
  Group g = f.open_group(gpath);
  bool directed = false;
  if (auto d = attr_int(g, "directed"))
    directed = *d != 0;
  else if (auto d2 = attr_int(f, "directed"))
    directed = *d2 != 0;
  else
    f.where().fail("missing attribute directed");
  r.data.name = attr_string(f, "name").value_or("");

  Dataset od = open_vector(g, "offsets", true);
  Dataset td = open_vector(g, "targets", true);
  const std::uint64_t m = td.size();
  auto off = od.read_all<edge_t, UninitVector<edge_t>>(c.blocks);
  check_offsets(off, m, od, "targets");
  const std::int64_t n = static_cast<std::int64_t>(off.size()) - 1;
  if (n > std::numeric_limits<node_t>::max())
    od.where().fail(fmt::format("{} nodes exceed the 32-bit node id range", n));
  if (auto nn = attr_int(f, "num_nodes"); nn && *nn != n)
    f.where().fail(
        fmt::format("num_nodes = {} but {}/offsets has {} values (n + 1 = {})", *nn, gpath, off.size(), *nn + 1));
  auto [t, clean_loops] = read_targets(td, off, c.blocks);
  UninitVector<float> w;
  if (c.opt.weights && g.exists("weights")) {
    Dataset wd = open_vector(g, "weights", false);
    expect_length(wd, m, "targets has");
    w = wd.read_all<float, UninitVector<float>>(c.blocks);
  }
  std::vector<std::int64_t> time;
  if (g.exists("edge_time")) {
    Dataset ed = open_vector(g, "edge_time", true);
    expect_length(ed, m, "targets has");
    time = ed.read_all<std::int64_t>(c.blocks);
  }
  if (!clean_loops) canonicalize(off, t, w, time, false, c.opt.validate, td, c.notes);
  r.graph = Graph::adopt(std::move(off), std::move(t), std::move(w), directed, clean_loops);
  r.data.edge_time = std::move(time);
  if (auto ne = attr_int(f, "num_edges"); ne && *ne != r.graph.num_edges())
    f.where().fail(fmt::format("num_edges = {} but {} holds {} edges", *ne, gpath, r.graph.num_edges()));
  if (c.opt.validate) {
    try {
      r.graph.validate({.allow_self_loops = true, .allow_duplicates = true, .check_symmetry = !directed});
    } catch (const InvalidArgument& e) {
      throw IoError(c.path, e.what(), 0, gpath);
    }
  }
  read_node_data(f, c, n, r.data, true);
  if (c.opt.results) {
    read_results(f, "/embeddings", n, r.data.embeddings, c.blocks);
    read_results(f, "/orbits", n, r.data.orbits, c.blocks);
  }
  return r;
}

Hdf5Graph read_csr_group(const File& f, const std::string& gpath, const Ctx& c) {
  Hdf5Graph r;
  r.group = gpath;
  Group g = f.open_group(gpath);
  const auto enc = attr_string(g, "encoding-type");
  if (enc && *enc != "csr_matrix") {
    if (*enc == "csc_matrix")
      g.where().fail("is a csc_matrix (column-compressed); sprig reads csr_matrix groups (convert with .tocsr())");
    g.where().fail("encoding-type '" + *enc + "' is not csr_matrix");
  }
  r.format = enc ? "anndata csr_matrix" : "scipy csr";
  std::optional<std::vector<std::int64_t>> shape = attr_ints(g, "shape");
  if (!shape) shape = attr_ints(g, "h5sparse_shape");
  if (!shape && g.object_type("shape") == H5O_TYPE_DATASET) {
    Dataset sd = open_vector(g, "shape", true);
    shape = sd.read_all<std::int64_t>(c.blocks);
  }
  if (shape && shape->size() != 2) g.where().fail(fmt::format("shape has {} values (a matrix needs 2)", shape->size()));
  Dataset pd = open_vector(g, "indptr", true);
  Dataset id = open_vector(g, "indices", true);
  const std::uint64_t m = id.size();
  auto off = pd.read_all<edge_t, UninitVector<edge_t>>(c.blocks);
  check_offsets(off, m, pd, "indices");
  std::int64_t n = static_cast<std::int64_t>(off.size()) - 1;
  if (shape) {
    if ((*shape)[0] != n)
      g.where().fail(fmt::format("shape says {} rows but indptr has {} values", (*shape)[0], off.size()));
    if ((*shape)[1] != n)
      g.where().fail(fmt::format("is a {} × {} matrix; a graph needs a square (n × n) adjacency matrix", (*shape)[0],
                                 (*shape)[1]));
  } else {
    c.notes.push_back(fmt::format("{}: no shape attribute; assumed {} × {}", gpath, n, n));
  }
  if (n > std::numeric_limits<node_t>::max())
    pd.where().fail(fmt::format("{} rows exceed the 32-bit node id range", n));
  auto [t, clean_loops] = read_targets(id, off, c.blocks);
  UninitVector<float> w;
  if (g.exists("data")) {
    Dataset dd = open_vector(g, "data", false);
    expect_length(dd, m, "indices has");
    if (c.opt.weights) w = dd.read_all<float, UninitVector<float>>(c.blocks);
  }
  std::vector<std::int64_t> time;
  if (!clean_loops) canonicalize(off, t, w, time, true, c.opt.validate, id, c.notes);
  bool directed;
  if (c.opt.directed) {
    directed = *c.opt.directed;
    if (!directed && !is_symmetric(off, t, w)) g.where().fail("read as undirected but the matrix is not symmetric");
  } else {
    directed = !is_symmetric(off, t, w);
    c.notes.push_back(fmt::format("{}: matrix is {}symmetric; read as {}", gpath, directed ? "not " : "",
                                  directed ? "directed" : "undirected"));
  }
  r.graph = Graph::adopt(std::move(off), std::move(t), std::move(w), directed, clean_loops);
  read_node_data(f, c, n, r.data, false);
  return r;
}

bool has_csr(const File& f, const std::string& g) {
  return f.object_type(g) == H5O_TYPE_GROUP && f.exists(g == "/" ? "/indptr" : g + "/indptr") &&
         f.exists(g == "/" ? "/indices" : g + "/indices");
}

// ---------------------------------------------------------------- writing helpers

// A temporary file name beside `path`, removed unless committed.
class TempFile {
 public:
  explicit TempFile(const std::string& path) : path_(path) {
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path p(path);
    const auto dir = p.parent_path();
    const std::string name =
        "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    temp_ = (dir.empty() ? std::filesystem::path(name) : dir / name).string();
  }
  ~TempFile() {
    if (!committed_) {
      std::error_code ec;
      std::filesystem::remove(temp_, ec);
    }
  }
  const std::string& temp() const { return temp_; }
  // fsync the temp file, rename it onto path, fsync the folder.
  void commit() {
    const int fd = ::open(temp_.c_str(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      throw IoError(path_, std::string("cannot sync temporary file: ") + std::strerror(err));
    }
    ::close(fd);
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
      throw IoError(path_, std::string("cannot rename temporary file into place: ") + std::strerror(errno));
    committed_ = true;
    const auto dir = std::filesystem::path(path_).parent_path();
    const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }

 private:
  std::string path_, temp_;
  bool committed_ = false;
};

struct Writer {
  h5::DatasetCreate create;
  h5::BlockOptions blocks;

  template <class T>
  Dataset vec(const Location& loc, const std::string& name, std::span<const T> v) const {
    const hsize_t dims[1] = {v.size()};
    Dataset d = loc.create_dataset(name, h5::native_type<T>(), dims, create);
    d.write_all<T>(v, blocks);
    return d;
  }
  template <class T>
  Dataset matrix(const Location& loc, const std::string& name, const DenseMatrix<T>& m) const {
    const hsize_t dims[2] = {static_cast<hsize_t>(m.rows), static_cast<hsize_t>(m.cols)};
    Dataset d = loc.create_dataset(name, h5::native_type<T>(), dims, create);
    d.write_all<T>(std::span<const T>(m.data), blocks);
    return d;
  }
  Dataset pairs(const Location& loc, const std::string& name, const std::vector<node_t>& v) const {
    const hsize_t dims[2] = {v.size() / 2, 2};
    Dataset d = loc.create_dataset(name, h5::native_type<node_t>(), dims, create);
    d.write_all<node_t>(std::span<const node_t>(v), blocks);
    return d;
  }
};

void check_ids_arg(const std::vector<node_t>& v, std::int64_t n, const char* what) {
  for (node_t x : v) SPRIG_EXPECTS(x >= 0 && x < n, "write_hdf5: {} holds node {} outside [0, {})", what, x, n);
}

template <class T>
void check_matrix_arg(const DenseMatrix<T>& m, std::int64_t n, const std::string& what) {
  SPRIG_EXPECTS(m.rows >= 0 && m.cols >= 0 && m.data.size() == static_cast<std::size_t>(m.rows * m.cols),
                "hdf5: {} holds {} values for {} × {}", what, m.data.size(), m.rows, m.cols);
  SPRIG_EXPECTS(n < 0 || m.rows == n, "hdf5: {} has {} rows but the graph has {} nodes", what, m.rows, n);
}

void check_result_name(const std::string& name) {
  SPRIG_EXPECTS(!name.empty() && name.find('/') == std::string::npos && !starts_with(name, kTmpPrefix) && name != "." &&
                    name != "..",
                "hdf5: result name '{}' must be non-empty, without '/', and not start with '{}'", name, kTmpPrefix);
}

template <class T>
void append_matrix(const std::string& path, const std::string& folder, const std::string& name, const DenseMatrix<T>& m,
                   const h5::Attributes& attrs, const Hdf5AppendOptions& opt) {
  check_result_name(name);
  check_matrix_arg(m, -1, folder + "/" + name);
  const std::string target = folder + "/" + name;
  File f = File::open(path, File::Mode::read_write);
  if (auto nn = attr_int(f, "num_nodes"); nn && *nn != m.rows)
    throw IoError(path, fmt::format("has {} rows but the graph has {} nodes", m.rows, *nn), 0, target);
  if (f.exists(target) && !opt.overwrite)
    throw IoError(path, "already exists (pass overwrite to replace it)", 0, target);
  Group g = f.require_group(folder);
  for (const auto& c : g.children())  // left by a killed writer: never linked in, safe to drop
    if (starts_with(c, kTmpPrefix)) g.remove(c);
  const std::string tmp = folder + "/" + kTmpPrefix + name + "-" + std::to_string(::getpid());
  Writer w{{opt.compression, opt.chunk_bytes, true, true}, {opt.block_bytes, opt.parallel_filters, opt.after_block, {}}};
  h5::publish_object(f, tmp, target, [&] {
    Dataset d = w.matrix(f, tmp, m);
    d.write_attrs(attrs);
  });
  g = Group();
  f.close();
}

std::string format_attr(const h5::AttrValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>)
          return "\"" + x + "\"";
        else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>)
          return fmt::format("{}", x);
        else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string s = "[";
          for (std::size_t i = 0; i < x.size() && i < 8; ++i) s += (i ? ", \"" : "\"") + x[i] + "\"";
          return s + (x.size() > 8 ? fmt::format(", ... ({} values)]", x.size()) : "]");
        } else {
          std::string s = "[";
          for (std::size_t i = 0; i < x.size() && i < 8; ++i) s += (i ? ", " : "") + fmt::format("{}", x[i]);
          return s + (x.size() > 8 ? fmt::format(", ... ({} values)]", x.size()) : "]");
        }
      },
      v);
}

void list_rec(const Location& loc, const std::string& base, std::vector<Hdf5Entry>& out) {
  for (const auto& name : loc.children()) {
    if (starts_with(name, kTmpPrefix)) continue;
    const std::string p = base == "/" ? "/" + name : base + "/" + name;
    const H5O_type_t t = loc.object_type(name);
    Hdf5Entry e;
    e.path = p;
    if (t == H5O_TYPE_GROUP) {
      Group g = loc.open_group(name);
      e.is_group = true;
      e.attributes = g.read_attrs();
      out.push_back(std::move(e));
      list_rec(g, p, out);
    } else if (t == H5O_TYPE_DATASET) {
      Dataset d = loc.open_dataset(name);
      for (hsize_t x : d.dims()) e.dims.push_back(x);
      e.type = d.type().describe();
      e.filters = d.filters();
      e.stored_bytes = d.storage_bytes();
      e.attributes = d.read_attrs();
      out.push_back(std::move(e));
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- public

Hdf5Path split_hdf5_path(std::string_view spec) {
  static constexpr std::string_view exts[] = {".h5", ".hdf5", ".he5", ".h5ad", ".hdf"};
  for (std::size_t pos = spec.find(":/"); pos != std::string_view::npos; pos = spec.find(":/", pos + 1)) {
    const std::string_view file = spec.substr(0, pos);
    for (auto e : exts)
      if (file.size() > e.size() && file.substr(file.size() - e.size()) == e)
        return {std::string(file), std::string(spec.substr(pos + 1))};
  }
  return {std::string(spec), ""};
}

bool is_hdf5_path(std::string_view spec) {
  const std::string file = split_hdf5_path(spec).file;
  for (std::string_view e : {".h5", ".hdf5", ".he5", ".h5ad", ".hdf"})
    if (file.size() > e.size() && std::string_view(file).substr(file.size() - e.size()) == e) return true;
  return false;
}

static Hdf5Graph read_hdf5_impl(const std::string& spec, const Hdf5ReadOptions& opt);

Hdf5Graph read_hdf5(const std::string& spec, const Hdf5ReadOptions& opt) {
  // Whatever a malformed file provokes below the checks becomes an IoError naming the file.
  try {
    return read_hdf5_impl(spec, opt);
  } catch (const IoError&) {
    throw;
  } catch (const Cancelled&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw IoError(split_hdf5_path(spec).file, "out of memory while reading (corrupt sizes?)");
  } catch (const std::length_error& e) {
    throw IoError(split_hdf5_path(spec).file, std::string("impossible size while reading: ") + e.what());
  } catch (const InvalidArgument& e) {
    throw IoError(split_hdf5_path(spec).file, e.what());
  }
}

static Hdf5Graph read_hdf5_impl(const std::string& spec, const Hdf5ReadOptions& opt) {
  const Hdf5Path p = split_hdf5_path(spec);
  std::vector<std::string> notes;
  Ctx c{p.file, opt, {opt.block_bytes, opt.parallel_filters, {}, {}}, notes};
  File f = File::open(p.file);
  std::string group = !p.group.empty() ? p.group : opt.group;
  const bool sprig_file = attr_string(f, "format").value_or("") == kFormat;
  Hdf5Graph r;
  if (group.empty()) {
    if (sprig_file)
      group = "/graph";
    else
      for (const char* g : {"/obsp/connectivities", "/obsp/distances", "/"})
        if (has_csr(f, g)) {
          group = g;
          break;
        }
    if (group.empty())
      f.where().fail(
          "no graph found: not a sprig-graph file (root attribute format) and no CSR group (indptr, indices) at "
          "/obsp/connectivities, /obsp/distances or /");
  }
  if (f.object_type(group) != H5O_TYPE_GROUP)
    throw IoError(p.file, f.exists(group) ? "is not a group" : "missing group", 0, group);
  const std::string gs = group == "/" ? "" : group;
  if (f.exists(gs + "/offsets") || f.exists(gs + "/targets"))
    r = read_sprig(f, group, c);
  else if (f.exists(gs + "/indptr") || f.exists(gs + "/indices"))
    r = read_csr_group(f, group, c);
  else
    throw IoError(p.file, "has neither offsets/targets (sprig-graph) nor indptr/indices (CSR) datasets", 0, group);
  r.notes = std::move(notes);
  return r;
}

void write_hdf5(const std::string& path, const Graph& g, const GraphData& data, const Hdf5WriteOptions& opt) {
  const std::int64_t n = g.num_nodes();
  const auto m = static_cast<std::size_t>(g.num_arcs());
  const NodeData& nd = data.nodes;
  SPRIG_EXPECTS(opt.compression >= 0 && opt.compression <= 9, "write_hdf5: compression must be in 0..9 (got {})",
                opt.compression);
  SPRIG_EXPECTS(data.edge_time.empty() || data.edge_time.size() == m, "write_hdf5: {} edge times for {} arcs",
                data.edge_time.size(), m);
  if (!nd.features.empty()) check_matrix_arg(nd.features, n, "features");
  SPRIG_EXPECTS(nd.labels.empty() || nd.labels.size() == static_cast<std::size_t>(n),
                "write_hdf5: {} labels for {} nodes", nd.labels.size(), n);
  SPRIG_EXPECTS(nd.names.empty() || nd.names.size() == static_cast<std::size_t>(n), "write_hdf5: {} names for {} nodes",
                nd.names.size(), n);
  check_ids_arg(nd.split.train, n, "split.train");
  check_ids_arg(nd.split.valid, n, "split.valid");
  check_ids_arg(nd.split.test, n, "split.test");
  for (const LinkPairs* lp : {&data.links.train, &data.links.valid, &data.links.test}) {
    SPRIG_EXPECTS(lp->pos.size() % 2 == 0 && lp->neg.size() % 2 == 0, "write_hdf5: link pairs need an even length");
    check_ids_arg(lp->pos, n, "links.pos");
    check_ids_arg(lp->neg, n, "links.neg");
  }
  for (const auto& e : data.embeddings) {
    check_result_name(e.name);
    check_matrix_arg(e.matrix, n, "embedding " + e.name);
  }
  for (const auto& e : data.orbits) {
    check_result_name(e.name);
    check_matrix_arg(e.matrix, n, "orbits " + e.name);
  }

  TempFile tmp(path);
  {
    File f = File::create(tmp.temp());
    Writer w{{opt.compression, opt.chunk_bytes, opt.chunked || opt.compression > 0, true},
             {opt.block_bytes, opt.parallel_filters, opt.after_block, {}}};
    f.write_attrs({{"format", std::string(kFormat)},
                   {"format_version", kFormatVersion},
                   {"name", data.name},
                   {"directed", std::int64_t{g.directed()}},
                   {"weighted", std::int64_t{g.weighted()}},
                   {"num_nodes", n},
                   {"num_edges", g.num_edges()},
                   {"num_arcs", g.num_arcs()},
                   {"created_by", opt.created_by}});
    {
      Group gr = f.create_group("/graph");
      gr.write_attr("directed", std::int64_t{g.directed()});
      w.vec<edge_t>(gr, "offsets", g.offsets());
      w.vec<node_t>(gr, "targets", g.targets());
      if (g.weighted()) w.vec<float>(gr, "weights", g.weights());
      if (!data.edge_time.empty()) w.vec<std::int64_t>(gr, "edge_time", data.edge_time);
    }
    if (!nd.features.empty()) w.matrix(f, "/nodes/features", nd.features);
    if (!nd.labels.empty()) {
      Dataset d = w.vec<std::int32_t>(f, "/nodes/labels", nd.labels);
      if (!nd.classes.empty()) d.write_attr("classes", nd.classes);
    }
    if (!nd.names.empty()) h5::write_strings(f, "/nodes/names", nd.names, w.create);
    if (!nd.split.empty()) {
      Group s = f.create_group("/nodes/split");
      s.write_attr("kind", std::string("indices"));
      w.vec<node_t>(s, "train", nd.split.train);
      w.vec<node_t>(s, "valid", nd.split.valid);
      w.vec<node_t>(s, "test", nd.split.test);
    }
    if (!data.links.empty()) {
      Group l = f.create_group("/splits/links");
      l.write_attrs(data.links.attributes);
      l.write_attr("seed", static_cast<std::int64_t>(data.links.seed));
      l.write_attr("method", data.links.method);
      for (auto [name, part] : {std::pair<const char*, const LinkPairs*>{"train", &data.links.train},
                                {"valid", &data.links.valid},
                                {"test", &data.links.test}}) {
        Group p = l.create_group(name);
        w.pairs(p, "pos", part->pos);
        w.pairs(p, "neg", part->neg);
      }
    }
    for (const auto& e : data.embeddings) w.matrix(f, "/embeddings/" + e.name, e.matrix).write_attrs(e.attributes);
    for (const auto& e : data.orbits) w.matrix(f, "/orbits/" + e.name, e.matrix).write_attrs(e.attributes);
    if (!opt.anndata_group.empty()) {
      const std::string& ag = opt.anndata_group;
      Group a = f.create_group(ag);
      a.write_attrs({{"encoding-type", std::string("csr_matrix")},
                     {"encoding-version", std::string("0.1.0")},
                     {"shape", std::vector<std::int64_t>{n, n}}});
      f.link("/graph/offsets", ag + "/indptr");
      f.link("/graph/targets", ag + "/indices");
      if (g.weighted()) {
        f.link("/graph/weights", ag + "/data");
      } else {
        const std::vector<float> ones(m, 1.0f);
        w.vec<float>(a, "data", ones);
      }
    }
    f.close();
  }
  tmp.commit();
}

void append_embedding(const std::string& path, const std::string& name, const FloatMatrix& matrix,
                      const h5::Attributes& attributes, const Hdf5AppendOptions& opt) {
  append_matrix(path, "/embeddings", name, matrix, attributes, opt);
}

void append_orbits(const std::string& path, const std::string& name, const DenseMatrix<std::int64_t>& counts,
                   const h5::Attributes& attributes, const Hdf5AppendOptions& opt) {
  append_matrix(path, "/orbits", name, counts, attributes, opt);
}

namespace {
template <class T>
void append_node_matrix(const std::string& path, const std::string& name, const DenseMatrix<T>& values,
                        const h5::Attributes& attributes, const Hdf5AppendOptions& opt) {
  SPRIG_EXPECTS(name != "features" && name != "labels" && name != "classes" && name != "names",
                "append_node_values: /nodes/{} is graph data read by read_hdf5, not a result name", name);
  append_matrix(path, "/nodes", name, values, attributes, opt);
}
}  // namespace

void append_node_values(const std::string& path, const std::string& name, const DenseMatrix<double>& values,
                        const h5::Attributes& attributes, const Hdf5AppendOptions& opt) {
  append_node_matrix(path, name, values, attributes, opt);
}

void append_node_values(const std::string& path, const std::string& name, const DenseMatrix<std::int64_t>& values,
                        const h5::Attributes& attributes, const Hdf5AppendOptions& opt) {
  append_node_matrix(path, name, values, attributes, opt);
}

std::vector<Hdf5Entry> list_hdf5(const std::string& path) {
  File f = File::open(path);
  std::vector<Hdf5Entry> out;
  Hdf5Entry root;
  root.path = "/";
  root.is_group = true;
  root.attributes = f.read_attrs();
  out.push_back(std::move(root));
  list_rec(f, "/", out);
  return out;
}

std::string describe_hdf5(const std::string& path) {
  std::string s;
  for (const auto& e : list_hdf5(path)) {
    const auto depth = std::count(e.path.begin(), e.path.end(), '/') - (e.path == "/" ? 1 : 0);
    const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
    if (e.is_group) {
      s += indent + e.path + (e.path == "/" ? "" : "/") + "\n";
    } else {
      s += fmt::format("{}{}  {}[{}]", indent, e.path, e.type, fmt::join(e.dims, " x "));
      if (!e.filters.empty()) s += fmt::format("  {}", fmt::join(e.filters, "+"));
      s += fmt::format("  {} bytes stored\n", e.stored_bytes);
    }
    for (const auto& [k, v] : e.attributes) s += fmt::format("{}  @{} = {}\n", indent, k, format_attr(v));
  }
  return s;
}

}  // namespace sprig
