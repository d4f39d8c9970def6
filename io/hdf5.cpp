// RAII over the HDF5 C API; parallel shuffle+deflate chunk I/O.
#include <tbb/enumerable_thread_specific.h>
#include <libdeflate.h>
#include <zlib.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/hdf5.hpp>

namespace sprig::h5 {

void silence_errors() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  });
}

namespace {

herr_t walk_cb(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (n == 0 && err && err->desc) *out = err->desc;  // innermost: where the error was detected
  return 0;
}

std::string join(const std::string& base, const std::string& name) {
  if (name.empty()) return base.empty() ? "/" : base;
  if (name[0] == '/') return name;
  if (base.empty() || base == "/") return "/" + name;
  return base + "/" + name;
}

Handle plist(hid_t cls) {
  return Handle(H5Pcreate(cls), H5Pclose);
}

Handle lcpl_intermediate() {
  Handle p = plist(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(p.id(), 1);
  H5Pset_char_encoding(p.id(), H5T_CSET_UTF8);
  return p;
}

}  // namespace

std::string last_error_message() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, &msg);
  H5Eclear2(H5E_DEFAULT);
  return msg;
}

void Where::fail(const std::string& reason) const { throw IoError(file ? *file : std::string("?"), reason, 0, object); }

void Where::fail_hdf5(const char* what) const {
  const std::string msg = last_error_message();
  fail(msg.empty() ? std::string(what) : std::string(what) + ": " + msg);
}

Where Where::child(const std::string& name) const { return Where{file, join(object, name)}; }

// ---------------------------------------------------------------- Dataspace / Datatype

Dataspace Dataspace::simple(std::span<const hsize_t> dims) {
  if (dims.empty()) return Dataspace(H5Screate(H5S_SCALAR));
  return Dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
}

std::vector<hsize_t> Dataspace::dims() const {
  const int r = H5Sget_simple_extent_ndims(id());
  if (r <= 0) return {};
  std::vector<hsize_t> d(static_cast<std::size_t>(r));
  H5Sget_simple_extent_dims(id(), d.data(), nullptr);
  return d;
}

std::string Datatype::describe() const {
  const std::size_t bits = size() * 8;
  switch (type_class()) {
    case H5T_INTEGER: return (is_signed() ? "int" : "uint") + std::to_string(bits);
    case H5T_FLOAT: return "float" + std::to_string(bits);
    case H5T_STRING: return "string";
    case H5T_ENUM: return size() == 1 ? "bool/enum8" : "enum" + std::to_string(bits);
    case H5T_COMPOUND: return "compound";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "vlen";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    default: return "unknown";
  }
}

Datatype Datatype::fixed_string(std::size_t bytes) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, std::max<std::size_t>(1, bytes));
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Datatype(t);
}

Datatype Datatype::vlen_string() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Datatype(t);
}

// ---------------------------------------------------------------- attributes (shared)

namespace {

Datatype string_mem_type(hid_t file_type) {
  if (H5Tis_variable_str(file_type) > 0) {
    Datatype t = Datatype::vlen_string();
    H5Tset_cset(t.id(), H5Tget_cset(file_type));
    return t;
  }
  return Datatype(H5Tcopy(file_type));
}

std::string trim_fixed(const char* p, std::size_t n, H5T_str_t pad) {
  std::size_t len = 0;
  while (len < n && p[len] != '\0') ++len;
  if (pad == H5T_STR_SPACEPAD)
    while (len > 0 && p[len - 1] == ' ') --len;
  return std::string(p, len);
}

// Reads strings through `read(mem_type, buffer)` for n elements of file type `ft`.
template <class ReadFn, class ReclaimFn>
std::vector<std::string> read_string_values(hid_t ft, std::size_t n, const Where& w, ReadFn read, ReclaimFn reclaim) {
  std::vector<std::string> out;
  out.reserve(n);
  Datatype mt = string_mem_type(ft);
  if (H5Tis_variable_str(ft) > 0) {
    std::vector<char*> buf(n, nullptr);
    w.check(read(mt.id(), buf.data()), "cannot read strings");
    for (char* s : buf) out.emplace_back(s ? s : "");
    reclaim(mt.id(), buf.data());
  } else {
    const std::size_t sz = H5Tget_size(ft);
    const H5T_str_t pad = H5Tget_strpad(ft);
    std::vector<char> buf(n * sz + 1, '\0');
    w.check(read(mt.id(), buf.data()), "cannot read strings");
    for (std::size_t i = 0; i < n; ++i) out.push_back(trim_fixed(buf.data() + i * sz, sz, pad));
  }
  return out;
}

// Strings side by side in `width`-byte slots, NUL-padded (HDF5's fixed-length layout).
std::vector<char> pack_fixed(const std::vector<std::string>& v, std::size_t width) {
  std::vector<char> buf(std::max<std::size_t>(1, v.size() * width), '\0');
  for (std::size_t i = 0; i < v.size(); ++i) std::memcpy(buf.data() + i * width, v[i].data(), v[i].size());
  return buf;
}

AttrValue read_attr_value(hid_t a, const Where& w, const std::string& name) {
  Datatype t(w.check(H5Aget_type(a), "cannot get attribute type"));
  Dataspace s(w.check(H5Aget_space(a), "cannot get attribute space"));
  const bool scalar = H5Sget_simple_extent_type(s.id()) == H5S_SCALAR;
  const auto n = static_cast<std::size_t>(std::max<hssize_t>(0, H5Sget_simple_extent_npoints(s.id())));
  const std::string where = "cannot read attribute " + name;
  switch (t.type_class()) {
    case H5T_INTEGER: {
      std::vector<std::int64_t> v(n);
      if (H5Aread(a, H5T_NATIVE_INT64, v.data()) < 0) w.fail_hdf5(where.c_str());
      if (scalar && n == 1) return v[0];
      return v;
    }
    case H5T_ENUM: {  // h5py's numpy bool: enum over int8
      if (t.size() != 1) w.fail("attribute " + name + " is an enum wider than one byte (not supported)");
      Datatype nt(H5Tget_native_type(t.id(), H5T_DIR_ASCEND));
      std::vector<std::int8_t> raw(n);
      if (H5Aread(a, nt.id(), raw.data()) < 0) w.fail_hdf5(where.c_str());
      std::vector<std::int64_t> v(raw.begin(), raw.end());
      if (scalar && n == 1) return v[0];
      return v;
    }
    case H5T_FLOAT: {
      std::vector<double> v(n);
      if (H5Aread(a, H5T_NATIVE_DOUBLE, v.data()) < 0) w.fail_hdf5(where.c_str());
      if (scalar && n == 1) return v[0];
      return v;
    }
    case H5T_STRING: {
      auto v = read_string_values(
          t.id(), n, w, [&](hid_t mt, void* buf) { return H5Aread(a, mt, buf); },
          [&](hid_t mt, void* buf) { H5Dvlen_reclaim(mt, s.id(), H5P_DEFAULT, buf); });
      if (scalar && n == 1) return v[0];
      return v;
    }
    default: w.fail("attribute " + name + " has unsupported type " + t.describe());
  }
}

void write_attr_value(hid_t obj, const Where& w, const std::string& name, const AttrValue& value) {
  if (H5Aexists(obj, name.c_str()) > 0) w.check(H5Adelete(obj, name.c_str()), "cannot replace attribute");
  auto make = [&](hid_t ftype, const Dataspace& space, hid_t mtype, const void* data) {
    Handle acpl = plist(H5P_ATTRIBUTE_CREATE);
    H5Pset_char_encoding(acpl.id(), H5T_CSET_UTF8);
    Handle a(H5Acreate2(obj, name.c_str(), ftype, space.id(), acpl.id(), H5P_DEFAULT), H5Aclose);
    if (!a.valid()) w.fail_hdf5(("cannot create attribute " + name).c_str());
    if (H5Awrite(a.id(), mtype, data) < 0) w.fail_hdf5(("cannot write attribute " + name).c_str());
  };
  const hsize_t none[1] = {0};
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          make(H5T_STD_I64LE, Dataspace::simple({none, 0}), H5T_NATIVE_INT64, &v);
        } else if constexpr (std::is_same_v<T, double>) {
          make(H5T_IEEE_F64LE, Dataspace::simple({none, 0}), H5T_NATIVE_DOUBLE, &v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          Datatype st = Datatype::fixed_string(v.size());
          std::vector<char> buf(std::max<std::size_t>(1, v.size()), '\0');
          std::memcpy(buf.data(), v.data(), v.size());
          make(st.id(), Dataspace::simple({none, 0}), st.id(), buf.data());
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
          const hsize_t d[1] = {v.size()};
          make(H5T_STD_I64LE, Dataspace::simple(d), H5T_NATIVE_INT64, v.data());
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          const hsize_t d[1] = {v.size()};
          make(H5T_IEEE_F64LE, Dataspace::simple(d), H5T_NATIVE_DOUBLE, v.data());
        } else {
          std::size_t width = 1;
          for (const auto& s : v) width = std::max(width, s.size());
          Datatype st = Datatype::fixed_string(width);
          const std::vector<char> buf = pack_fixed(v, width);
          const hsize_t d[1] = {v.size()};
          make(st.id(), Dataspace::simple(d), st.id(), buf.data());
        }
      },
      value);
}

herr_t attr_name_cb(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

Attributes read_all_attrs(hid_t obj, const Where& w) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  w.check(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_name_cb, &names), "cannot list attributes");
  Attributes out;
  for (const auto& n : names) {
    Handle a(H5Aopen(obj, n.c_str(), H5P_DEFAULT), H5Aclose);
    if (!a.valid()) continue;
    try {
      out.emplace(n, read_attr_value(a.id(), w, n));
    } catch (const IoError&) {
      // unsupported types are skipped (documented)
    }
  }
  return out;
}

}  // namespace

Datatype Attribute::type() const { return Datatype(where_.check(H5Aget_type(id()), "cannot get attribute type")); }
Dataspace Attribute::space() const { return Dataspace(where_.check(H5Aget_space(id()), "cannot get attribute space")); }
AttrValue Attribute::read() const {
  char name[256] = {0};
  H5Aget_name(id(), sizeof name - 1, name);
  return read_attr_value(id(), where_, name);
}

// ---------------------------------------------------------------- Location

bool Location::exists(const std::string& path) const {
  if (path.empty() || path == "/") return true;
  std::string prefix = path[0] == '/' ? "/" : "";
  std::size_t pos = prefix.size();
  while (pos <= path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    if (next > pos) {
      prefix += path.substr(pos, next - pos);
      if (H5Lexists(id(), prefix.c_str(), H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return false;
      }
      if (next < path.size()) {
        // an intermediate component must be a group for the next test to be legal
        H5O_info_t info;
        if (H5Oget_info_by_name2(id(), prefix.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
            info.type != H5O_TYPE_GROUP) {
          H5Eclear2(H5E_DEFAULT);
          return false;
        }
        prefix += "/";
      }
    }
    pos = next + 1;
  }
  return true;
}

H5O_type_t Location::object_type(const std::string& path) const {
  if (!exists(path)) return H5O_TYPE_UNKNOWN;
  H5O_info_t info;
  if (H5Oget_info_by_name2(id(), path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return H5O_TYPE_UNKNOWN;
  }
  return info.type;
}

namespace {
herr_t link_name_cb(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> Location::children() const {
  std::vector<std::string> names;
  hsize_t idx = 0;
  where_.check(H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, &idx, link_name_cb, &names), "cannot list group");
  return names;
}

Group Location::open_group(const std::string& path) const {
  const Where w = where_.child(path);
  if (object_type(path) != H5O_TYPE_GROUP) w.fail(exists(path) ? "is not a group" : "missing group");
  hid_t g = H5Gopen2(id(), path.c_str(), H5P_DEFAULT);
  if (g < 0) w.fail_hdf5("cannot open group");
  return Group(g, w);
}

// Creates the missing parents of `path` one by one, so that they too carry no timestamps.
void Location::create_parents(const std::string& path) const {
  for (std::size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    const std::string parent = path.substr(0, pos);
    if (parent.empty() || exists(parent)) continue;
    create_group(parent);
  }
}

Group Location::create_group(const std::string& path) const {
  const Where w = where_.child(path);
  if (exists(path)) w.fail("already exists");
  create_parents(path);
  Handle lcpl = lcpl_intermediate();
  Handle gcpl = plist(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl.id(), 0);
  hid_t g = H5Gcreate2(id(), path.c_str(), lcpl.id(), gcpl.id(), H5P_DEFAULT);
  if (g < 0) w.fail_hdf5("cannot create group");
  return Group(g, w);
}

Group Location::require_group(const std::string& path) const {
  return exists(path) ? open_group(path) : create_group(path);
}

Dataset Location::open_dataset(const std::string& path) const {
  const Where w = where_.child(path);
  if (object_type(path) != H5O_TYPE_DATASET) w.fail(exists(path) ? "is not a dataset" : "missing dataset");
  hid_t d = H5Dopen2(id(), path.c_str(), H5P_DEFAULT);
  if (d < 0) w.fail_hdf5("cannot open dataset");
  return Dataset(d, w);
}

Dataset Location::create_dataset(const std::string& path, hid_t mem_type, std::span<const hsize_t> dims,
                                 const DatasetCreate& opt) const {
  const Where w = where_.child(path);
  if (exists(path)) w.fail("already exists");
  SPRIG_EXPECTS(opt.compression >= 0 && opt.compression <= 9, "hdf5: compression level must be in 0..9 (got {})",
                opt.compression);
  SPRIG_EXPECTS(dims.size() <= 2, "hdf5: datasets are rank 0, 1 or 2 (got {})", dims.size());
  const std::size_t elem = H5Tget_size(mem_type);
  std::uint64_t total = 1;
  for (hsize_t d : dims) total *= d;
  Handle dcpl = plist(H5P_DATASET_CREATE);
  H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER);
  H5Pset_obj_track_times(dcpl.id(), 0);  // no timestamps: same data, same bytes
  if (!dims.empty() && total > 0 && (opt.chunked || opt.compression > 0)) {
    const hsize_t cols = dims.size() == 2 ? dims[1] : 1;
    const hsize_t row_bytes = std::max<hsize_t>(1, cols * elem);
    hsize_t rows = std::max<hsize_t>(1, opt.chunk_bytes / row_bytes);
    rows = std::min(rows, dims[0]);
    // HDF5 limits a chunk to 4 GiB
    rows = std::min<hsize_t>(rows, std::max<hsize_t>(1, (hsize_t{1} << 31) / row_bytes));
    hsize_t chunk[2] = {rows, cols};
    w.check(H5Pset_chunk(dcpl.id(), static_cast<int>(dims.size()), chunk), "cannot set chunking");
    if (opt.compression > 0) {
      if (opt.shuffle && elem > 1) w.check(H5Pset_shuffle(dcpl.id()), "cannot set shuffle");
      w.check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(opt.compression)), "cannot set deflate");
    }
  }
  Dataspace space = Dataspace::simple(dims);
  create_parents(path);
  Handle lcpl = lcpl_intermediate();
  hid_t d = H5Dcreate2(id(), path.c_str(), mem_type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT);
  if (d < 0) w.fail_hdf5("cannot create dataset");
  return Dataset(d, w);
}

void Location::link(const std::string& target, const std::string& link) const {
  Handle lcpl = lcpl_intermediate();
  where_.child(link).check(H5Lcreate_hard(id(), target.c_str(), id(), link.c_str(), lcpl.id(), H5P_DEFAULT),
                           "cannot create link");
}

void Location::move(const std::string& from, const std::string& to) const {
  Handle lcpl = lcpl_intermediate();
  where_.child(to).check(H5Lmove(id(), from.c_str(), id(), to.c_str(), lcpl.id(), H5P_DEFAULT),
                         "cannot move link");
}

void Location::remove(const std::string& path) const {
  where_.child(path).check(H5Ldelete(id(), path.c_str(), H5P_DEFAULT), "cannot remove link");
}

bool Location::has_attr(const std::string& name) const { return H5Aexists(id(), name.c_str()) > 0; }

Attribute Location::open_attr(const std::string& name) const {
  if (!has_attr(name)) where_.fail("missing attribute " + name);
  hid_t a = H5Aopen(id(), name.c_str(), H5P_DEFAULT);
  if (a < 0) where_.fail_hdf5(("cannot open attribute " + name).c_str());
  return Attribute(a, where_);
}

AttrValue Location::read_attr(const std::string& name) const { return open_attr(name).read(); }
Attributes Location::read_attrs() const { return read_all_attrs(id(), where_); }
void Location::write_attr(const std::string& name, const AttrValue& value) const {
  write_attr_value(id(), where_, name, value);
}
void Location::write_attrs(const Attributes& attrs) const {
  for (const auto& [k, v] : attrs) write_attr(k, v);
}

// ---------------------------------------------------------------- File

bool is_hdf5_file(const std::string& path) {
  silence_errors();
  const htri_t r = H5Fis_hdf5(path.c_str());
  H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

File File::open(const std::string& path, Mode mode) {
  silence_errors();
  auto p = std::make_shared<const std::string>(path);
  Where w{p, ""};
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) w.fail("no such file");
  if (std::filesystem::is_directory(path, ec)) w.fail("is a directory, not an HDF5 file");
  if (!is_hdf5_file(path)) w.fail("not an HDF5 file (no HDF5 signature found)");
  hid_t f = H5Fopen(path.c_str(), mode == Mode::read ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) w.fail_hdf5(mode == Mode::read ? "cannot open for reading" : "cannot open for writing");
  return File(f, w);
}

File File::create(const std::string& path) {
  silence_errors();
  Where w{std::make_shared<const std::string>(path), ""};
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) w.fail_hdf5("cannot create file");
  return File(f, w);
}

void File::flush() const { where_.check(H5Fflush(id(), H5F_SCOPE_LOCAL), "cannot flush"); }

void File::close() {
  if (!h_.valid()) return;
  if (h_.reset() < 0) where_.fail_hdf5("cannot close (flush failed)");
}

File::~File() = default;

// ---------------------------------------------------------------- Dataset

Datatype Dataset::type() const { return Datatype(where_.check(H5Dget_type(id()), "cannot get type")); }
Dataspace Dataset::space() const { return Dataspace(where_.check(H5Dget_space(id()), "cannot get dataspace")); }

std::uint64_t Dataset::size() const {
  std::uint64_t n = 1;
  for (hsize_t d : dims()) n *= d;
  return n;
}

std::vector<hsize_t> Dataset::chunk_dims() const {
  Handle dcpl(where_.check(H5Dget_create_plist(id()), "cannot get creation properties"), H5Pclose);
  if (H5Pget_layout(dcpl.id()) != H5D_CHUNKED) return {};
  hsize_t c[H5S_MAX_RANK];
  const int r = H5Pget_chunk(dcpl.id(), H5S_MAX_RANK, c);
  if (r <= 0) return {};
  return std::vector<hsize_t>(c, c + r);
}

namespace {
struct FilterInfo {
  H5Z_filter_t id;
  unsigned level;
  std::string name;
};
std::vector<FilterInfo> filter_list(hid_t dcpl) {
  std::vector<FilterInfo> out;
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, cd[8] = {0};
    std::size_t ncd = 8;
    char name[64] = {0};
    unsigned config = 0;
    const H5Z_filter_t f = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &ncd, cd, sizeof name, name, &config);
    out.push_back({f, ncd > 0 ? cd[0] : 0u, name});
  }
  return out;
}
}  // namespace

std::vector<std::string> Dataset::filters() const {
  Handle dcpl(where_.check(H5Dget_create_plist(id()), "cannot get creation properties"), H5Pclose);
  std::vector<std::string> out;
  for (const auto& f : filter_list(dcpl.id())) {
    if (f.id == H5Z_FILTER_DEFLATE) out.push_back("deflate(" + std::to_string(f.level) + ")");
    else if (f.id == H5Z_FILTER_SHUFFLE) out.push_back("shuffle");
    else out.push_back(f.name.empty() ? "filter" + std::to_string(f.id) : f.name);
  }
  return out;
}

void Dataset::check_plausible_size(std::size_t elem) const {
  const std::uint64_t n = size();
  hsize_t file_bytes = 0;
  Handle f(H5Iget_file_id(id()), H5Fclose);
  if (!f.valid() || H5Fget_filesize(f.id(), &file_bytes) < 0) where_.fail_hdf5("cannot get the file size");
  // deflate cannot compress better than about 1032:1
  const long double limit = static_cast<long double>(file_bytes) * 1100.0L + (1 << 20);
  if (static_cast<long double>(n) * static_cast<long double>(elem) > limit)
    where_.fail(fmt::format("claims {} elements, more than a file of {} bytes can hold (corrupt?)", n, file_bytes));
}

std::uint64_t Dataset::storage_bytes() const { return H5Dget_storage_size(id()); }

void Dataset::expect_rank(int rank) const {
  const int r = static_cast<int>(dims().size());
  if (r != rank) where_.fail(fmt::format("expected rank {}, found rank {}", rank, r));
}

void Dataset::expect_integer(bool allow_bool) const {
  const Datatype t = type();
  const auto c = t.type_class();
  if (c == H5T_INTEGER) return;
  if (allow_bool && c == H5T_ENUM && t.size() == 1) return;
  where_.fail("expected an integer dataset, found " + t.describe());
}

void Dataset::expect_numeric() const {
  const Datatype t = type();
  const auto c = t.type_class();
  if (c != H5T_INTEGER && c != H5T_FLOAT) where_.fail("expected a numeric dataset, found " + t.describe());
}

namespace {

// Geometry of a row-range transfer on a rank 0/1/2 dataset.
struct Geometry {
  int rank = 0;
  hsize_t rows = 1, cols = 1;
};

Geometry geometry(const Dataset& d, std::size_t count, std::uint64_t first, std::uint64_t rows) {
  const auto dims = d.dims();
  Geometry g;
  g.rank = static_cast<int>(dims.size());
  if (g.rank > 2) d.where().fail(fmt::format("expected rank 1 or 2, found rank {}", g.rank));
  if (g.rank >= 1) g.rows = dims[0];
  if (g.rank == 2) g.cols = dims[1];
  if (first + rows > g.rows)
    d.where().fail(fmt::format("rows [{}, {}) outside the dataset's {} rows", first, first + rows, g.rows));
  if (count != rows * g.cols)
    throw InvalidArgument(fmt::format("hdf5: buffer of {} elements for {} rows × {} columns of {}", count, rows,
                                      g.cols, d.name()));
  return g;
}

// Shuffle+deflate chunks moved raw: the plan, when the dataset qualifies.
struct RawPlan {
  bool ok = false;
  hsize_t chunk_rows = 0;
  bool shuffle = false, deflate = false;
  unsigned shuffle_bit = 0, deflate_bit = 0;  // filter index (bit in the chunk's filter mask)
  unsigned level = 0;
};

RawPlan raw_plan(const Dataset& d, hid_t mem, const Geometry& g) {
  RawPlan p;
  if (g.rank == 0) return p;
  Handle dcpl(H5Dget_create_plist(d.id()), H5Pclose);
  if (!dcpl.valid() || H5Pget_layout(dcpl.id()) != H5D_CHUNKED) return p;
  hsize_t c[2] = {0, 0};
  if (H5Pget_chunk(dcpl.id(), 2, c) != g.rank) return p;
  if (g.rank == 2 && c[1] != g.cols) return p;
  const auto fl = filter_list(dcpl.id());
  if (fl.empty()) return p;
  for (std::size_t i = 0; i < fl.size(); ++i) {
    if (fl[i].id == H5Z_FILTER_SHUFFLE && !p.deflate && !p.shuffle) {
      p.shuffle = true;
      p.shuffle_bit = static_cast<unsigned>(i);
    } else if (fl[i].id == H5Z_FILTER_DEFLATE && !p.deflate) {
      p.deflate = true;
      p.deflate_bit = static_cast<unsigned>(i);
      p.level = fl[i].level;
    } else {
      return p;
    }
  }
  if (!p.deflate) return p;
  Datatype ft(H5Dget_type(d.id()));
  if (!ft.valid() || H5Tequal(ft.id(), mem) <= 0) return p;
  p.chunk_rows = c[0];
  p.ok = p.chunk_rows > 0;
  return p;
}

void unshuffle(const unsigned char* in, unsigned char* out, std::size_t chunk_elems, std::size_t elem,
               std::size_t first_elem, std::size_t n_elems) {
  if (elem == 1) {
    std::memcpy(out, in + first_elem, n_elems);
    return;
  }
  for (std::size_t b = 0; b < elem; ++b) {
    const unsigned char* src = in + b * chunk_elems + first_elem;
    unsigned char* dst = out + b;
    for (std::size_t i = 0; i < n_elems; ++i) dst[i * elem] = src[i];
  }
}

void shuffle_bytes(const unsigned char* in, unsigned char* out, std::size_t n_elems, std::size_t elem) {
  if (elem == 1) {
    std::memcpy(out, in, n_elems);
    return;
  }
  for (std::size_t b = 0; b < elem; ++b) {
    unsigned char* dst = out + b * n_elems;
    const unsigned char* src = in + b;
    for (std::size_t i = 0; i < n_elems; ++i) dst[i] = src[i * elem];
  }
}

// Chunk decode outcomes, reported by chunk_error().
enum ChunkStatus : int { kChunkOk = 0, kChunkWrongSize = 1, kChunkShortRead = 2, kChunkBadDeflate = 3, kChunkNoMemory = 4 };

std::string chunk_error(int status) {
  switch (status) {
    case kChunkWrongSize: return "wrong decompressed size";
    case kChunkShortRead: return "short read: file truncated?";
    case kChunkBadDeflate: return "invalid deflate data";
    case kChunkNoMemory: return "out of memory";
    default: return fmt::format("status {}", status);
  }
}

// Inflates one chunk of HDF5's deflate filter (a zlib stream) into exactly
// `want` bytes. libdeflate decodes whole buffers 2–3× faster than zlib's
// streaming inflate, and decoding is what bounds reading compressed graphs.
// One decompressor per thread, kept for the thread's life.
int inflate_chunk(const unsigned char* src, std::size_t n, unsigned char* dst, std::size_t want) {
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Free> dec(libdeflate_alloc_decompressor());
  if (!dec) return kChunkNoMemory;
  std::size_t got = 0;
  const libdeflate_result r = libdeflate_zlib_decompress(dec.get(), src, n, dst, want, &got);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return kChunkWrongSize;
  if (r != LIBDEFLATE_SUCCESS) return kChunkBadDeflate;
  return got == want ? kChunkOk : kChunkWrongSize;
}

// pread(2) until `n` bytes are in, or false (EOF, error).
bool pread_full(int fd, unsigned char* dst, std::size_t n, std::uint64_t off) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, dst, std::min<std::size_t>(n, std::size_t{1} << 30), static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    dst += r;
    off += static_cast<std::uint64_t>(r);
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// Direct reads: when the file is open read-only through the default (sec2)
// driver without a user block, the dataset's bytes sit at file offsets HDF5
// tells us (H5Dget_offset for contiguous data, H5Dget_chunk_info_by_coord per
// chunk). They are then read with pread(2) from the calling arena's threads —
// and inflated and unshuffled in the same task — so neither the copy from the
// page cache nor the decompression is serialized behind HDF5's single lock.
// Returns false (nothing read) when the dataset does not qualify.
bool read_direct(const Dataset& d, const Where& where, hid_t mem, std::size_t elem, unsigned char* dst,
                 std::uint64_t first, std::uint64_t rows, const Geometry& g, const BlockOptions& opt) {
  const auto& on_rows = opt.on_rows;
  const hsize_t total_rows = g.rows, cols = g.cols;
  if (g.rank == 0) return false;
  Handle fid(H5Iget_file_id(d.id()), H5Fclose);
  if (!fid.valid()) return false;
  unsigned intent = 0;
  if (H5Fget_intent(fid.id(), &intent) < 0 || (intent & H5F_ACC_RDWR)) return false;
  Handle fapl(H5Fget_access_plist(fid.id()), H5Pclose);
  Handle fcpl(H5Fget_create_plist(fid.id()), H5Pclose);
  hsize_t userblock = 1;
  if (!fapl.valid() || !fcpl.valid() || H5Pget_driver(fapl.id()) != H5FD_SEC2 ||
      H5Pget_userblock(fcpl.id(), &userblock) < 0 || userblock != 0)
    return false;
  Datatype ft(H5Dget_type(d.id()));
  if (!ft.valid() || H5Tequal(ft.id(), mem) <= 0) return false;
  Handle dcpl(H5Dget_create_plist(d.id()), H5Pclose);
  if (!dcpl.valid() || H5Pget_external_count(dcpl.id()) != 0) return false;
  const H5D_layout_t layout = H5Pget_layout(dcpl.id());
  hsize_t file_bytes = 0;
  if (H5Fget_filesize(fid.id(), &file_bytes) < 0) return false;
  const std::size_t row_bytes = cols * elem;
  const std::uint64_t end = first + rows;

  struct Fd {
    int fd;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  };

  if (layout == H5D_CONTIGUOUS) {
    const haddr_t base = H5Dget_offset(d.id());
    if (base == HADDR_UNDEF) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    const std::uint64_t off = base + first * row_bytes, n = rows * row_bytes;
    if (off + n > file_bytes || off + n < off)
      where.fail(fmt::format("data at bytes [{}, {}) lies beyond the end of the {}-byte file (truncated?)", off,
                             off + n, file_bytes));
    Fd f{::open(where.file->c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return false;
    // Pieces of whole rows, about 2 MiB (at most block_bytes): small enough that
    // on_rows finds a piece still in cache, large enough that syscalls cost nothing.
    const std::uint64_t piece_bytes = std::min<std::uint64_t>(std::uint64_t{2} << 20, opt.block_bytes);
    const std::uint64_t piece_rows = std::max<std::uint64_t>(1, piece_bytes / row_bytes);
    std::atomic<bool> ok{true};
    parallel_for<std::size_t>(
        0, num_chunks(rows, piece_rows),
        [&](std::size_t k) {
          const std::uint64_t r0 = k * piece_rows, nr = std::min<std::uint64_t>(piece_rows, rows - r0);
          if (!pread_full(f.fd, dst + r0 * row_bytes, nr * row_bytes, off + r0 * row_bytes)) {
            ok = false;
            return;
          }
          if (on_rows) on_rows(first + r0, nr);
        },
        1);
    if (!ok) where.fail("short read of the data (file truncated or unreadable)");
    return true;
  }
  if (layout != H5D_CHUNKED) return false;
  RawPlan plan = raw_plan(d, mem, g);
  hsize_t c[2] = {0, 0};
  if (H5Pget_chunk(dcpl.id(), 2, c) != g.rank || (g.rank == 2 && c[1] != cols) || c[0] == 0) return false;
  if (!plan.ok) {  // qualifies only without any filter
    if (H5Pget_nfilters(dcpl.id()) != 0) return false;
    plan = RawPlan{};
    plan.chunk_rows = c[0];
  }
  const hsize_t cr = plan.chunk_rows;
  const std::size_t chunk_elems = cr * cols, chunk_bytes = chunk_elems * elem;
  const std::uint64_t c_first = first / cr, c_end = (end + cr - 1) / cr;
  const std::size_t nchunks = c_end - c_first;
  std::vector<haddr_t> addr(nchunks);
  std::vector<hsize_t> size(nchunks);
  std::vector<unsigned> mask(nchunks);
  const std::uint64_t max_stored = compressBound(static_cast<uLong>(chunk_bytes)) + 64;
  for (std::size_t k = 0; k < nchunks; ++k) {
    hsize_t off[2] = {(c_first + k) * cr, 0};
    if (H5Dget_chunk_info_by_coord(d.id(), off, &mask[k], &addr[k], &size[k]) < 0)
      where.fail_hdf5(fmt::format("cannot locate chunk at row {}", off[0]).c_str());
    if (addr[k] == HADDR_UNDEF) continue;
    if (size[k] > max_stored || addr[k] + size[k] > file_bytes || addr[k] + size[k] < addr[k])
      where.fail(fmt::format("corrupt chunk index: chunk at row {} claims bytes [{}, {}) of a {}-byte file", off[0],
                             addr[k], addr[k] + size[k], file_bytes));
  }
  Fd f{::open(where.file->c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return false;
  struct Scratch {
    std::vector<unsigned char> raw, plain;
  };
  tbb::enumerable_thread_specific<Scratch> scratch;
  std::vector<int> bad(nchunks, 0);
  parallel_for<std::size_t>(
      0, nchunks,
      [&](std::size_t k) {
        const std::uint64_t row0 = (c_first + k) * cr;
        const std::uint64_t r_lo = std::max<std::uint64_t>(row0, first);
        const std::uint64_t r_hi = std::min<std::uint64_t>(std::min<std::uint64_t>(row0 + cr, total_rows), end);
        unsigned char* out = dst + (r_lo - first) * row_bytes;
        const std::size_t n_el = (r_hi - r_lo) * cols, el0 = (r_lo - row0) * cols;
        const auto done = [&] {
          if (on_rows) on_rows(r_lo, r_hi - r_lo);
        };
        if (addr[k] == HADDR_UNDEF) {
          std::memset(out, 0, n_el * elem);
          done();
          return;
        }
        const bool inflate = plan.deflate && !(mask[k] & (1u << plan.deflate_bit));
        const bool unshuf = plan.shuffle && !(mask[k] & (1u << plan.shuffle_bit));
        if (!inflate && !unshuf) {  // stored as is: read just the rows wanted, straight into place
          if (size[k] != chunk_bytes) bad[k] = 1;
          else if (!pread_full(f.fd, out, n_el * elem, addr[k] + el0 * elem)) bad[k] = 2;
          else done();
          return;
        }
        Scratch& s = scratch.local();
        s.raw.resize(size[k]);
        if (!pread_full(f.fd, s.raw.data(), size[k], addr[k])) {
          bad[k] = 2;
          return;
        }
        const unsigned char* src = s.raw.data();
        if (inflate) {
          s.plain.resize(chunk_bytes);
          if (const int st = inflate_chunk(src, size[k], s.plain.data(), chunk_bytes); st != kChunkOk) {
            bad[k] = st;
            return;
          }
          src = s.plain.data();
        } else if (size[k] != chunk_bytes) {
          bad[k] = 1;
          return;
        }
        if (unshuf) unshuffle(src, out, chunk_elems, elem, el0, n_el);
        else std::memcpy(out, src + el0 * elem, n_el * elem);
        done();
      },
      1);
  for (std::size_t k = 0; k < nchunks; ++k)
    if (bad[k] != 0)
      where.fail(fmt::format("corrupt chunk at row {} ({})", (c_first + k) * cr, chunk_error(bad[k])));
  return true;
}

// The generic (HDF5-library) row path of read_rows_raw / write_rows_raw: rows
// [first, end) in hyperslabs of whole chunks, up to `block_bytes` each; selects
// each in `fs` and calls io(r0, r1, memory space of its (r1 − r0)·cols elements).
template <class Io>
void for_each_row_block(const Where& where, hid_t fs, const std::vector<hsize_t>& chunk_dims, std::uint64_t first,
                        std::uint64_t end, hsize_t cols, std::size_t row_bytes, std::size_t block_bytes, Io&& io) {
  hsize_t block_rows = std::max<hsize_t>(1, block_bytes / std::max<std::size_t>(1, row_bytes));
  if (!chunk_dims.empty() && chunk_dims[0] > 0)
    block_rows = std::max<hsize_t>(chunk_dims[0], block_rows / chunk_dims[0] * chunk_dims[0]);
  for (std::uint64_t r0 = first; r0 < end;) {
    const std::uint64_t r1 = std::min<std::uint64_t>(end, (r0 / block_rows + 1) * block_rows);
    const hsize_t start[2] = {r0, 0}, cnt[2] = {r1 - r0, cols};
    where.check(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, nullptr, cnt, nullptr), "cannot select rows");
    const hsize_t mdims[1] = {(r1 - r0) * cols};
    Dataspace ms = Dataspace::simple(mdims);
    io(r0, r1, ms.id());
    r0 = r1;
  }
}

}  // namespace

void Dataset::read_rows_raw(hid_t mem, std::size_t elem, void* out, std::size_t count, std::uint64_t first,
                            std::uint64_t rows, const BlockOptions& opt) const {
  const Geometry g = geometry(*this, count, first, rows);
  if (count == 0) return;
  if (g.rank == 0) {
    if (H5Dread(id(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) where_.fail_hdf5("cannot read");
    if (opt.on_rows) opt.on_rows(0, 1);
    return;
  }
  auto* dst = static_cast<unsigned char*>(out);
  const std::size_t row_bytes = g.cols * elem;
  const std::uint64_t end = first + rows;
  if (opt.parallel_filters && read_direct(*this, where_, mem, elem, dst, first, rows, g, opt)) return;
  const RawPlan plan = opt.parallel_filters ? raw_plan(*this, mem, g) : RawPlan{};

  if (plan.ok) {
    const hsize_t cr = plan.chunk_rows;
    const std::size_t chunk_elems = cr * g.cols, chunk_bytes = chunk_elems * elem;
    const std::uint64_t c_first = first / cr, c_end = (end + cr - 1) / cr;
    std::vector<unsigned char> raw;
    std::vector<std::size_t> start, size;
    std::vector<std::uint32_t> mask;
    tbb::enumerable_thread_specific<std::vector<unsigned char>> scratch(
        [&] { return std::vector<unsigned char>(chunk_bytes); });
    std::uint64_t c = c_first;
    while (c < c_end) {
      // gather raw chunks up to block_bytes (at least one)
      start.clear();
      size.clear();
      mask.clear();
      std::size_t total = 0;
      const std::uint64_t c0 = c;
      while (c < c_end) {
        hsize_t off[2] = {c * cr, 0};
        hsize_t nbytes = 0;
        if (H5Dget_chunk_storage_size(id(), off, &nbytes) < 0) {
          H5Eclear2(H5E_DEFAULT);
          nbytes = 0;  // never written: fill value (0)
        }
        if (c > c0 && total + nbytes > opt.block_bytes) break;
        start.push_back(total);
        size.push_back(nbytes);
        total += nbytes;
        ++c;
      }
      raw.resize(std::max<std::size_t>(raw.size(), total));
      mask.assign(start.size(), 0);
      for (std::size_t k = 0; k < start.size(); ++k) {
        if (size[k] == 0) continue;
        hsize_t off[2] = {(c0 + k) * cr, 0};
        if (H5Dread_chunk(id(), H5P_DEFAULT, off, &mask[k], raw.data() + start[k]) < 0)
          where_.fail_hdf5(fmt::format("cannot read chunk at row {}", off[0]).c_str());
      }
      std::vector<int> bad(start.size(), 0);
      parallel_for<std::size_t>(
          0, start.size(),
          [&](std::size_t k) {
            const std::uint64_t row0 = (c0 + k) * cr;
            const std::uint64_t r_lo = std::max<std::uint64_t>(row0, first);
            const std::uint64_t r_hi = std::min<std::uint64_t>(std::min<std::uint64_t>(row0 + cr, g.rows), end);
            unsigned char* d = dst + (r_lo - first) * row_bytes;
            const std::size_t n_el = (r_hi - r_lo) * g.cols, el0 = (r_lo - row0) * g.cols;
            if (size[k] == 0) {
              std::memset(d, 0, n_el * elem);
              return;
            }
            const unsigned char* src = raw.data() + start[k];
            auto& buf = scratch.local();
            const bool inflated = plan.deflate && !(mask[k] & (1u << plan.deflate_bit));
            if (inflated) {
              if (const int st = inflate_chunk(src, size[k], buf.data(), chunk_bytes); st != kChunkOk) {
                bad[k] = st;
                return;
              }
              src = buf.data();
            } else if (size[k] != chunk_bytes) {
              bad[k] = 1;
              return;
            }
            if (plan.shuffle && !(mask[k] & (1u << plan.shuffle_bit)))
              unshuffle(src, d, chunk_elems, elem, el0, n_el);
            else
              std::memcpy(d, src + el0 * elem, n_el * elem);
          },
          1);
      for (std::size_t k = 0; k < bad.size(); ++k)
        if (bad[k] != 0)
          where_.fail(fmt::format("corrupt chunk at row {} ({})", (c0 + k) * cr, chunk_error(bad[k])));
    }
    if (opt.on_rows) opt.on_rows(first, rows);
    return;
  }

  // Generic path: hyperslabs of whole chunks, up to block_bytes each, straight into `out`.
  Dataspace fs = space();
  for_each_row_block(where_, fs.id(), chunk_dims(), first, end, g.cols, row_bytes, opt.block_bytes,
                     [&](std::uint64_t r0, std::uint64_t r1, hid_t ms) {
                       if (H5Dread(id(), mem, ms, fs.id(), H5P_DEFAULT, dst + (r0 - first) * row_bytes) < 0)
                         where_.fail_hdf5(fmt::format("cannot read rows [{}, {})", r0, r1).c_str());
                       if (opt.on_rows) opt.on_rows(r0, r1 - r0);
                     });
}

void Dataset::write_rows_raw(hid_t mem, std::size_t elem, const void* in, std::size_t count, std::uint64_t first,
                             std::uint64_t rows, const BlockOptions& opt) const {
  const Geometry g = geometry(*this, count, first, rows);
  if (count == 0) return;
  if (g.rank == 0) {
    if (H5Dwrite(id(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, in) < 0) where_.fail_hdf5("cannot write");
    return;
  }
  const auto* src = static_cast<const unsigned char*>(in);
  const std::size_t row_bytes = g.cols * elem;
  const std::uint64_t end = first + rows;
  const RawPlan plan = opt.parallel_filters ? raw_plan(*this, mem, g) : RawPlan{};
  std::size_t blocks = 0;

  if (plan.ok && first % plan.chunk_rows == 0 && (end % plan.chunk_rows == 0 || end == g.rows)) {
    const hsize_t cr = plan.chunk_rows;
    const std::size_t chunk_elems = cr * g.cols, chunk_bytes = chunk_elems * elem;
    const std::uint64_t c_first = first / cr, c_end = (end + cr - 1) / cr;
    const std::uint64_t per_block = std::max<std::uint64_t>(1, opt.block_bytes / std::max<std::size_t>(1, chunk_bytes));
    const uLong bound = compressBound(static_cast<uLong>(chunk_bytes));
    std::vector<std::vector<unsigned char>> outb;
    std::vector<std::size_t> outn;
    std::vector<std::uint32_t> outmask;
    tbb::enumerable_thread_specific<std::vector<unsigned char>> scratch(
        [&] { return std::vector<unsigned char>(chunk_bytes); });
    for (std::uint64_t c0 = c_first; c0 < c_end; c0 += per_block) {
      const std::uint64_t c1 = std::min(c_end, c0 + per_block);
      const std::size_t k_n = c1 - c0;
      outb.resize(std::max(outb.size(), k_n));
      outn.assign(k_n, 0);
      outmask.assign(k_n, 0);
      std::vector<int> bad(k_n, 0);
      parallel_for<std::size_t>(
          0, k_n,
          [&](std::size_t k) {
            const std::uint64_t row0 = (c0 + k) * cr;
            const std::uint64_t r_hi = std::min<std::uint64_t>(row0 + cr, end);
            const std::size_t n_el = (r_hi - row0) * g.cols;
            auto& buf = scratch.local();
            const unsigned char* s = src + (row0 - first) * row_bytes;
            const unsigned char* z_in = s;
            std::vector<unsigned char> padded;
            if (n_el < chunk_elems) {  // edge chunk: stored full size, zero-padded as HDF5 does
              padded.assign(chunk_bytes, 0);
              std::memcpy(padded.data(), s, n_el * elem);
              z_in = padded.data();
            }
            if (plan.shuffle) {
              shuffle_bytes(z_in, buf.data(), chunk_elems, elem);
              z_in = buf.data();
            }
            auto& o = outb[k];
            o.resize(bound);
            uLongf len = bound;
            const int zr = compress2(o.data(), &len, z_in, static_cast<uLong>(chunk_bytes), static_cast<int>(plan.level));
            if (zr != Z_OK) {
              bad[k] = zr;
              return;
            }
            outn[k] = len;
          },
          1);
      for (std::size_t k = 0; k < k_n; ++k) {
        hsize_t off[2] = {(c0 + k) * cr, 0};
        if (bad[k] != 0) where_.fail(fmt::format("cannot compress chunk at row {} ({})", off[0], zError(bad[k])));
        if (H5Dwrite_chunk(id(), H5P_DEFAULT, outmask[k], off, outn[k], outb[k].data()) < 0)
          where_.fail_hdf5(fmt::format("cannot write chunk at row {}", off[0]).c_str());
      }
      ++blocks;
      if (opt.after_block) opt.after_block(blocks);
    }
    return;
  }

  Dataspace fs = space();
  for_each_row_block(where_, fs.id(), chunk_dims(), first, end, g.cols, row_bytes, opt.block_bytes,
                     [&](std::uint64_t r0, std::uint64_t r1, hid_t ms) {
                       if (H5Dwrite(id(), mem, ms, fs.id(), H5P_DEFAULT, src + (r0 - first) * row_bytes) < 0)
                         where_.fail_hdf5(fmt::format("cannot write rows [{}, {})", r0, r1).c_str());
                       ++blocks;
                       if (opt.after_block) opt.after_block(blocks);
                     });
}

std::vector<std::string> Dataset::read_strings() const {
  Datatype t = type();
  if (t.type_class() != H5T_STRING) where_.fail("expected a string dataset, found " + t.describe());
  Dataspace s = space();
  if (s.dims().size() > 1) where_.fail(fmt::format("expected rank 1, found rank {}", s.dims().size()));
  const auto n = static_cast<std::size_t>(std::max<hssize_t>(0, H5Sget_simple_extent_npoints(s.id())));
  check_plausible_size(1);
  return read_string_values(
      t.id(), n, where_, [&](hid_t mt, void* buf) { return H5Dread(id(), mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); },
      [&](hid_t mt, void* buf) { H5Dvlen_reclaim(mt, s.id(), H5P_DEFAULT, buf); });
}

bool Dataset::has_attr(const std::string& name) const { return H5Aexists(id(), name.c_str()) > 0; }
AttrValue Dataset::read_attr(const std::string& name) const {
  if (!has_attr(name)) where_.fail("missing attribute " + name);
  Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.valid()) where_.fail_hdf5(("cannot open attribute " + name).c_str());
  return read_attr_value(a.id(), where_, name);
}
Attributes Dataset::read_attrs() const { return read_all_attrs(id(), where_); }
void Dataset::write_attr(const std::string& name, const AttrValue& value) const {
  write_attr_value(id(), where_, name, value);
}
void Dataset::write_attrs(const Attributes& attrs) const {
  for (const auto& [k, v] : attrs) write_attr(k, v);
}

Dataset write_strings(const Location& loc, const std::string& path, const std::vector<std::string>& values,
                      const DatasetCreate& opt) {
  const Where w = loc.where().child(path);
  if (loc.exists(path)) w.fail("already exists");
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  Datatype st = Datatype::fixed_string(width);
  const hsize_t dims[1] = {values.size()};
  Dataspace space = Dataspace::simple(dims);
  Handle dcpl = plist(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl.id(), 0);
  if (!values.empty() && opt.compression > 0) {
    const hsize_t chunk[1] = {std::min<hsize_t>(values.size(), 1 << 14)};
    H5Pset_chunk(dcpl.id(), 1, chunk);
    H5Pset_deflate(dcpl.id(), static_cast<unsigned>(opt.compression));
  }
  loc.create_parents(path);
  Handle lcpl = lcpl_intermediate();
  hid_t d = H5Dcreate2(loc.id(), path.c_str(), st.id(), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT);
  if (d < 0) w.fail_hdf5("cannot create dataset");
  Dataset ds(d, w);
  const std::vector<char> buf = pack_fixed(values, width);
  if (!values.empty() && H5Dwrite(d, st.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
    w.fail_hdf5("cannot write strings");
  return ds;
}

}  // namespace sprig::h5
