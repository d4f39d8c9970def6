#include <sprig/io/text_source.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <zlib.h>

#include <sprig/graph/error.hpp>

namespace sprig {

struct TextSource::Impl {
  std::string path;
  int fd = -1;
  gzFile gz = nullptr;
  std::uint64_t size = 0;
  std::uint64_t consumed = 0;  // plain files: bytes read so far
  std::size_t block;
  std::vector<char> buf;
  std::size_t carry_begin = 0, carry_end = 0;  // bytes after the last delivered '\n'
  bool eof = false, done = false;

  ~Impl() {
    if (gz)
      gzclose(gz);  // closes fd too
    else if (fd >= 0)
      ::close(fd);
  }

  // Reads up to `want` bytes at `dst`; returns the count (0 at the end).
  std::size_t read_some(char* dst, std::size_t want) {
    if (gz) {
      const unsigned ask = want > (1u << 30) ? (1u << 30) : static_cast<unsigned>(want);
      const int got = gzread(gz, dst, ask);
      int zerr = Z_OK;
      const char* msg = gzerror(gz, &zerr);
      if (got < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
        // Z_BUF_ERROR: the stream ended before its trailer (a truncated file).
        if (zerr == Z_BUF_ERROR) throw IoError(path, "truncated gzip file (unexpected end of compressed data)");
        throw IoError(path, std::string("corrupt gzip file: ") + (msg && *msg ? msg : "read error"));
      }
      return static_cast<std::size_t>(got);
    }
    for (;;) {
      const ssize_t got = ::read(fd, dst, want);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw IoError(path, std::string("cannot read: ") + std::strerror(errno));
      }
      consumed += static_cast<std::uint64_t>(got);
      return static_cast<std::size_t>(got);
    }
  }
};

namespace {

int open_or_throw(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw IoError(path, "cannot read: is a folder");
  }
  return fd;
}

bool magic_at_start(int fd) {
  unsigned char m[2] = {0, 0};
  const ssize_t got = ::pread(fd, m, 2, 0);
  return got == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

}  // namespace

TextSource::TextSource(std::string path, std::size_t block_bytes) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = std::move(path);
  s.block = block_bytes < 16 ? 16 : block_bytes;
  s.fd = open_or_throw(s.path);
  struct stat st {};
  if (::fstat(s.fd, &st) == 0) s.size = static_cast<std::uint64_t>(st.st_size);
  if (magic_at_start(s.fd)) {
    s.gz = gzdopen(s.fd, "rb");
    if (!s.gz) throw IoError(s.path, "cannot start gzip decompression");
    gzbuffer(s.gz, 1 << 20);
  } else if (S_ISREG(st.st_mode) && s.size + 1 < s.block) {
    // A plain file smaller than a block needs a buffer of its size only: zero-filling
    // an unused 64 MiB buffer cost ~0.1 s per read of a small graph (cli: sprig-bench build).
    s.block = std::max<std::size_t>(16, static_cast<std::size_t>(s.size) + 1);
  }
}

TextSource::~TextSource() = default;

bool TextSource::gzip() const noexcept {
  return impl_->gz != nullptr;
}
std::uint64_t TextSource::file_bytes() const noexcept {
  return impl_->size;
}
std::uint64_t TextSource::file_bytes_read() const noexcept {
  if (impl_->gz) {
    const auto off = gzoffset(impl_->gz);
    return off < 0 ? 0 : static_cast<std::uint64_t>(off);
  }
  return impl_->consumed;
}
const std::string& TextSource::path() const noexcept {
  return impl_->path;
}

bool TextSource::next(std::string_view& block) {
  Impl& s = *impl_;
  if (s.done) return false;
  // Move the unfinished last line of the previous block to the front.
  const std::size_t carry = s.carry_end - s.carry_begin;
  if (s.buf.size() < s.block) s.buf.resize(s.block);
  if (carry > 0 && s.carry_begin > 0) std::memmove(s.buf.data(), s.buf.data() + s.carry_begin, carry);
  std::size_t have = carry;
  std::size_t scanned = carry;  // bytes known to hold no '\n'
  for (;;) {
    while (!s.eof && have < s.buf.size()) {
      const std::size_t got = s.read_some(s.buf.data() + have, s.buf.size() - have);
      if (got == 0) s.eof = true;
      have += got;
    }
    if (s.eof) {
      s.done = true;
      s.carry_begin = s.carry_end = 0;
      if (have == 0) return false;
      block = std::string_view(s.buf.data(), have);
      return true;
    }
    // Full buffer: cut after its last line break.
    std::size_t cut = have;
    while (cut > scanned && s.buf[cut - 1] != '\n') --cut;
    if (cut > scanned) {
      block = std::string_view(s.buf.data(), cut);
      s.carry_begin = cut;
      s.carry_end = have;
      return true;
    }
    // One line longer than the buffer: grow it and keep reading.
    scanned = have;
    s.buf.resize(s.buf.size() * 2);
  }
}

std::string read_text_file(const std::string& path) {
  std::string text;
  TextSource src(path, std::size_t{16} << 20);
  if (!src.gzip()) text.reserve(src.file_bytes());
  std::string_view block;
  while (src.next(block)) text.append(block);
  return text;
}

bool is_gzip_file(const std::string& path) {
  const int fd = open_or_throw(path);
  const bool gz = magic_at_start(fd);
  ::close(fd);
  return gz;
}

}  // namespace sprig
