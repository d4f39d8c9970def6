// sprig/graph/error.hpp — the exceptions sprig throws and the check macro.
//
// Every failure is an exception derived from sprig::Error. Messages name the
// value and the rule ("fastrp: dim must be > 0 (got 0)"); IoError also names
// the file and the line or dataset ("karate.edges line 17: node id 40 >= n = 34").
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace sprig {

/// Base of every exception sprig throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An argument or option out of its documented range.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// A file that cannot be read or written, or whose content is malformed.
/// what() is "<path>[ line L| dataset D]: <reason>".
class IoError : public Error {
 public:
  IoError(std::string path, std::string reason, std::int64_t line = 0, std::string dataset = {})
      : Error(compose(path, reason, line, dataset)),
        path_(std::move(path)),
        reason_(std::move(reason)),
        dataset_(std::move(dataset)),
        line_(line) {}

  const std::string& path() const noexcept { return path_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::string& dataset() const noexcept { return dataset_; }
  std::int64_t line() const noexcept { return line_; }  ///< 1-based; 0 when not about a line

 private:
  static std::string compose(const std::string& path, const std::string& reason, std::int64_t line,
                             const std::string& dataset) {
    std::string where = path;
    if (line > 0) where += fmt::format(" line {}", line);
    if (!dataset.empty()) where += fmt::format(" dataset {}", dataset);
    return where + ": " + reason;
  }
  std::string path_, reason_, dataset_;
  std::int64_t line_ = 0;
};

/// Thrown when a progress callback returns false.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

}  // namespace sprig

/// SPRIG_EXPECTS(cond, fmt, args...) throws sprig::InvalidArgument with the
/// formatted message when cond is false; the message is built only on failure.
#define SPRIG_EXPECTS(cond, ...)                                   \
  do {                                                             \
    if (!(cond)) [[unlikely]]                                      \
      throw ::sprig::InvalidArgument(::fmt::format(__VA_ARGS__));  \
  } while (0)
