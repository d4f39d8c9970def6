// sprig/io/text_source.hpp — a text file, plain or gzip, delivered in large
// blocks that end at a line break.
//
// gzip is recognised by its magic bytes (1f 8b), not by the name, and read
// with zlib's gzread into blocks of `block_bytes` (default 64 MiB); plain
// files with read(2). Each block ends just after a '\n' (the last one may
// not), so parsers never see a line split across blocks; a line longer than
// a block makes the block grow. A truncated or corrupt gzip stream (bad CRC,
// bad deflate data, missing trailer) is an IoError naming the file.
//
// Cost: one copy of each byte (plus decompression). Memory: one block plus
// the longest line. Thread-safety: one object per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sprig {

/// Blocks of a text file; see the file comment.
class TextSource {
 public:
  /// Opens `path`; throws IoError(path, reason) if it is missing or unreadable.
  explicit TextSource(std::string path, std::size_t block_bytes = std::size_t{64} << 20);
  ~TextSource();
  TextSource(const TextSource&) = delete;
  TextSource& operator=(const TextSource&) = delete;

  /// The next block (ending after a '\n' unless it is the last); false at the end.
  /// The view stays valid until the next call. Throws IoError on read or gzip errors.
  bool next(std::string_view& block);

  bool gzip() const noexcept;
  /// Size of the file on disk (compressed size for gzip).
  std::uint64_t file_bytes() const noexcept;
  /// Bytes of the file on disk consumed so far (compressed bytes for gzip).
  std::uint64_t file_bytes_read() const noexcept;
  const std::string& path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The whole (decompressed) content of `path`. Throws IoError as TextSource does.
std::string read_text_file(const std::string& path);

/// True when the file starts with the gzip magic bytes. Throws IoError if it cannot be opened.
bool is_gzip_file(const std::string& path);

}  // namespace sprig
