#include <sprig/io/atomic_file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <sprig/graph/error.hpp>

namespace sprig {

namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The mode a plain fopen(path, "w") would give: 0666 minus the umask (mkstemp gives 0600).
mode_t default_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw IoError(path_, "cannot write: empty path");
  if (path_.back() == '/') throw IoError(path_, "cannot write: path names a folder");
  // Hidden name in the same folder: rename() within one file system is atomic.
  std::string templ = folder_of(path_) + "/." + base_of(path_) + ".tmp.XXXXXX";
  const int fd = ::mkstemp(templ.data());
  if (fd < 0) throw IoError(path_, "cannot create a temporary file in its folder: " + errno_text(errno));
  temp_ = std::move(templ);
  ::fchmod(fd, default_mode());
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp_.c_str());
    throw IoError(path_, "cannot open a temporary file: " + errno_text(err));
  }
}

AtomicFile::~AtomicFile() {
  abort();
}

void AtomicFile::abort() noexcept {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
    ::unlink(temp_.c_str());
  }
}

void AtomicFile::commit() {
  if (!file_) throw IoError(path_, "commit after commit or abort");
  auto fail = [&](const std::string& what, int err) {
    abort();
    throw IoError(path_, what + ": " + errno_text(err));
  };
  if (std::fflush(file_) != 0 || std::ferror(file_)) fail("cannot write", errno ? errno : EIO);
  if (::fsync(::fileno(file_)) != 0) fail("cannot sync to disk", errno);
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) {
    const int err = errno;
    ::unlink(temp_.c_str());
    throw IoError(path_, "cannot close: " + errno_text(err));
  }
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_.c_str());
    throw IoError(path_, "cannot rename the temporary file onto the target: " + errno_text(err));
  }
  // Make the rename itself durable; failure here leaves a complete file, so it is not an error.
  const int dir = ::open(folder_of(path_).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

bool has_gz_extension(std::string_view path) noexcept {
  return path.size() >= 3 && path.substr(path.size() - 3) == ".gz";
}

// ---------------------------------------------------------------------------

TextWriter::TextWriter(std::FILE* file, gzFile gz, std::string path)
    : file_(file), gz_(gz), path_(std::move(path)), buf_(new char[kBuffer]) {}

TextWriter::~TextWriter() {
  delete[] buf_;
}

void TextWriter::write_direct(std::string_view s) {
  // Large pieces skip the buffer; gzwrite takes unsigned lengths, so go in slices.
  while (!s.empty()) {
    const std::size_t k = s.size() < kBuffer ? s.size() : kBuffer;
    if (gz_) {
      if (gzwrite(gz_, s.data(), static_cast<unsigned>(k)) != static_cast<int>(k)) {
        int zerr = 0;
        throw IoError(path_, std::string("cannot write compressed data: ") + gzerror(gz_, &zerr));
      }
    } else if (std::fwrite(s.data(), 1, k, file_) != k) {
      throw IoError(path_, "cannot write: " + errno_text(errno));
    }
    s.remove_prefix(k);
  }
}

void TextWriter::flush() {
  if (used_ == 0) return;
  const std::size_t k = used_;
  used_ = 0;
  write_direct({buf_, k});
}

void write_atomically(const std::string& path, const std::function<void(std::FILE*)>& fn) {
  AtomicFile out(path);
  fn(out.file());
  out.commit();
}

void write_atomically_gz(const std::string& path, const std::function<void(gzFile)>& fn, int level) {
  if (level < 0 || level > 9)
    throw InvalidArgument(fmt::format("{}: gzip level must be in [0, 9] (got {})", path, level));
  AtomicFile out(path);
  // zlib writes through its own descriptor (a dup), closed by gzclose before the commit.
  std::fflush(out.file());
  const int fd = ::dup(::fileno(out.file()));
  if (fd < 0) throw IoError(path, "cannot duplicate the file descriptor: " + errno_text(errno));
  const std::string mode = fmt::format("wb{}", level);
  gzFile gz = gzdopen(fd, mode.c_str());
  if (!gz) {
    ::close(fd);
    throw IoError(path, "cannot start gzip compression");
  }
  gzbuffer(gz, 1 << 20);
  try {
    fn(gz);
  } catch (...) {
    gzclose(gz);
    throw;
  }
  const int rc = gzclose(gz);
  if (rc != Z_OK) throw IoError(path, fmt::format("cannot finish the gzip stream (zlib error {})", rc));
  out.commit();
}

void write_text_atomically(const std::string& path, const std::function<void(TextWriter&)>& fn, Compression compression,
                           int level) {
  const bool gz =
      compression == Compression::gzip || (compression == Compression::by_extension && has_gz_extension(path));
  if (gz) {
    write_atomically_gz(
        path,
        [&](gzFile g) {
          TextWriter w(nullptr, g, path);
          fn(w);
          w.flush();
        },
        level);
  } else {
    write_atomically(path, [&](std::FILE* f) {
      TextWriter w(f, nullptr, path);
      fn(w);
      w.flush();
    });
  }
}

}  // namespace sprig
