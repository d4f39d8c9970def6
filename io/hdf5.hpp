// sprig/io/hdf5.hpp — RAII handles over the HDF5 1.10 C API, with errors that
// name the file and the dataset.
//
// File, Group, Dataset, Attribute, Dataspace, Datatype and property lists own
// an hid_t and close it in their destructor. HDF5's own error printer is
// silenced (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr)) the first time any of
// these is used; every negative return becomes sprig::IoError(path, reason, 0,
// dataset), where the reason ends with the innermost message of HDF5's error
// stack ("file signature not found", "address of object past end of allocation").
//
// Bounded-memory I/O: Dataset::read_rows / write_rows move at most
// `block_bytes` per HDF5 call, as hyperslabs straight into (or out of) the
// caller's array, so no second copy of a large array is ever held. Blocks are
// aligned to whole chunks, so a compressed chunk is decompressed exactly once.
// For chunked 1-D/2-D datasets whose only filters are shuffle and deflate
// (what sprig writes), chunks are moved raw with H5Dread_chunk/H5Dwrite_chunk
// and (de)compressed in parallel with zlib on the calling arena's threads; the
// bytes on disk are exactly those HDF5's own filters produce, so h5py and
// every HDF5 reader open them unchanged.
//
// Thread-safety: the Debian HDF5 build is not thread-safe; all HDF5 calls are
// made from the calling thread (only zlib and byte shuffling run in
// parallel). Use one File per thread at most, and not two threads at once.
// Determinism: the bytes written do not depend on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <hdf5.h>

#include <sprig/graph/error.hpp>

namespace sprig::h5 {

/// Silences HDF5's automatic error printing (idempotent, thread-safe).
void silence_errors();

/// The innermost message of HDF5's current error stack ("" when empty).
std::string last_error_message();

/// An attribute value as sprig writes and reads it: integer, real, string, or
/// arrays of them.
using AttrValue = std::variant<std::int64_t, double, std::string, std::vector<std::int64_t>, std::vector<double>,
                               std::vector<std::string>>;
using Attributes = std::map<std::string, AttrValue>;

/// Where a handle lives, for error messages: the file path and the object path.
struct Where {
  std::shared_ptr<const std::string> file;
  std::string object;  ///< e.g. "/graph/targets"; "" for the file itself
  [[noreturn]] void fail(const std::string& reason) const;
  /// Throws IoError(file, what + ": " + HDF5's message, 0, object) when r < 0; returns r.
  template <class R>
  R check(R r, const char* what) const {
    if (r < 0) [[unlikely]]
      fail_hdf5(what);
    return r;
  }
  [[noreturn]] void fail_hdf5(const char* what) const;
  Where child(const std::string& name) const;
};

/// A move-only owner of an hid_t with the matching close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) noexcept : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  hid_t id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  /// Closes now; returns HDF5's status (negative on failure, e.g. a failed flush).
  herr_t reset() noexcept {
    herr_t r = 0;
    if (id_ >= 0 && close_) r = close_(id_);
    id_ = -1;
    return r;
  }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

/// A dataspace (shape and selection).
class Dataspace {
 public:
  Dataspace() = default;
  explicit Dataspace(hid_t id) : h_(id, H5Sclose) {}
  /// A simple dataspace of the given dims (rank 0: scalar).
  static Dataspace simple(std::span<const hsize_t> dims);
  hid_t id() const noexcept { return h_.id(); }
  std::vector<hsize_t> dims() const;

 private:
  Handle h_;
};

/// A datatype; class helpers describe what a file holds.
class Datatype {
 public:
  Datatype() = default;
  explicit Datatype(hid_t id) : h_(id, H5Tclose) {}
  hid_t id() const noexcept { return h_.id(); }
  bool valid() const noexcept { return h_.valid(); }
  H5T_class_t type_class() const { return H5Tget_class(h_.id()); }
  std::size_t size() const { return H5Tget_size(h_.id()); }
  bool is_signed() const { return H5Tget_sign(h_.id()) == H5T_SGN_2; }
  bool is_variable_string() const { return H5Tis_variable_str(h_.id()) > 0; }
  /// "int32", "uint8", "float64", "string", "bool/enum", "compound", ...
  std::string describe() const;
  /// A variable-length UTF-8 string type (for reading; sprig never writes them).
  static Datatype vlen_string();
  /// A fixed-length UTF-8 string type of `bytes` bytes (≥ 1), NUL-padded.
  static Datatype fixed_string(std::size_t bytes);

 private:
  Handle h_;
};

/// The HDF5 memory type of T (float, double, int8/16/32/64, uint8/16/32/64).
template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int8_t>) return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int16_t>) return H5T_NATIVE_INT16;
  else if constexpr (std::is_same_v<T, std::uint16_t>) return H5T_NATIVE_UINT16;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else static_assert(sizeof(T) == 0, "no HDF5 native type for T");
}

/// Options for creating a dataset.
struct DatasetCreate {
  int compression = 4;                    ///< deflate level 0–9; 0: no filters
  std::size_t chunk_bytes = 1u << 20;     ///< target chunk size (rows rounded to fit; ≥ one row)
  bool chunked = true;                    ///< false with compression 0: contiguous layout
  bool shuffle = true;                    ///< byte shuffle before deflate (when compressing)
};

/// Options for moving bulk data.
struct BlockOptions {
  std::size_t block_bytes = std::size_t{64} << 20;  ///< at most this many bytes per HDF5 call (≥ one chunk)
  bool parallel_filters = true;  ///< decompress/compress shuffle+deflate chunks with zlib in parallel
  /// Test hook: called after each block is written with (blocks done); throwing aborts the write.
  std::function<void(std::size_t)> after_block;
  /// Reads: called once per block of rows [first, first + rows) as soon as that
  /// block is in the output buffer, possibly from several threads at once (the
  /// blocks are disjoint and together cover the read), so that callers can
  /// check data while it is still in cache. Paths that cannot tell blocks
  /// apart call it once for the whole read.
  std::function<void(std::uint64_t first, std::uint64_t rows)> on_rows;
};

class Attribute;
class Dataset;
class Group;

/// Something that holds attributes and children: a File or a Group.
class Location {
 public:
  hid_t id() const noexcept { return h_.id(); }
  const Where& where() const noexcept { return where_; }
  const std::string& file_path() const noexcept { return *where_.file; }

  /// True when `path` (relative or absolute, any depth) names an existing link.
  bool exists(const std::string& path) const;
  /// H5O_TYPE_GROUP / H5O_TYPE_DATASET / ..., or H5O_TYPE_UNKNOWN when absent.
  H5O_type_t object_type(const std::string& path) const;
  /// Names of the direct children, in name order.
  std::vector<std::string> children() const;

  Group open_group(const std::string& path) const;
  /// Creates the group and any missing parents; throws if it exists.
  Group create_group(const std::string& path) const;
  /// Creates the missing groups above `path` (not `path` itself).
  void create_parents(const std::string& path) const;
  /// Opens the group, creating it (and parents) if missing.
  Group require_group(const std::string& path) const;
  Dataset open_dataset(const std::string& path) const;
  /// Creates a dataset of `dims` (rank 1 or 2) holding T, chunked/compressed per `opt`.
  Dataset create_dataset(const std::string& path, hid_t mem_type, std::span<const hsize_t> dims,
                         const DatasetCreate& opt = {}) const;
  /// Hard-links `target` (an existing object path) as `link` (both in this file).
  void link(const std::string& target, const std::string& link) const;
  /// Renames a link within the file.
  void move(const std::string& from, const std::string& to) const;
  /// Removes a link (the object's space is freed when no link is left).
  void remove(const std::string& path) const;

  bool has_attr(const std::string& name) const;
  Attribute open_attr(const std::string& name) const;
  AttrValue read_attr(const std::string& name) const;
  /// All attributes, readable ones only (unsupported types are skipped).
  Attributes read_attrs() const;
  /// Writes (replacing) an attribute.
  void write_attr(const std::string& name, const AttrValue& value) const;
  void write_attrs(const Attributes& attrs) const;

 protected:
  Location() = default;
  Location(hid_t id, Handle::Closer close, Where where) : h_(id, close), where_(std::move(where)) {}
  Handle h_;
  Where where_;
};

/// An open HDF5 file. Closing flushes; close() reports a failed flush as IoError.
class File : public Location {
 public:
  enum class Mode { read, read_write };
  File() = default;
  /// Opens an existing file; throws IoError naming the file when it is absent or not HDF5.
  static File open(const std::string& path, Mode mode = Mode::read);
  /// Creates (truncating) a file.
  static File create(const std::string& path);
  void flush() const;
  /// Closes and checks: all objects opened from this file must be closed first.
  void close();
  ~File();
  File(File&&) = default;
  File& operator=(File&&) = default;

 private:
  File(hid_t id, Where where) : Location(id, H5Fclose, std::move(where)) {}
};

/// An open group.
class Group : public Location {
 public:
  Group() = default;
  Group(hid_t id, Where where) : Location(id, H5Gclose, std::move(where)) {}
};

/// An open attribute.
class Attribute {
 public:
  Attribute(hid_t id, Where where) : h_(id, H5Aclose), where_(std::move(where)) {}
  hid_t id() const noexcept { return h_.id(); }
  Datatype type() const;
  Dataspace space() const;
  AttrValue read() const;

 private:
  Handle h_;
  Where where_;
};

/// An open dataset.
class Dataset {
 public:
  Dataset() = default;
  Dataset(hid_t id, Where where) : h_(id, H5Dclose), where_(std::move(where)) {}
  hid_t id() const noexcept { return h_.id(); }
  const Where& where() const noexcept { return where_; }
  const std::string& name() const noexcept { return where_.object; }

  Datatype type() const;
  Dataspace space() const;
  std::vector<hsize_t> dims() const { return space().dims(); }
  /// Number of elements (product of dims).
  std::uint64_t size() const;
  /// Chunk dims (empty when not chunked).
  std::vector<hsize_t> chunk_dims() const;
  /// Filters in the pipeline ("shuffle", "deflate(4)", ...), for `sprig info`.
  std::vector<std::string> filters() const;
  /// Bytes stored in the file (after compression).
  std::uint64_t storage_bytes() const;

  /// Throws IoError unless the rank is `rank`.
  void expect_rank(int rank) const;
  /// Throws IoError unless the type class is integer (or bool enum when allow_bool).
  void expect_integer(bool allow_bool = false) const;
  /// Throws IoError unless the type class is integer or float.
  void expect_numeric() const;

  /// Reads rows [first, first + rows) of a rank-1 or rank-2 dataset into out
  /// (out.size() == rows × columns), converting to T; blocks per `opt`.
  template <class T>
  void read_rows(std::span<T> out, std::uint64_t first, std::uint64_t rows, const BlockOptions& opt = {}) const {
    read_rows_raw(native_type<T>(), sizeof(T), out.data(), out.size(), first, rows, opt);
  }
  /// Throws IoError when the dataset claims more elements of `elem` bytes than
  /// the file could hold even at deflate's best ratio (a corrupt size), so that
  /// no reader allocates memory for it.
  void check_plausible_size(std::size_t elem) const;
  /// The whole dataset, converted to T (into a std::vector, or another vector
  /// type such as UninitVector<T>, which spares zero-filling what is read over).
  template <class T, class Vec = std::vector<T>>
  Vec read_all(const BlockOptions& opt = {}) const {
    check_plausible_size(sizeof(T));
    Vec v(size());
    const auto d = dims();
    read_rows<T>(std::span<T>(v), 0, d.empty() ? 1 : d[0], opt);
    return v;
  }
  /// Strings of a rank-1 (or scalar) dataset of fixed or variable-length strings.
  std::vector<std::string> read_strings() const;
  /// Writes rows [first, first + rows) from `in`; blocks per `opt`.
  template <class T>
  void write_rows(std::span<const T> in, std::uint64_t first, std::uint64_t rows, const BlockOptions& opt = {}) const {
    write_rows_raw(native_type<T>(), sizeof(T), in.data(), in.size(), first, rows, opt);
  }
  /// Writes the whole dataset.
  template <class T>
  void write_all(std::span<const T> in, const BlockOptions& opt = {}) const {
    const auto d = dims();
    write_rows<T>(in, 0, d.empty() ? 1 : d[0], opt);
  }

  bool has_attr(const std::string& name) const;
  AttrValue read_attr(const std::string& name) const;
  Attributes read_attrs() const;
  void write_attr(const std::string& name, const AttrValue& value) const;
  void write_attrs(const Attributes& attrs) const;

 private:
  void read_rows_raw(hid_t mem, std::size_t elem, void* out, std::size_t count, std::uint64_t first,
                     std::uint64_t rows, const BlockOptions& opt) const;
  void write_rows_raw(hid_t mem, std::size_t elem, const void* in, std::size_t count, std::uint64_t first,
                      std::uint64_t rows, const BlockOptions& opt) const;
  Handle h_;
  Where where_;
};

/// Creates a rank-1 dataset of fixed-length UTF-8 strings (as wide as the longest).
/// sprig writes no variable-length strings: they live in HDF5's global heap,
/// whose reader loops forever on some corrupt files (HDF5 1.10.8, found by the
/// fuzz test); h5py and anndata read fixed-length strings as bytes and decode them.
Dataset write_strings(const Location& loc, const std::string& path, const std::vector<std::string>& values,
                      const DatasetCreate& opt = {});

/// True when the file starts with the HDF5 signature (at offset 0, 512, 1024, ...).
bool is_hdf5_file(const std::string& path);

}  // namespace sprig::h5
