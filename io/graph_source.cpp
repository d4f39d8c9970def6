#include <sprig/io/graph_source.hpp>

#include <sys/stat.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/io/edge_list_io.hpp>

namespace sprig {
namespace {

bool file_exists(std::string_view path) {
  struct stat st {};
  return ::stat(std::string(path).c_str(), &st) == 0;
}

EdgeListReadOptions read_options(const GraphSourceOptions& opt) {
  EdgeListReadOptions read;
  read.directed = opt.directed;
  read.nodes = opt.nodes;
  read.progress = opt.progress;
  return read;
}

}  // namespace

bool is_generated_source(std::string_view source) { return !file_exists(source) && is_generator_spec(source); }

EdgeList load_edge_list(std::string_view source, const GraphSourceOptions& opt, std::vector<std::int32_t>* labels) {
  if (is_generated_source(source)) {
    SPRIG_EXPECTS(!opt.nodes, "generator spec '{}': --nodes applies to files only (the spec gives the size)",
                  source);
    report(opt.progress, "generate", 0, 1);
    EdgeList edges = generate(source, opt.seed, labels);
    report(opt.progress, "generate", 1, 1);
    if (opt.directed) edges.directed = *opt.directed;
    return edges;
  }
  if (labels) labels->clear();
  return read_edge_list(std::string(source), read_options(opt)).edges;
}

Graph load_graph(std::string_view source, const GraphSourceOptions& opt, BuildStats* stats) {
  BuildOptions build = opt.build;
  if (!build.progress) build.progress = opt.progress;
  if (is_generated_source(source)) return build_csr(load_edge_list(source, opt), build, stats);
  GraphReadOptions read;
  read.read = read_options(opt);
  read.build = build;
  return read_graph(std::string(source), read, stats);
}

std::string source_name(std::string_view source) {
  if (is_generated_source(source)) return std::string(source);
  return file_stem(source);
}

}  // namespace sprig
