// Helpers shared by the io tests: a scratch folder removed at the end, raw
// file writers (independent of sprig's writers), and exact graph comparison.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include <zlib.h>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/error.hpp>

namespace sprig_test {

/// A fresh folder under $TMPDIR (or /tmp), removed with its content on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/sprig-io-test-XXXXXX";
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }
  /// Names of the entries in the folder, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
};

inline void write_raw(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

inline std::string read_raw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// gzip of `text` through zlib directly.
inline std::string gzip_bytes(const std::string& text) {
  z_stream s{};
  REQUIRE(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&s, static_cast<uLong>(text.size())) + 64, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  s.avail_in = static_cast<uInt>(text.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

/// Runs fn, which must throw IoError; returns what().
template <class Fn>
std::string io_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const sprig::IoError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected IoError, got another exception: " << e.what());
    return {};
  }
  FAIL("expected IoError, nothing was thrown");
  return {};
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// Bitwise equality of two float arrays (NaN-safe, -0 ≠ +0).
inline bool same_bits(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

/// Bitwise equality of two graphs (weights compared as bit patterns).
inline void check_same_graph(const sprig::Graph& a, const sprig::Graph& b) {
  REQUIRE(a.num_nodes() == b.num_nodes());
  CHECK(a.directed() == b.directed());
  REQUIRE(a.num_arcs() == b.num_arcs());
  CHECK(a.weighted() == b.weighted());
  const auto oa = a.offsets(), ob = b.offsets();
  CHECK(std::equal(oa.begin(), oa.end(), ob.begin(), ob.end()));
  const auto ta = a.targets(), tb = b.targets();
  CHECK(std::equal(ta.begin(), ta.end(), tb.begin(), tb.end()));
  const auto wa = a.weights(), wb = b.weights();
  REQUIRE(wa.size() == wb.size());
  CHECK(same_bits(wa, wb));
}

}  // namespace sprig_test
