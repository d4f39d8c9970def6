#pragma once
#include <string>
#include <sprig/graph/build.hpp>
namespace sprig {
Graph read_graph(const std::string& path);
}
