// sprig/io/atomic_file.hpp — write-to-temp-then-rename output files, plain or gzip.
//
// Every file sprig writes goes through here: the bytes go to a temporary file
// in the target's folder (same file system, so the final rename is atomic),
// and only commit() — fflush, fsync, close, rename, fsync of the folder —
// makes them visible under the target name. A writer that throws, or an
// AtomicFile destroyed without commit(), removes the temporary file and leaves
// any previous file at the target untouched. The pattern is the one of
// POSIX rename(2) "atomic replace" as used by e.g. git's lockfile.c.
//
// Cost: one extra fsync per file. Thread-safety: one object per thread; two
// writers of the same target race only on the final rename (last one wins,
// both files are complete).
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include <zlib.h>

namespace sprig {

/// A temporary file beside `path` that replaces `path` on commit().
class AtomicFile {
 public:
  /// Creates the temporary file; throws IoError(path, reason) if the folder is not writable.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// The open temporary file (nullptr after commit() or abort()).
  std::FILE* file() const noexcept { return file_; }
  const std::string& path() const noexcept { return path_; }
  const std::string& temp_path() const noexcept { return temp_; }

  /// Flushes, fsyncs and renames the temporary file onto path(); throws IoError on any failure
  /// (the temporary file is then removed).
  void commit();
  /// Closes and removes the temporary file (what the destructor does without commit()).
  void abort() noexcept;

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
};

/// Compression of an output file.
enum class Compression {
  by_extension,  ///< gzip when the path ends in ".gz"
  none,
  gzip,
};

/// True when `path` ends in ".gz".
bool has_gz_extension(std::string_view path) noexcept;

/// A buffered text sink writing either plain bytes or gzip to an open file.
/// Built by write_text_atomically(); errors throw IoError naming the target path.
class TextWriter {
 public:
  TextWriter(std::FILE* file, gzFile gz, std::string path);
  TextWriter(const TextWriter&) = delete;
  TextWriter& operator=(const TextWriter&) = delete;
  ~TextWriter();

  /// Appends bytes.
  void write(std::string_view s) {
    if (s.size() > kBuffer - used_) {
      flush();
      if (s.size() >= kBuffer) return write_direct(s);
    }
    std::char_traits<char>::copy(buf_ + used_, s.data(), s.size());
    used_ += s.size();
  }
  void put(char c) {
    if (used_ == kBuffer) flush();
    buf_[used_++] = c;
  }
  /// Space for at least `bytes` (≤ 4096) characters to fill directly; call commit(k) after.
  char* reserve(std::size_t bytes) {
    if (kBuffer - used_ < bytes) flush();
    return buf_ + used_;
  }
  void commit(std::size_t bytes) noexcept { used_ += bytes; }
  /// Writes the buffered bytes to the file.
  void flush();
  const std::string& path() const noexcept { return path_; }

 private:
  void write_direct(std::string_view s);
  static constexpr std::size_t kBuffer = 1 << 20;
  std::FILE* file_;
  gzFile gz_;
  std::string path_;
  char* buf_;
  std::size_t used_ = 0;
};

/// Calls fn with the temporary file, then commits. If fn throws, the temporary
/// file is removed, the target is untouched, and the exception propagates.
void write_atomically(const std::string& path, const std::function<void(std::FILE*)>& fn);

/// Same, writing gzip (level 0–9) through zlib's gzFile.
void write_atomically_gz(const std::string& path, const std::function<void(gzFile)>& fn, int level = 6);

/// Same, through a buffered TextWriter, gzip-compressed when `compression` says so
/// (by default when the path ends in ".gz"). `level` is zlib's 0–9.
void write_text_atomically(const std::string& path, const std::function<void(TextWriter&)>& fn,
                           Compression compression = Compression::by_extension, int level = 6);

}  // namespace sprig
