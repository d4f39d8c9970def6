#include <sprig/io/matrix_market.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <sprig/graph/error.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/text_source.hpp>

namespace sprig {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* field_name(MatrixField f) {
  switch (f) {
    case MatrixField::pattern:
      return "pattern";
    case MatrixField::integer:
      return "integer";
    case MatrixField::real:
      return "real";
  }
  return "?";
}

class MatrixMarketReader {
 public:
  MatrixMarketReader(std::string source, const MatrixMarketReadOptions& opt) : source_(std::move(source)), opt_(opt) {}

  void feed(std::string_view text) {
    if (!scanner_) {
      while (!text.empty() && !scanner_) {
        const auto nl = text.find('\n');
        const std::string_view ln = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++line_;
        prelude_line(ln);
      }
      if (!scanner_) return;
      scanner_->skip_lines(line_);
    }
    scanner_->feed(text);
  }

  MatrixMarketFile finish() {
    if (!banner_) throw IoError(source_, "empty file: a Matrix Market file starts with a %%MatrixMarket banner");
    if (!scanner_)
      throw IoError(source_, "missing size line (rows columns entries) after the banner and comments", line_);
    MatrixMarketFile out = std::move(file_);
    const auto got = static_cast<std::int64_t>(scanner_->src.size());
    if (got != out.entries)
      throw IoError(source_,
                    fmt::format("the size line (line {}) declares {} entries but the file has {}{}", size_line_,
                                out.entries, got, got < out.entries ? " (truncated?)" : ""),
                    scanner_->line());
    EdgeList& e = out.edges;
    e.n = out.rows;
    e.directed = opt_.directed ? *opt_.directed : out.symmetry == MatrixSymmetry::general;
    e.src = std::move(scanner_->src);
    e.dst = std::move(scanner_->dst);
    e.weight = std::move(scanner_->weight);
    return out;
  }

 private:
  void prelude_line(std::string_view ln) {
    if (!banner_) {
      parse_banner(ln);
      return;
    }
    std::string_view f[4];
    const int k = detail::split_fields(ln, f, 4);
    if (k == 0) return;  // comment or blank
    if (k != 3)
      throw IoError(
          source_, fmt::format("size line must hold 3 integers (rows columns entries), found {} fields", k < 0 ? 0 : k),
          line_);
    std::int64_t v[3];
    for (int i = 0; i < 3; ++i) {
      const auto [ptr, ec] = std::from_chars(f[i].data(), f[i].data() + f[i].size(), v[i]);
      if (ec != std::errc() || ptr != f[i].data() + f[i].size() || v[i] < 0)
        throw IoError(source_, fmt::format("size line: '{}' is not a non-negative integer", f[i]), line_);
    }
    file_.rows = v[0];
    file_.cols = v[1];
    file_.entries = v[2];
    if (v[0] != v[1])
      throw IoError(source_, fmt::format("the matrix is {} x {}; a graph needs a square matrix", v[0], v[1]), line_);
    if (v[0] > std::int64_t{std::numeric_limits<node_t>::max()})
      throw IoError(source_, fmt::format("{} rows exceed the 32-bit node id range", v[0]), line_);
    size_line_ = line_;
    detail::ScanConfig cfg;
    cfg.source = source_;
    cfg.index_base = 1;
    cfg.limit = v[0];
    cfg.matrix_market = true;
    cfg.columns = file_.field == MatrixField::pattern ? 2 : 3;
    cfg.columns_rule = fmt::format("a {} entry is 'row column{}'", field_name(file_.field),
                                   file_.field == MatrixField::pattern ? "" : " value");
    cfg.weight_col = file_.field == MatrixField::pattern ? -1 : 2;
    cfg.integer_weights = file_.field == MatrixField::integer;
    cfg.chunk_bytes = opt_.chunk_bytes;
    scanner_.emplace(std::move(cfg));
  }

  void parse_banner(std::string_view ln) {
    std::string_view f[6];
    const int k = detail::split_fields(ln.substr(ln.starts_with("%%") ? 2 : 0), f, 6);
    if (!ln.starts_with("%%") || k < 1 || lower(f[0]) != "matrixmarket")
      throw IoError(
          source_, "not a Matrix Market file: the first line must be '%%MatrixMarket matrix coordinate FIELD SYMMETRY'",
          line_);
    if (k != 5) throw IoError(source_, fmt::format("banner has {} words, expected 5", k), line_);
    const std::string object = lower(f[1]), format = lower(f[2]), field = lower(f[3]), sym = lower(f[4]);
    if (object != "matrix") throw IoError(source_, fmt::format("unsupported object '{}' (only matrix)", f[1]), line_);
    if (format != "coordinate")
      throw IoError(source_, fmt::format("unsupported format '{}' (only coordinate)", f[2]), line_);
    if (field == "pattern")
      file_.field = MatrixField::pattern;
    else if (field == "integer")
      file_.field = MatrixField::integer;
    else if (field == "real" || field == "double")
      file_.field = MatrixField::real;
    else
      throw IoError(source_, fmt::format("unsupported field '{}' (pattern, integer or real)", f[3]), line_);
    if (sym == "general")
      file_.symmetry = MatrixSymmetry::general;
    else if (sym == "symmetric")
      file_.symmetry = MatrixSymmetry::symmetric;
    else
      throw IoError(source_, fmt::format("unsupported symmetry '{}' (general or symmetric)", f[4]), line_);
    banner_ = true;
  }

  std::string source_;
  const MatrixMarketReadOptions& opt_;
  std::int64_t line_ = 0, size_line_ = 0;
  bool banner_ = false;
  MatrixMarketFile file_;
  std::optional<detail::EdgeScanner> scanner_;
};

}  // namespace

MatrixMarketFile parse_matrix_market(std::string_view text, const MatrixMarketReadOptions& opt,
                                     std::string_view source_name) {
  MatrixMarketReader reader{std::string(source_name), opt};
  feed_text_blocks(text, opt.block_bytes, opt.progress, reader);
  return reader.finish();
}

MatrixMarketFile read_matrix_market(const std::string& path, const MatrixMarketReadOptions& opt) {
  MatrixMarketReader reader{path, opt};
  feed_file_blocks(path, opt.block_bytes, opt.progress, reader);
  return reader.finish();
}

void write_matrix_market(const std::string& path, const Graph& g, const MatrixMarketWriteOptions& opt) {
  SPRIG_EXPECTS(opt.level >= 0 && opt.level <= 9, "write_matrix_market: level must be in [0, 9] (got {})", opt.level);
  const MatrixField field = opt.field ? *opt.field : (g.weighted() ? MatrixField::real : MatrixField::pattern);
  const auto offsets = g.offsets();
  const auto targets = g.targets();
  const auto weights = g.weights();
  const bool values = field != MatrixField::pattern;
  if (field == MatrixField::integer)
    for (float w : weights)
      SPRIG_EXPECTS(w == std::nearbyint(w) && std::fabs(w) < 9.0e15f,
                    "write_matrix_market: field integer, but weight {} is not an integer", w);
  const bool directed = g.directed();
  const std::int64_t n = g.num_nodes();
  write_text_atomically(
      path,
      [&](TextWriter& w) {
        w.write(fmt::format("%%MatrixMarket matrix coordinate {} {}\n", field_name(field),
                            directed ? "general" : "symmetric"));
        std::string_view c = opt.comment;
        while (!c.empty()) {
          const auto nl = c.find('\n');
          w.write("% ");
          w.write(c.substr(0, nl));
          w.put('\n');
          c = nl == std::string_view::npos ? std::string_view() : c.substr(nl + 1);
        }
        w.write(fmt::format("{} {} {}\n", n, n, g.num_edges()));
        const std::int64_t step = std::max<std::int64_t>(std::int64_t{1} << 16, n / 200 + 1);
        for (std::int64_t u = 0; u < n; ++u) {
          for (edge_t e = offsets[u]; e < offsets[u + 1]; ++e) {
            const std::int64_t v = targets[e];
            if (!directed && v < u) continue;
            // symmetric: the lower triangle (row >= column), 1-based.
            const std::int64_t row = directed ? u + 1 : v + 1, col = directed ? v + 1 : u + 1;
            char* p = w.reserve(96);
            char* s = std::to_chars(p, p + 24, row).ptr;
            *s++ = ' ';
            s = std::to_chars(s, s + 24, col).ptr;
            if (values) {
              const float wt = g.weighted() ? weights[e] : 1.0f;
              *s++ = ' ';
              s = field == MatrixField::integer ? std::to_chars(s, s + 24, static_cast<std::int64_t>(wt)).ptr
                                                : detail::format_float(s, wt);
            }
            *s++ = '\n';
            w.commit(static_cast<std::size_t>(s - p));
          }
          if ((u + 1) % step == 0) report(opt.progress, "write", static_cast<std::uint64_t>(u + 1), n);
        }
        report(opt.progress, "write", n, n);
      },
      opt.compression, opt.level);
}

}  // namespace sprig
