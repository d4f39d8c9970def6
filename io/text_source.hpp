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

#include <sprig/graph/progress.hpp>

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

/// Feeds `text` to `reader.feed(block)` in blocks of about `block_bytes` that end
/// just after a '\n' (the last may not), reporting stage "parse" per block: the
/// in-memory twin of TextSource, so a parser sees the same blocks either way.
template <class Reader>
void feed_text_blocks(std::string_view text, std::size_t block_bytes, const ProgressFn& progress, Reader& reader) {
  const std::size_t block = block_bytes > 0 ? block_bytes : 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = pos + block;
    if (end >= text.size()) {
      end = text.size();
    } else {
      const auto nl = text.find('\n', end - 1);
      end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    reader.feed(text.substr(pos, end - pos));
    pos = end;
    report(progress, "parse", pos, text.size());
  }
}

/// Feeds every block of the file `path` to `reader.feed(block)`, reporting stage
/// "read" in bytes of the file on disk.
template <class Reader>
void feed_file_blocks(const std::string& path, std::size_t block_bytes, const ProgressFn& progress, Reader& reader) {
  TextSource source(path, block_bytes);
  std::string_view block;
  while (source.next(block)) {
    reader.feed(block);
    report(progress, "read", source.file_bytes_read(), source.file_bytes());
  }
}

}  // namespace sprig
