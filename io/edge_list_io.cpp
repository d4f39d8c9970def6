#include <sprig/io/edge_list_io.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/hdf5_graph.hpp>
#include <sprig/io/matrix_market.hpp>
#include <sprig/io/text_source.hpp>

namespace sprig {

namespace detail {

namespace {

inline bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

constexpr std::int64_t kMaxId = std::numeric_limits<node_t>::max() - 1;  // n must fit in node_t

// Edges and bookkeeping of one chunk of text.
struct ChunkOut {
  std::vector<node_t> src, dst;
  std::vector<float> w;
  std::vector<std::int64_t> t;
  std::int64_t lines = 0;
  std::int64_t max_id = -1;
  std::int64_t err_line = 0;  // 1-based within the chunk
  std::string err;
};

// Integer ids: from_chars, then the range rules.
struct IntIds {
  const ScanConfig& cfg;
  bool operator()(std::string_view f, const char* what, std::int64_t& id, std::string& err) const {
    std::int64_t v = 0;
    const char* b = f.data();
    const char* e = b + f.size();
    if (*b == '+') ++b;
    const auto [ptr, ec] = std::from_chars(b, e, v);
    if (ec == std::errc::result_out_of_range) {
      err = fmt::format("{} id '{}' exceeds the 32-bit id range", what, f);
      return false;
    }
    if (ec != std::errc() || ptr != e || b == e) {
      err = cfg.matrix_market ? fmt::format("{} index '{}' is not an integer", what, f)
                              : fmt::format("{} '{}' is not an integer node id (ids = tokens reads names)", what, f);
      return false;
    }
    v -= cfg.index_base;
    if (v < 0) {
      err = cfg.matrix_market ? fmt::format("{} index {} is below 1 (Matrix Market indices are 1-based)", what, f)
                              : fmt::format("negative node id {} ({})", f, what);
      return false;
    }
    if (cfg.limit >= 0 && v >= cfg.limit) {
      err = cfg.matrix_market ? fmt::format("{} index {} > {} (the size line)", what, f, cfg.limit)
                              : fmt::format("node id {} >= n = {} (the declared node count)", v, cfg.limit);
      return false;
    }
    if (v > kMaxId) {
      err = fmt::format("{} id {} exceeds the 32-bit id range", what, f);
      return false;
    }
    id = v;
    return true;
  }
};

// Names of token ids: an open-addressing table of ids over one character arena,
// so ten million names cost three arrays, not ten million allocations.
class NameTable {
 public:
  NameTable() : slots_(std::size_t{1} << 12, 0) {}
  std::size_t size() const noexcept { return offs_.size() - 1; }
  std::string_view name(std::size_t i) const noexcept {
    return std::string_view(arena_).substr(offs_[i], offs_[i + 1] - offs_[i]);
  }
  /// The id of `s`, or -1 when absent; `slot` receives where it would go.
  std::int64_t find(std::string_view s, std::uint64_t h, std::size_t& slot) const noexcept {
    // A slot holds (id + 1) in its low 32 bits and the hash's high 32 bits above them,
    // so a probe touches the characters only when the hashes agree.
    const std::uint64_t tag = h & 0xffffffff00000000ull;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint64_t e = slots_[i];
      if (e == 0) {
        slot = i;
        return -1;
      }
      const auto id = static_cast<std::int64_t>(e & 0xffffffffu) - 1;
      if ((e & 0xffffffff00000000ull) == tag && name(static_cast<std::size_t>(id)) == s) return id;
    }
  }
  std::int64_t insert(std::string_view s, std::uint64_t h, std::size_t slot) {
    const std::size_t id = size();
    arena_.append(s);
    offs_.push_back(arena_.size());
    slots_[slot] = (h & 0xffffffff00000000ull) | (id + 1);
    if (2 * size() > slots_.size()) grow();
    return static_cast<std::int64_t>(id);
  }

 private:
  void grow() {
    // The low bits of the hash are not stored: rehash the names (rare: log2(n) times).
    std::vector<std::uint64_t> bigger(slots_.size() * 2, 0);
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t id = 0; id < size(); ++id) {
      const std::uint64_t h = std::hash<std::string_view>{}(name(id));
      std::size_t i = h & mask;
      while (bigger[i] != 0) i = (i + 1) & mask;
      bigger[i] = (h & 0xffffffff00000000ull) | (id + 1);
    }
    slots_.swap(bigger);
  }
  std::vector<std::uint64_t> slots_;
  std::string arena_;
  std::vector<std::size_t> offs_{0};
};

// Token ids: first appearance gives the next dense id.
struct TokenIds {
  const ScanConfig& cfg;
  NameTable& table;
  bool operator()(std::string_view f, const char*, std::int64_t& id, std::string& err) const {
    const std::uint64_t h = std::hash<std::string_view>{}(f);
    std::size_t slot = 0;
    id = table.find(f, h, slot);
    if (id >= 0) return true;
    const auto next = static_cast<std::int64_t>(table.size());
    if ((cfg.limit >= 0 && next >= cfg.limit) || next > kMaxId) {
      err = fmt::format("node '{}' is name number {} but n = {} (the declared node count)", f, next + 1,
                        cfg.limit >= 0 ? cfg.limit : kMaxId + 1);
      return false;
    }
    id = table.insert(f, h, slot);
    return true;
  }
};

bool parse_weight(std::string_view f, const ScanConfig& cfg, float& w, std::string& err) {
  const char* b = f.data();
  const char* e = b + f.size();
  if (*b == '+' && e - b > 1) ++b;
  if (cfg.integer_weights) {
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || ptr != e) {
      err = fmt::format("value '{}' is not an integer (the field is \"integer\")", f);
      return false;
    }
    w = static_cast<float>(v);
    return true;
  }
  const auto [ptr, ec] = std::from_chars(b, e, w);
  if (ec == std::errc::result_out_of_range) {
    err = fmt::format("weight '{}' is outside the float range", f);
    return false;
  }
  if (ec != std::errc() || ptr != e) {
    err = fmt::format("weight '{}' is not a number", f);
    return false;
  }
  if (!std::isfinite(w)) {
    err = fmt::format("weight '{}' is not finite (NaN and infinity are not allowed)", f);
    return false;
  }
  return true;
}

bool parse_time(std::string_view f, std::int64_t& t, std::string& err) {
  const char* b = f.data();
  const char* e = b + f.size();
  const auto [ptr, ec] = std::from_chars(b, e, t);
  if (ec != std::errc() || ptr != e) {
    err = fmt::format("time '{}' is not an integer", f);
    return false;
  }
  return true;
}

std::string column_count_error(int k, const ScanConfig& cfg) {
  if (k < 0) return "empty column (two separators in a row, or a separator at the end of the line)";
  return fmt::format("{} column: found {} column{} where {} were expected ({}); column counts must be consistent",
                     k < cfg.columns ? "missing" : "extra", k, k == 1 ? "" : "s", cfg.columns, cfg.columns_rule);
}

inline bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

// The common line "digits sep digits [sep value [sep int]]" parsed in one pass.
// Returns the start of the next line, or nullptr to send the line to the
// general path (comments, blank lines, unusual spellings, and every error, so
// that messages come from one place and both paths accept the same lines).
inline const char* fast_line(const char* p, const char* end, const ScanConfig& cfg, std::int64_t& u,
                             std::int64_t& v, float& w, std::int64_t& t) noexcept {
  auto id = [&](std::int64_t& out) {
    const char* s = p;
    std::uint64_t x = 0;
    while (p < end && static_cast<unsigned>(*p - '0') < 10u) x = x * 10 + static_cast<unsigned>(*p++ - '0');
    if (p == s || p - s > 12) return false;
    const std::int64_t k = static_cast<std::int64_t>(x) - cfg.index_base;
    if (k < 0 || k > kMaxId || (cfg.limit >= 0 && k >= cfg.limit)) return false;
    out = k;
    return true;
  };
  auto sep = [&] {  // blanks, or a comma with optional blanks around it; then a field must follow
    const char* s = p;
    while (p < end && is_space(*p)) ++p;
    if (p < end && *p == ',') {
      ++p;
      while (p < end && is_space(*p)) ++p;
    }
    return p != s && p < end && *p != '\n' && *p != '\r' && *p != ',';
  };
  while (p < end && is_space(*p)) ++p;
  if (!id(u) || !sep() || !id(v)) return nullptr;
  for (int c = 2; c < cfg.columns; ++c) {
    if (!sep()) return nullptr;
    const char* s = p;
    while (p < end && !is_space(*p) && *p != ',' && *p != '\r' && *p != '\n') ++p;
    if (c == cfg.weight_col) {
      if (cfg.integer_weights) {
        std::int64_t x = 0;
        const auto r = std::from_chars(s, p, x);
        if (r.ec != std::errc() || r.ptr != p) return nullptr;
        w = static_cast<float>(x);
      } else {
        const auto r = std::from_chars(s, p, w);
        if (r.ec != std::errc() || r.ptr != p || !std::isfinite(w)) return nullptr;
      }
    } else if (c == cfg.time_col) {
      const auto r = std::from_chars(s, p, t);
      if (r.ec != std::errc() || r.ptr != p) return nullptr;
    }
  }
  while (p < end && (is_space(*p) || *p == '\r')) ++p;
  if (p == end) return p;
  return *p == '\n' ? p + 1 : nullptr;
}

// Parses the lines of [p, end); stops at the first bad line (o.err set).
template <class Ids>
void scan_range(const char* p, const char* end, const ScanConfig& cfg, const Ids& ids, ChunkOut& o) {
  constexpr int kMax = 8;
  constexpr bool kFast = std::is_same_v<Ids, IntIds>;
  std::string_view f[kMax];
  const bool mm = cfg.matrix_market;
  const char* what_src = mm ? "row" : "source";
  const char* what_dst = mm ? "column" : "target";
  const bool has_w = cfg.weight_col >= 0, has_t = cfg.time_col >= 0;
  // About one edge per 8 bytes of a 2-column list; fewer for longer lines.
  const auto guess = static_cast<std::size_t>(end - p) / static_cast<std::size_t>(4 * cfg.columns) + 16;
  o.src.reserve(guess);
  o.dst.reserve(guess);
  if (has_w) o.w.reserve(guess);
  if (has_t) o.t.reserve(guess);
  std::int64_t u = 0, v = 0, t = 0, max_id = o.max_id;
  float w = 0;
  auto push = [&] {
    o.src.push_back(static_cast<node_t>(u));
    o.dst.push_back(static_cast<node_t>(v));
    if (has_w) o.w.push_back(w);
    if (has_t) o.t.push_back(t);
    max_id = std::max(max_id, std::max(u, v));
  };
  while (p < end) {
    if constexpr (kFast) {
      if (const char* next = fast_line(p, end, cfg, u, v, w, t)) {
        ++o.lines;
        p = next;
        push();
        continue;
      }
    }
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* le = nl ? nl : end;
    ++o.lines;
    const int k = split_fields(std::string_view(p, static_cast<std::size_t>(le - p)), f, kMax);
    p = nl ? nl + 1 : end;
    if (k == 0) continue;
    if (k != cfg.columns) {
      o.err = column_count_error(k, cfg);
      o.err_line = o.lines;
      break;
    }
    if (!ids(f[0], what_src, u, o.err) || !ids(f[1], what_dst, v, o.err) ||
        (has_w && !parse_weight(f[cfg.weight_col], cfg, w, o.err)) ||
        (has_t && !parse_time(f[cfg.time_col], t, o.err))) {
      o.err_line = o.lines;
      break;
    }
    push();
  }
  o.max_id = max_id;
}

template <class T>
void append(std::vector<T>& dst, std::vector<T>&& src) {
  if (dst.empty())
    dst = std::move(src);
  else
    dst.insert(dst.end(), src.begin(), src.end());
}

}  // namespace

int split_fields(std::string_view line, std::string_view* fields, int max) noexcept {
  const char* p = line.data();
  const char* e = p + line.size();
  while (p < e && is_blank(*p)) ++p;
  if (p == e || *p == '#' || *p == '%') return 0;
  while (e > p && is_blank(e[-1])) --e;
  int k = 0;
  for (;;) {
    const char* s = p;
    while (p < e && !is_blank(*p) && *p != ',') ++p;
    if (p == s) return -1;  // ",," or a leading ','
    if (k < max) fields[k] = std::string_view(s, static_cast<std::size_t>(p - s));
    ++k;
    while (p < e && is_blank(*p)) ++p;
    if (p == e) return k;
    if (*p == ',') {
      ++p;
      while (p < e && is_blank(*p)) ++p;
      if (p == e) return -1;  // trailing ','
    }
  }
}

struct EdgeScanner::Impl {
  NameTable names;
};

std::int64_t EdgeScanner::num_names() const noexcept { return static_cast<std::int64_t>(impl_->names.size()); }

std::vector<std::string> EdgeScanner::take_names() {
  std::vector<std::string> out;
  out.reserve(impl_->names.size());
  for (std::size_t i = 0; i < impl_->names.size(); ++i) out.emplace_back(impl_->names.name(i));
  impl_->names = NameTable();
  return out;
}

EdgeScanner::EdgeScanner(ScanConfig cfg) : cfg_(std::move(cfg)), impl_(std::make_shared<Impl>()) {
  if (cfg_.chunk_bytes < 1) cfg_.chunk_bytes = 1;
}

void EdgeScanner::feed_tokens(std::string_view text) {
  ChunkOut o;
  scan_range(text.data(), text.data() + text.size(), cfg_, TokenIds{cfg_, impl_->names}, o);
  if (!o.err.empty()) throw IoError(cfg_.source, o.err, line_ + o.err_line);
  line_ += o.lines;
  max_id = std::max(max_id, o.max_id);
  append(src, std::move(o.src));
  append(dst, std::move(o.dst));
  append(weight, std::move(o.w));
  append(time, std::move(o.t));
}

void EdgeScanner::feed(std::string_view text) {
  if (text.empty()) return;
  if (cfg_.tokens) return feed_tokens(text);
  // Fixed chunks cut after the first '\n' at or beyond chunk_bytes: they depend on the
  // text only, so results and the first error reported do not depend on the thread count.
  std::vector<std::size_t> cuts{0};
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t next = pos + cfg_.chunk_bytes;
    if (next >= text.size()) {
      next = text.size();
    } else {
      const void* nl = std::memchr(text.data() + next - 1, '\n', text.size() - (next - 1));
      next = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1 : text.size();
    }
    cuts.push_back(next);
    pos = next;
  }
  const std::size_t chunks = cuts.size() - 1;
  std::vector<ChunkOut> outs(chunks);
  const IntIds ids{cfg_};
  auto run = [&](std::size_t c) { scan_range(text.data() + cuts[c], text.data() + cuts[c + 1], cfg_, ids, outs[c]); };
  if (chunks == 1)
    run(0);
  else
    parallel_for(std::size_t{0}, chunks, run, 1);
  // The first bad line in text order wins.
  std::int64_t base = line_;
  for (const ChunkOut& o : outs) {
    if (!o.err.empty()) throw IoError(cfg_.source, o.err, base + o.err_line);
    base += o.lines;
  }
  line_ = base;
  if (chunks == 1) {
    max_id = std::max(max_id, outs[0].max_id);
    append(src, std::move(outs[0].src));
    append(dst, std::move(outs[0].dst));
    append(weight, std::move(outs[0].w));
    append(time, std::move(outs[0].t));
    return;
  }
  // Concatenate in chunk order, copying in parallel.
  std::vector<std::size_t> at(chunks + 1, src.size());
  for (std::size_t c = 0; c < chunks; ++c) {
    at[c + 1] = at[c] + outs[c].src.size();
    max_id = std::max(max_id, outs[c].max_id);
  }
  const bool w = cfg_.weight_col >= 0, t = cfg_.time_col >= 0;
  src.resize(at[chunks]);
  dst.resize(at[chunks]);
  if (w) weight.resize(at[chunks]);
  if (t) time.resize(at[chunks]);
  parallel_for(
      std::size_t{0}, chunks,
      [&](std::size_t c) {
        ChunkOut& o = outs[c];
        std::copy(o.src.begin(), o.src.end(), src.begin() + static_cast<std::ptrdiff_t>(at[c]));
        std::copy(o.dst.begin(), o.dst.end(), dst.begin() + static_cast<std::ptrdiff_t>(at[c]));
        if (w) std::copy(o.w.begin(), o.w.end(), weight.begin() + static_cast<std::ptrdiff_t>(at[c]));
        if (t) std::copy(o.t.begin(), o.t.end(), time.begin() + static_cast<std::ptrdiff_t>(at[c]));
        o = ChunkOut{};  // free the chunk early
      },
      1);
}

char* format_float(char* out, float w) noexcept {
  return std::to_chars(out, out + 32, w).ptr;
}

}  // namespace detail

// ---------------------------------------------------------------------------

namespace {

struct Header {
  std::string name;
  bool directed = false;
  std::int64_t n = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool consume(std::string_view& s, std::string_view word) {
  if (s.substr(0, word.size()) != word) return false;
  s.remove_prefix(word.size());
  return true;
}

// "# NAME: directed|undirected, N nodes[, M edges …]"
std::optional<Header> parse_header(std::string_view line) {
  line = trim(line);
  if (!consume(line, "#")) return std::nullopt;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  Header h;
  h.name = std::string(trim(line.substr(0, colon)));
  std::string_view rest = trim(line.substr(colon + 1));
  if (consume(rest, "directed"))
    h.directed = true;
  else if (consume(rest, "undirected"))
    h.directed = false;
  else
    return std::nullopt;
  rest = trim(rest);
  if (!consume(rest, ",")) return std::nullopt;
  rest = trim(rest);
  const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), h.n);
  if (ec != std::errc() || h.n < 0) return std::nullopt;
  rest = trim(rest.substr(static_cast<std::size_t>(ptr - rest.data())));
  if (!consume(rest, "node")) return std::nullopt;
  return h;
}

// "# columns: source target weight time" → the names.
std::optional<std::vector<std::string>> parse_columns(std::string_view line) {
  line = trim(line);
  if (!consume(line, "#")) return std::nullopt;
  line = trim(line);
  if (!consume(line, "columns:")) return std::nullopt;
  std::vector<std::string> names;
  std::string_view f[16];
  const int k = detail::split_fields(line, f, 16);
  for (int i = 0; i < std::min(k, 16); ++i) names.emplace_back(f[i]);
  if (names.size() < 2) return std::nullopt;
  return names;
}

int index_of(const std::vector<std::string>& names, std::initializer_list<std::string_view> wanted) {
  for (std::size_t i = 2; i < names.size(); ++i)
    for (std::string_view w : wanted)
      if (names[i] == w) return static_cast<int>(i);
  return -1;
}

// The edge-list reader: header and column lines by itself, data lines through the scanner.
class EdgeListReader {
 public:
  EdgeListReader(std::string source, const EdgeListReadOptions& opt) : source_(std::move(source)), opt_(opt) {
    if (opt.nodes)
      SPRIG_EXPECTS(*opt.nodes >= 0 && *opt.nodes <= detail::kMaxId + 1,
                    "read_edge_list: nodes = {} (must be in [0, 2^31 - 1])", *opt.nodes);
    for (const auto& c : {opt.weight_column, opt.time_column})
      SPRIG_EXPECTS(!c || *c == -1 || *c >= 2, "read_edge_list: weight/time column {} (must be -1 or >= 2)", *c);
    SPRIG_EXPECTS(
        !opt.weight_column || !opt.time_column || *opt.weight_column < 0 || *opt.weight_column != *opt.time_column,
        "read_edge_list: weight and time columns are both {}", *opt.weight_column);
  }

  void feed(std::string_view text) {
    if (!scanner_) {
      // Leading lines: the header (first non-blank line), "# columns:", comments, up to the first data line.
      while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view ln = text.substr(0, nl);
        std::string_view f[2];
        const int k = detail::split_fields(ln, f, 2);
        if (k != 0) {
          start_data(ln, line_ + 1);
          break;
        }
        const std::string_view t = trim(ln);
        if (!t.empty()) {
          if (!seen_first_) {
            seen_first_ = true;
            header_ = parse_header(t);
            if (header_ && header_->n > detail::kMaxId + 1)
              throw IoError(source_,
                            fmt::format("the header declares {} nodes, beyond the 32-bit id range", header_->n),
                            line_ + 1);
          }
          if (auto c = parse_columns(t)) columns_ = std::move(c);
        }
        ++line_;
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      }
      if (!scanner_) return;
      scanner_->skip_lines(line_);
    }
    scanner_->feed(text);
  }

  EdgeListFile finish() {
    EdgeListFile out;
    out.has_header = header_.has_value();
    out.name = header_ ? header_->name : file_stem(source_);
    EdgeList& e = out.edges;
    e.directed = opt_.directed ? *opt_.directed : (header_ ? header_->directed : false);
    const std::int64_t declared = declared_n();
    if (scanner_) {
      e.src = std::move(scanner_->src);
      e.dst = std::move(scanner_->dst);
      e.weight = std::move(scanner_->weight);
      e.time = std::move(scanner_->time);
      out.node_names = scanner_->take_names();
      const std::int64_t seen =
          opt_.ids == IdFormat::tokens ? static_cast<std::int64_t>(out.node_names.size()) : scanner_->max_id + 1;
      e.n = declared >= 0 ? declared : seen;
    } else {
      e.n = declared >= 0 ? declared : 0;
    }
    return out;
  }

 private:
  std::int64_t declared_n() const {
    if (opt_.nodes) return *opt_.nodes;
    if (header_) return header_->n;
    return -1;
  }

  void start_data(std::string_view ln, std::int64_t lineno) {
    std::string_view f[16];
    const int k = detail::split_fields(ln, f, 16);
    if (k < 0)
      throw IoError(source_, "empty column (two separators in a row, or a separator at the end of the line)", lineno);
    if (k < 2)
      throw IoError(source_, "missing column: found 1 column, but an edge needs a source and a target", lineno);
    int wc = 2, tc = 3;
    if (columns_) {
      wc = index_of(*columns_, {"weight", "w"});
      tc = index_of(*columns_, {"time", "timestamp", "t"});
    }
    if (opt_.weight_column) wc = *opt_.weight_column;
    if (opt_.time_column) tc = *opt_.time_column;
    if (wc >= 0 && wc == tc) tc = -1;  // an explicit weight column wins over the default time column
    const int meaningful = columns_ ? static_cast<int>(columns_->size()) : std::max({2, wc + 1, tc + 1});
    if (k > meaningful && !opt_.ignore_extra_columns)
      throw IoError(source_,
                    fmt::format("extra column: found {} columns, but only the first {} have a meaning ({}); set the "
                                "weight/time column options or ignore_extra_columns",
                                k, meaningful, describe(wc, tc, meaningful)),
                    lineno);
    if (opt_.weight_column && wc >= k)
      throw IoError(source_,
                    fmt::format("missing column: the weight column is {} but the line has {} columns", wc + 1, k),
                    lineno);
    if (opt_.time_column && tc >= k)
      throw IoError(
          source_, fmt::format("missing column: the time column is {} but the line has {} columns", tc + 1, k), lineno);
    detail::ScanConfig cfg;
    cfg.source = source_;
    cfg.limit = declared_n();
    cfg.columns = k;
    cfg.columns_rule = fmt::format("as on line {}, the first data line", lineno);
    cfg.weight_col = wc < k ? wc : -1;
    cfg.time_col = tc < k ? tc : -1;
    cfg.tokens = opt_.ids == IdFormat::tokens;
    cfg.chunk_bytes = opt_.chunk_bytes;
    scanner_.emplace(std::move(cfg));
  }

  static std::string describe(int wc, int tc, int meaningful) {
    std::string s = "source target";
    for (int i = 2; i < meaningful; ++i) s += i == wc ? " weight" : i == tc ? " time" : " (named)";
    return s;
  }

  std::string source_;
  const EdgeListReadOptions& opt_;
  std::int64_t line_ = 0;
  bool seen_first_ = false;
  std::optional<Header> header_;
  std::optional<std::vector<std::string>> columns_;
  std::optional<detail::EdgeScanner> scanner_;
};

// Validation of names written as ids.
void check_token(const std::string& name, std::size_t i) {
  SPRIG_EXPECTS(!name.empty(), "node name {} is empty", i);
  SPRIG_EXPECTS(name.front() != '#' && name.front() != '%', "node name {} ('{}') starts with a comment character", i,
                name);
  for (char c : name)
    SPRIG_EXPECTS(!(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '\v' || c == '\f'),
                  "node name {} ('{}') holds a blank or a comma", i, name);
}

void check_write_options(const EdgeListWriteOptions& opt, std::int64_t n) {
  SPRIG_EXPECTS(opt.separator == ' ' || opt.separator == '\t' || opt.separator == ',',
                "write_edge_list: separator must be ' ', '\\t' or ',' (got '{}')", opt.separator);
  SPRIG_EXPECTS(opt.level >= 0 && opt.level <= 9, "write_edge_list: level must be in [0, 9] (got {})", opt.level);
  if (opt.node_names) {
    SPRIG_EXPECTS(static_cast<std::int64_t>(opt.node_names->size()) == n, "write_edge_list: {} node names for {} nodes",
                  opt.node_names->size(), n);
    for (std::size_t i = 0; i < opt.node_names->size(); ++i) check_token((*opt.node_names)[i], i);
  }
  for (char c : opt.name)
    SPRIG_EXPECTS(c != '\n' && c != '\r' && c != ':', "write_edge_list: name '{}' holds ':' or a line break", opt.name);
}

std::string header_name(const std::string& path, const EdgeListWriteOptions& opt) {
  std::string name = opt.name.empty() ? file_stem(path) : opt.name;
  for (char& c : name)
    if (c == ':' || c == '\n' || c == '\r') c = '_';
  return name;
}

// Writes "u<sep>v" (ids or names) into the writer.
class LineWriter {
 public:
  LineWriter(TextWriter& w, const EdgeListWriteOptions& opt) : w_(w), sep_(opt.separator), names_(opt.node_names) {}
  void edge(node_t u, node_t v, const float* wt, const std::int64_t* t) {
    if (names_) {
      w_.write((*names_)[static_cast<std::size_t>(u)]);
      w_.put(sep_);
      w_.write((*names_)[static_cast<std::size_t>(v)]);
      char* p = w_.reserve(80);
      char* s = tail(p, wt, t);
      w_.commit(static_cast<std::size_t>(s - p));
      return;
    }
    char* p = w_.reserve(128);
    char* s = std::to_chars(p, p + 16, u).ptr;
    *s++ = sep_;
    s = std::to_chars(s, s + 16, v).ptr;
    s = tail(s, wt, t);
    w_.commit(static_cast<std::size_t>(s - p));
  }

 private:
  char* tail(char* s, const float* wt, const std::int64_t* t) const {
    if (wt) {
      *s++ = sep_;
      s = detail::format_float(s, *wt);
    }
    if (t) {
      *s++ = sep_;
      s = std::to_chars(s, s + 24, *t).ptr;
    }
    *s++ = '\n';
    return s;
  }
  TextWriter& w_;
  char sep_;
  const std::vector<std::string>* names_;
};

}  // namespace

std::string file_stem(std::string_view path) {
  const auto slash = path.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (has_gz_extension(base)) base.remove_suffix(3);
  const auto dot = base.find('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return std::string(base);
}

bool is_matrix_market_path(std::string_view path) noexcept {
  if (has_gz_extension(path)) path.remove_suffix(3);
  return path.size() >= 4 && path.substr(path.size() - 4) == ".mtx";
}

EdgeListFile parse_edge_list(std::string_view text, const EdgeListReadOptions& opt, std::string_view source_name) {
  EdgeListReader reader{std::string(source_name), opt};
  feed_text_blocks(text, opt.block_bytes, opt.progress, reader);
  return reader.finish();
}

EdgeListFile read_edge_list(const std::string& path, const EdgeListReadOptions& opt) {
  EdgeListReader reader{path, opt};
  feed_file_blocks(path, opt.block_bytes, opt.progress, reader);
  return reader.finish();
}

void write_edge_list(const std::string& path, const Graph& g, const EdgeListWriteOptions& opt) {
  const std::int64_t n = g.num_nodes();
  check_write_options(opt, n);
  const auto offsets = g.offsets();
  const auto targets = g.targets();
  const auto weights = g.weights();
  const bool weighted = g.weighted();
  const bool directed = g.directed();
  write_text_atomically(
      path,
      [&](TextWriter& w) {
        if (opt.header) {
          w.write(fmt::format("# {}: {}, {} nodes, {} edges\n", header_name(path, opt),
                              directed ? "directed" : "undirected", n, g.num_edges()));
          w.write(weighted ? "# columns: source target weight\n" : "# columns: source target\n");
        }
        LineWriter lw(w, opt);
        const std::int64_t step = std::max<std::int64_t>(std::int64_t{1} << 16, n / 200 + 1);
        for (std::int64_t u = 0; u < n; ++u) {
          for (edge_t e = offsets[u]; e < offsets[u + 1]; ++e) {
            const node_t v = targets[e];
            if (!directed && v < u) continue;  // each undirected edge once, as u <= v
            lw.edge(static_cast<node_t>(u), v, weighted ? &weights[e] : nullptr, nullptr);
          }
          if ((u + 1) % step == 0) report(opt.progress, "write", static_cast<std::uint64_t>(u + 1), n);
        }
        report(opt.progress, "write", n, n);
      },
      opt.compression, opt.level);
}

void write_edge_list(const std::string& path, const EdgeList& edges, const EdgeListWriteOptions& opt) {
  edges.validate();
  check_write_options(opt, edges.n);
  const std::size_t m = edges.size();
  write_text_atomically(
      path,
      [&](TextWriter& w) {
        if (opt.header) {
          w.write(fmt::format("# {}: {}, {} nodes, {} edges\n", header_name(path, opt),
                              edges.directed ? "directed" : "undirected", edges.n, m));
          w.write(fmt::format("# columns: source target{}{}\n", edges.weighted() ? " weight" : "",
                              edges.timed() ? " time" : ""));
        }
        LineWriter lw(w, opt);
        const std::size_t step = std::max<std::size_t>(std::size_t{1} << 20, m / 200 + 1);
        for (std::size_t i = 0; i < m; ++i) {
          lw.edge(edges.src[i], edges.dst[i], edges.weighted() ? &edges.weight[i] : nullptr,
                  edges.timed() ? &edges.time[i] : nullptr);
          if ((i + 1) % step == 0) report(opt.progress, "write", i + 1, m);
        }
        report(opt.progress, "write", m, m);
      },
      opt.compression, opt.level);
}

void write_node_names(const std::string& path, const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) check_token(names[i], i);
  write_text_atomically(path, [&](TextWriter& w) {
    w.write("# columns: id name\n");
    char buf[24];
    for (std::size_t i = 0; i < names.size(); ++i) {
      w.write(std::string_view(buf, static_cast<std::size_t>(std::to_chars(buf, buf + 24, i).ptr - buf)));
      w.put(' ');
      w.write(names[i]);
      w.put('\n');
    }
  });
}

std::vector<std::string> read_node_names(const std::string& path) {
  const std::string text = read_text_file(path);
  std::vector<std::string> names;
  std::vector<bool> seen;
  std::string_view rest = text;
  std::int64_t line = 0;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const std::string_view ln = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line;
    std::string_view f[3];
    const int k = detail::split_fields(ln, f, 3);
    if (k == 0) continue;
    if (k != 2) throw IoError(path, fmt::format("expected 2 columns (id name), found {}", k < 0 ? 0 : k), line);
    std::int64_t id = -1;
    const auto [ptr, ec] = std::from_chars(f[0].data(), f[0].data() + f[0].size(), id);
    if (ec != std::errc() || ptr != f[0].data() + f[0].size() || id < 0 || id > detail::kMaxId)
      throw IoError(path, fmt::format("id '{}' is not a non-negative 32-bit integer", f[0]), line);
    const auto i = static_cast<std::size_t>(id);
    if (i >= names.size()) {
      names.resize(i + 1);
      seen.resize(i + 1, false);
    }
    if (seen[i]) throw IoError(path, fmt::format("id {} appears twice", id), line);
    seen[i] = true;
    names[i] = std::string(f[1]);
  }
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (!seen[i]) throw IoError(path, fmt::format("id {} is missing (ids must be 0..{})", i, seen.size() - 1));
  return names;
}

Graph read_graph(const std::string& path, const GraphReadOptions& opt, BuildStats* stats) {
  // [HDF5] .h5 / .h5ad (and file.h5ad:/group): the file holds a built CSR, read as stored.
  if (is_hdf5_path(path)) {
    Hdf5ReadOptions h5;
    h5.directed = opt.read.directed;  // foreign CSR groups only
    h5.block_bytes = opt.read.block_bytes;
    h5.node_data = false;
    h5.results = false;
    Graph g = std::move(read_hdf5(path, h5).graph);
    if (stats) *stats = BuildStats{g.num_edges(), 0, 0};
    return g;
  }
  if (is_matrix_market_path(path)) {
    MatrixMarketReadOptions mm;
    mm.directed = opt.read.directed;
    mm.block_bytes = opt.read.block_bytes;
    mm.chunk_bytes = opt.read.chunk_bytes;
    mm.progress = opt.read.progress;
    return build_csr(read_matrix_market(path, mm).edges, opt.build, stats);
  }
  return build_csr(read_edge_list(path, opt.read).edges, opt.build, stats);
}

void write_graph(const std::string& path, const Graph& g, const GraphWriteOptions& opt) {
  // [HDF5] .h5: the sprig-graph layout, deflate level from opt.edge_list.level.
  if (is_hdf5_path(path)) {
    GraphData data;
    data.name = opt.edge_list.name;
    Hdf5WriteOptions h5;
    h5.compression = opt.edge_list.level;
    write_hdf5(split_hdf5_path(path).file, g, data, h5);
    return;
  }
  if (is_matrix_market_path(path)) {
    MatrixMarketWriteOptions mm;
    mm.comment = opt.edge_list.name;
    mm.compression = opt.edge_list.compression;
    mm.level = opt.edge_list.level;
    mm.progress = opt.edge_list.progress;
    write_matrix_market(path, g, mm);
    return;
  }
  write_edge_list(path, g, opt.edge_list);
}

}  // namespace sprig
