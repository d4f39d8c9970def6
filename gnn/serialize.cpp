// Model files; see serialize.hpp.
#include <sprig/gnn/serialize.hpp>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/hdf5.hpp>

namespace sprig::gnn {

namespace {
constexpr const char* kFormat = "sprig-gnn-model";
constexpr std::int64_t kVersion = 1;

std::int64_t get_int(const h5::File& f, const std::string& path, const char* name) {
  if (!f.has_attr(name)) throw IoError(path, fmt::format("missing attribute '{}'", name), 0, "/");
  const auto v = f.read_attr(name);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  throw IoError(path, fmt::format("attribute '{}' is not a number", name), 0, "/");
}
double get_real(const h5::File& f, const std::string& path, const char* name) {
  if (!f.has_attr(name)) throw IoError(path, fmt::format("missing attribute '{}'", name), 0, "/");
  const auto v = f.read_attr(name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw IoError(path, fmt::format("attribute '{}' is not a number", name), 0, "/");
}
std::string get_string(const h5::File& f, const std::string& path, const char* name) {
  if (!f.has_attr(name)) throw IoError(path, fmt::format("missing attribute '{}'", name), 0, "/");
  const auto v = f.read_attr(name);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw IoError(path, fmt::format("attribute '{}' is not a string", name), 0, "/");
}
}  // namespace

void save_model(const std::string& path, Model& model) {
  const ModelSpec& s = model.spec();
  AtomicFile out(path);
  {
    h5::File f = h5::File::create(out.temp_path());
    f.write_attrs(h5::Attributes{
        {"format", std::string(kFormat)},
        {"version", kVersion},
        {"kind", s.kind},
        {"in_features", std::int64_t{s.in_features}},
        {"hidden", std::int64_t{s.hidden}},
        {"out_features", std::int64_t{s.out_features}},
        {"layers", std::int64_t{s.layers}},
        {"dropout", s.dropout},
        {"activation", s.activation},
        {"aggr", s.aggr},
        {"identity_input", std::int64_t{s.identity_input}},
        {"residual", std::int64_t{s.residual}},
        {"layer_norm", std::int64_t{s.layer_norm}},
        {"virtual_node", std::int64_t{s.virtual_node}},
        {"heads", std::int64_t{s.heads}},
        {"dagnn_k", std::int64_t{s.dagnn_k}},
        {"avg_log_degree", s.avg_log_degree},
    });
    h5::Group g = f.create_group("params");
    const auto params = model.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Param& p = *params[i];
      const hsize_t dims[2] = {static_cast<hsize_t>(p.value.rows()), static_cast<hsize_t>(p.value.cols())};
      h5::Dataset d = g.create_dataset(p.name, h5::native_type<float>(), dims, h5::DatasetCreate{.compression = 0, .chunked = false});
      d.write_all<float>(std::span<const float>(p.value.data(), static_cast<std::size_t>(p.value.size())));
      d.write_attr("index", static_cast<std::int64_t>(i));
    }
    f.close();
  }
  out.commit();
}

Model load_model(const std::string& path) {
  h5::File f = h5::File::open(path);
  if (!f.has_attr("format") || get_string(f, path, "format") != kFormat)
    throw IoError(path, fmt::format("not a sprig GNN model (attribute 'format' is not '{}')", kFormat), 0, "/");
  const auto version = get_int(f, path, "version");
  if (version != kVersion)
    throw IoError(path, fmt::format("model format version {} is not supported (expected {})", version, kVersion), 0, "/");
  ModelSpec s;
  s.kind = get_string(f, path, "kind");
  s.in_features = static_cast<int>(get_int(f, path, "in_features"));
  s.hidden = static_cast<int>(get_int(f, path, "hidden"));
  s.out_features = static_cast<int>(get_int(f, path, "out_features"));
  s.layers = static_cast<int>(get_int(f, path, "layers"));
  s.dropout = get_real(f, path, "dropout");
  s.activation = get_string(f, path, "activation");
  s.aggr = get_string(f, path, "aggr");
  s.identity_input = get_int(f, path, "identity_input") != 0;
  s.residual = get_int(f, path, "residual") != 0;
  s.layer_norm = get_int(f, path, "layer_norm") != 0;
  s.virtual_node = get_int(f, path, "virtual_node") != 0;
  s.heads = static_cast<int>(get_int(f, path, "heads"));
  s.dagnn_k = static_cast<int>(get_int(f, path, "dagnn_k"));
  s.avg_log_degree = get_real(f, path, "avg_log_degree");
  Model m;
  try {
    m = make_model(s, 0);
  } catch (const InvalidArgument& e) {
    throw IoError(path, std::string("bad model description: ") + e.what(), 0, "/");
  }
  for (Param* p : m.parameters()) {
    const std::string ds = "/params/" + p->name;
    if (!f.exists(ds)) throw IoError(path, "missing parameter", 0, ds);
    h5::Dataset d = f.open_dataset(ds);
    const auto dims = d.dims();
    if (dims.size() != 2 || dims[0] != static_cast<hsize_t>(p->value.rows()) ||
        dims[1] != static_cast<hsize_t>(p->value.cols()))
      throw IoError(path,
                    fmt::format("parameter shape {} does not match the model ({} x {})",
                                dims.size() == 2 ? fmt::format("{} x {}", dims[0], dims[1]) : std::string("(not 2-D)"),
                                p->value.rows(), p->value.cols()),
                    0, ds);
    d.expect_numeric();
    d.read_rows<float>(std::span<float>(p->value.data(), static_cast<std::size_t>(p->value.size())), 0, dims[0]);
    p->zero_grad();
  }
  return m;
}

}  // namespace sprig::gnn
