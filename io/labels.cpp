#include <sprig/io/labels.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <unordered_map>

#include <sprig/graph/error.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/text_source.hpp>

namespace sprig {

namespace {

constexpr std::int64_t kMaxNodes = std::numeric_limits<std::int32_t>::max();

bool parse_int(std::string_view s, std::int64_t& v) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b != e && *b == '+') ++b;
  const auto [ptr, ec] = std::from_chars(b, e, v);
  return ec == std::errc() && ptr == e && b != e;
}

}  // namespace

std::int64_t NodeLabels::num_labelled() const noexcept {
  return static_cast<std::int64_t>(std::count_if(label.begin(), label.end(), [](std::int32_t c) { return c >= 0; }));
}

NodeLabels parse_labels(std::string_view text, const LabelReadOptions& opt, std::string_view source_name) {
  const std::string source(source_name);
  if (opt.nodes)
    SPRIG_EXPECTS(*opt.nodes >= 0 && *opt.nodes <= kMaxNodes, "read_labels: nodes = {} (must be in [0, 2^31 - 1])",
                  *opt.nodes);
  std::unordered_map<std::string_view, std::int64_t> by_name;
  if (opt.node_names) {
    by_name.reserve(opt.node_names->size());
    for (std::size_t i = 0; i < opt.node_names->size(); ++i)
      by_name.emplace((*opt.node_names)[i], static_cast<std::int64_t>(i));
  }
  const std::int64_t limit =
      opt.nodes ? *opt.nodes : (opt.node_names ? static_cast<std::int64_t>(opt.node_names->size()) : -1);

  struct Entry {
    std::int64_t node, line;
    std::string_view label;
  };
  std::vector<Entry> entries;
  std::int64_t line = 0, max_node = -1;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view ln = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line;
    std::string_view f[3];
    const int k = detail::split_fields(ln, f, 3);
    if (k == 0) continue;
    if (k < 0) throw IoError(source, "empty column (two separators in a row, or one at the end of the line)", line);
    if (k == 1) throw IoError(source, "missing column: a label line is 'node label'", line);
    if (k > 2)
      throw IoError(source, fmt::format("extra column: found {} columns, a label line is 'node label'", k), line);
    std::int64_t node = -1;
    if (opt.node_names) {
      const auto it = by_name.find(f[0]);
      if (it == by_name.end()) throw IoError(source, fmt::format("node '{}' is not a node of the graph", f[0]), line);
      node = it->second;
    } else {
      if (!parse_int(f[0], node)) throw IoError(source, fmt::format("node '{}' is not an integer node id", f[0]), line);
      if (node < 0) throw IoError(source, fmt::format("negative node id {}", node), line);
      if (limit >= 0 && node >= limit)
        throw IoError(source, fmt::format("node id {} >= n = {} (the node count)", node, limit), line);
      if (node >= kMaxNodes) throw IoError(source, fmt::format("node id {} exceeds the 32-bit id range", node), line);
    }
    max_node = std::max(max_node, node);
    entries.push_back({node, line, f[1]});
  }

  // Classes: the distinct labels, numerically sorted when all are integers.
  bool numeric = true;
  for (const Entry& e : entries) {
    std::int64_t v;
    if (!parse_int(e.label, v)) {
      numeric = false;
      break;
    }
  }
  std::vector<std::string_view> distinct;
  distinct.reserve(entries.size());
  for (const Entry& e : entries) distinct.push_back(e.label);
  auto by_value = [](std::string_view a, std::string_view b) {
    std::int64_t x = 0, y = 0;
    parse_int(a, x);
    parse_int(b, y);
    return x != y ? x < y : a < b;  // "+1" and "1" stay distinct tokens, ordered deterministically
  };
  if (numeric)
    std::sort(distinct.begin(), distinct.end(), by_value);
  else
    std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  SPRIG_EXPECTS(distinct.size() <= static_cast<std::size_t>(kMaxNodes), "{}: too many classes", source);

  NodeLabels out;
  out.classes.assign(distinct.begin(), distinct.end());
  std::unordered_map<std::string_view, std::int32_t> class_of;
  class_of.reserve(distinct.size());
  for (std::size_t c = 0; c < distinct.size(); ++c) class_of.emplace(distinct[c], static_cast<std::int32_t>(c));
  const std::int64_t n = limit >= 0 ? limit : max_node + 1;
  out.label.assign(static_cast<std::size_t>(n), -1);
  std::vector<std::int64_t> first_line(static_cast<std::size_t>(n), 0);
  for (const Entry& e : entries) {
    const auto v = static_cast<std::size_t>(e.node);
    if (first_line[v] != 0)
      throw IoError(source, fmt::format("node {} is labelled twice (first on line {})", e.node, first_line[v]), e.line);
    first_line[v] = e.line;
    out.label[v] = class_of.at(e.label);
  }
  return out;
}

NodeLabels read_labels(const std::string& path, const LabelReadOptions& opt) {
  return parse_labels(read_text_file(path), opt, path);
}

void write_labels(const std::string& path, const NodeLabels& labels) {
  for (std::size_t c = 0; c < labels.classes.size(); ++c) {
    const std::string& name = labels.classes[c];
    SPRIG_EXPECTS(
        !name.empty() && name.find_first_of(" \t\r\n,\v\f") == std::string::npos && name[0] != '#' && name[0] != '%',
        "write_labels: class {} ('{}') is not a token (empty, blanks, commas or a comment character)", c, name);
  }
  for (std::size_t v = 0; v < labels.label.size(); ++v)
    SPRIG_EXPECTS(labels.label[v] >= -1 && labels.label[v] < static_cast<std::int64_t>(labels.classes.size()),
                  "write_labels: node {} has class {} outside [-1, {})", v, labels.label[v], labels.classes.size());
  write_text_atomically(path, [&](TextWriter& w) {
    w.write("# columns: node label\n");
    char buf[24];
    for (std::size_t v = 0; v < labels.label.size(); ++v) {
      if (labels.label[v] < 0) continue;
      w.write(std::string_view(buf, static_cast<std::size_t>(std::to_chars(buf, buf + 24, v).ptr - buf)));
      w.put(' ');
      w.write(labels.classes[static_cast<std::size_t>(labels.label[v])]);
      w.put('\n');
    }
  });
}

}  // namespace sprig
