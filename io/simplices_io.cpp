// Benson-format simplex reader.
#include <sprig/io/simplices_io.hpp>

#include <charconv>
#include <limits>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/io/text_source.hpp>

namespace sprig {
namespace {

// One integer per non-empty line (surrounding blanks allowed), with its line number.
std::vector<std::int64_t> read_integers(const std::string& path, std::int64_t lo, std::int64_t hi, const char* what) {
  const std::string text = read_text_file(path);
  std::vector<std::int64_t> out;
  std::string_view rest(text);
  std::int64_t line = 0;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    std::string_view ln = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line;
    while (!ln.empty() && (ln.front() == ' ' || ln.front() == '\t')) ln.remove_prefix(1);
    while (!ln.empty() && (ln.back() == ' ' || ln.back() == '\t' || ln.back() == '\r')) ln.remove_suffix(1);
    if (ln.empty()) continue;
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(ln.data(), ln.data() + ln.size(), v);
    if (ec != std::errc() || p != ln.data() + ln.size())
      throw IoError(path, fmt::format("'{}' is not an integer {}", ln, what), line);
    if (v < lo || v > hi) throw IoError(path, fmt::format("{} {} outside [{}, {}]", what, v, lo, hi), line);
    out.push_back(v);
  }
  return out;
}

}  // namespace

SimplexList read_benson_simplices(const std::string& prefix) {
  const std::string nv_path = prefix + "-nverts.txt", s_path = prefix + "-simplices.txt",
                    t_path = prefix + "-times.txt";
  constexpr std::int64_t kMaxId = std::numeric_limits<node_t>::max();
  const auto sizes = read_integers(nv_path, 1, kMaxId, "simplex size");
  const auto ids = read_integers(s_path, 1, kMaxId, "node id (1-based)");
  const auto times = read_integers(t_path, std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::int64_t>::max(), "time");
  if (times.size() != sizes.size())
    throw IoError(t_path, fmt::format("{} times for {} simplices in {}", times.size(), sizes.size(), nv_path));
  std::int64_t total = 0;
  for (auto s : sizes) total += s;
  if (static_cast<std::size_t>(total) != ids.size())
    throw IoError(s_path, fmt::format("{} node ids but the sizes in {} add up to {}", ids.size(), nv_path, total));
  SimplexList out;
  out.offsets.reserve(sizes.size() + 1);
  out.times.reserve(sizes.size());
  out.nodes.reserve(ids.size());
  std::vector<node_t> buf;
  std::size_t k = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    buf.clear();
    for (std::int64_t j = 0; j < sizes[i]; ++j) buf.push_back(static_cast<node_t>(ids[k++] - 1));
    out.add(buf, times[i]);
  }
  return out;
}

}  // namespace sprig
