// Embedding and walk writers; the .npy header is built by hand (format 1.0).
#include <sprig/embed/embedding_file.hpp>

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/io/atomic_file.hpp>

namespace sprig {
namespace {

static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian host");

void put_float(TextWriter& w, float v) {
  char* p = w.reserve(32);
  const auto r = std::to_chars(p, p + 32, v);
  w.commit(static_cast<std::size_t>(r.ptr - p));
}

void put_int(TextWriter& w, long long v) {
  char* p = w.reserve(24);
  const auto r = std::to_chars(p, p + 24, v);
  w.commit(static_cast<std::size_t>(r.ptr - p));
}

std::string npy_header(std::int64_t rows, std::int64_t cols) {
  std::string dict = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}", rows, cols);
  // magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64.
  const std::size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string h("\x93NUMPY\x01\x00", 8);
  h.push_back(static_cast<char>(dict.size() & 0xff));
  h.push_back(static_cast<char>(dict.size() >> 8));
  return h + dict;
}

}  // namespace

void write_embedding_text(const std::string& path, const Matrix& x, const EmbeddingTextOptions& opt) {
  SPRIG_EXPECTS(!opt.names || static_cast<Eigen::Index>(opt.names->size()) == x.rows(),
                "write_embedding_text: {} names for {} rows", opt.names ? opt.names->size() : 0, x.rows());
  write_text_atomically(path, [&](TextWriter& w) {
    if (opt.word2vec_header) w.write(fmt::format("{} {}\n", x.rows(), x.cols()));
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (opt.names)
        w.write((*opt.names)[i]);
      else
        put_int(w, i);
      for (Eigen::Index j = 0; j < x.cols(); ++j) {
        w.put(' ');
        put_float(w, x(i, j));
      }
      w.put('\n');
    }
  });
}

void write_embedding_npy(const std::string& path, const Matrix& x) {
  const std::string header = npy_header(x.rows(), x.cols());
  write_atomically(path, [&](std::FILE* f) {
    const std::size_t count = static_cast<std::size_t>(x.size());
    if (std::fwrite(header.data(), 1, header.size(), f) != header.size() ||
        (count > 0 && std::fwrite(x.data(), sizeof(float), count, f) != count))
      throw IoError(path, "write failed");
  });
}

Matrix read_embedding_npy(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw IoError(path, "cannot open");
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{f};
  char pre[10];
  if (std::fread(pre, 1, 10, f) != 10 || std::memcmp(pre, "\x93NUMPY", 6) != 0)
    throw IoError(path, "not a .npy file");
  if (pre[6] != 1) throw IoError(path, fmt::format(".npy format {}.{} is not supported (only 1.0)", int(pre[6]), int(pre[7])));
  const std::size_t hlen = static_cast<unsigned char>(pre[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(pre[9])) << 8);
  std::string dict(hlen, '\0');
  if (std::fread(dict.data(), 1, hlen, f) != hlen) throw IoError(path, "truncated .npy header");
  if (dict.find("'descr': '<f4'") == std::string::npos) throw IoError(path, "only float32 ('<f4') .npy files are read");
  if (dict.find("'fortran_order': False") == std::string::npos) throw IoError(path, "only C-order .npy files are read");
  const auto shape = dict.find("'shape': (");
  if (shape == std::string::npos) throw IoError(path, "no shape in the .npy header");
  long long rows = 0, cols = 0;
  if (std::sscanf(dict.c_str() + shape + 10, "%lld, %lld", &rows, &cols) != 2 || rows < 0 || cols < 0)
    throw IoError(path, "the .npy shape is not 2-D");
  Matrix x(rows, cols);
  const std::size_t count = static_cast<std::size_t>(rows * cols);
  if (count > 0 && std::fread(x.data(), sizeof(float), count, f) != count) throw IoError(path, "truncated .npy data");
  return x;
}

void write_walks_text(const std::string& path, const Walks& walks) {
  write_text_atomically(path, [&](TextWriter& w) {
    for (std::int64_t i = 0; i < walks.count; ++i) {
      const auto row = walks.walk(i);
      for (std::int64_t s = 0; s < walks.length && row[s] >= 0; ++s) {
        if (s > 0) w.put(' ');
        put_int(w, row[s]);
      }
      w.put('\n');
    }
  });
}

void write_walks_hdf5(const std::string& path, const Walks& walks, const h5::Attributes& attrs) {
  static_assert(sizeof(node_t) == sizeof(std::int32_t));
  const std::string tmp = path + ".tmp-walks";
  try {
    {
      h5::File f = h5::File::create(tmp);
      const hsize_t dims[2] = {static_cast<hsize_t>(walks.count), static_cast<hsize_t>(walks.length)};
      h5::Dataset d = f.create_dataset("/walks", H5T_NATIVE_INT32, dims);
      d.write_all<std::int32_t>(std::span<const std::int32_t>(walks.nodes.data(), walks.nodes.size()));
      h5::Attributes all = attrs;
      all["first"] = static_cast<std::int64_t>(walks.first);
      f.open_dataset("/walks").write_attrs(all);
      f.close();
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw IoError(path, "cannot rename " + tmp + " onto it: " + ec.message());
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

Walks read_walks_hdf5(const std::string& path, h5::Attributes* attrs) {
  const h5::File f = h5::File::open(path);
  if (!f.exists("/walks")) throw IoError(path, "no /walks dataset (write it with `sprig walks ... -o FILE.h5`)");
  const h5::Dataset d = f.open_dataset("/walks");
  d.expect_rank(2);
  d.expect_integer();
  const auto dims = d.dims();
  Walks w;
  w.count = static_cast<std::int64_t>(dims[0]);
  w.length = static_cast<std::int64_t>(dims[1]);
  w.nodes = d.read_all<std::int32_t>();
  for (std::int64_t i = 0; i < w.count; ++i) {
    const auto row = w.walk(i);
    bool ended = false;
    for (std::int64_t s = 0; s < w.length; ++s) {
      if (row[s] < -1 || (ended && row[s] != -1))
        throw IoError(path,
                      fmt::format("walk {} holds {} at step {}{}", i, row[s], s,
                                  row[s] < -1 ? " (ids are ≥ 0, −1 pads)" : " after its −1 padding"),
                      0, "/walks");
      ended = ended || row[s] == -1;
    }
  }
  h5::Attributes a = d.read_attrs();
  if (auto it = a.find("first"); it != a.end())
    if (const auto* v = std::get_if<std::int64_t>(&it->second)) w.first = *v;
  if (attrs) *attrs = std::move(a);
  return w;
}

}  // namespace sprig
