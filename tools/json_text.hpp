// tools/json_text.hpp — the plain-text form of a `--json` report, shared by the
// `sprig` CLI and `sprig-bench`: one `key: value` line per leaf, nested keys
// joined with '.', arrays space-separated, floats in %.6g, booleans yes/no.
// Header-only (both executables include it; the library does not use JSON).
#pragma once

#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sprig::tools {

/// One JSON scalar as the text report prints it.
inline std::string format_value(const nlohmann::ordered_json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:.6g}", v.get<double>());
  return v.dump();
}

/// Prints `obj` to stdout as `prefix.key: value` lines.
inline void print_text(const nlohmann::ordered_json& obj, const std::string& prefix = "") {
  for (const auto& [key, value] : obj.items()) {
    if (value.is_object()) {
      print_text(value, prefix + key + ".");
    } else if (value.is_array()) {
      std::string items;
      for (const auto& x : value) items += (items.empty() ? "" : " ") + format_value(x);
      std::printf("%s%s: %s\n", prefix.c_str(), key.c_str(), items.c_str());
    } else {
      std::printf("%s%s: %s\n", prefix.c_str(), key.c_str(), format_value(value).c_str());
    }
  }
}

}  // namespace sprig::tools
