// TextSource: blocks end at line breaks, long lines grow the block, gzip is
// found by its magic bytes, damaged gzip is an IoError naming the file.
#include <doctest/doctest.h>

#include <sprig/io/text_source.hpp>

#include "io/io_test_util.hpp"

using namespace sprig;
using sprig_test::contains;
using sprig_test::TempDir;

TEST_CASE("text source: blocks end after a line break and concatenate to the file") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::string(static_cast<std::size_t>(i % 37), 'a' + i % 26) + "\n";
  text += std::string(500, 'L') + "\n";  // a line longer than the block
  text += "last line without break";
  sprig_test::write_raw(dir.file("t.txt"), text);
  sprig_test::write_raw(dir.file("t.bin"), sprig_test::gzip_bytes(text));
  for (const std::string name : {"t.txt", "t.bin"}) {
    for (std::size_t block : {std::size_t{16}, std::size_t{100}, std::size_t{4096}, std::size_t{1} << 20}) {
      CAPTURE(name);
      CAPTURE(block);
      TextSource src(dir.file(name), block);
      CHECK(src.gzip() == (name == "t.bin"));
      std::string all;
      std::string_view b;
      int blocks = 0;
      while (src.next(b)) {
        all += b;
        ++blocks;
        if (all.size() < text.size()) CHECK(b.back() == '\n');
      }
      CHECK(all == text);
      CHECK_FALSE(src.next(b));
      CHECK(src.file_bytes_read() == src.file_bytes());
      if (block <= 100) CHECK(blocks > 10);
    }
  }
  CHECK(read_text_file(dir.file("t.bin")) == text);
  CHECK(is_gzip_file(dir.file("t.bin")));
  CHECK_FALSE(is_gzip_file(dir.file("t.txt")));
}

TEST_CASE("text source: errors") {
  TempDir dir;
  CHECK(contains(sprig_test::io_error_of([&] { TextSource s(dir.file("missing")); }), "missing: cannot open"));
  CHECK(contains(sprig_test::io_error_of([&] { read_text_file(dir.path()); }), "folder"));
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i * 31) + "\n";
  const std::string gz = sprig_test::gzip_bytes(text);
  sprig_test::write_raw(dir.file("trunc.gz"), gz.substr(0, gz.size() / 2));
  CHECK(contains(sprig_test::io_error_of([&] { read_text_file(dir.file("trunc.gz")); }),
                 dir.file("trunc.gz") + ": truncated gzip file"));
  std::string bad = gz;
  bad[bad.size() - 6] = static_cast<char>(bad[bad.size() - 6] ^ 1);  // the CRC
  sprig_test::write_raw(dir.file("crc.gz"), bad);
  CHECK(contains(sprig_test::io_error_of([&] { read_text_file(dir.file("crc.gz")); }),
                 dir.file("crc.gz") + ": corrupt gzip file"));
  sprig_test::write_raw(dir.file("empty"), "");
  CHECK(read_text_file(dir.file("empty")).empty());
}
