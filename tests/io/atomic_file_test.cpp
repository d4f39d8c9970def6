// AtomicFile and the write_*atomically helpers: output appears only on commit,
// a failed write leaves the previous file and no temporary behind.
#include <doctest/doctest.h>

#include <stdexcept>

#include <sprig/io/atomic_file.hpp>
#include <sprig/io/text_source.hpp>

#include "io/io_test_util.hpp"

using namespace sprig;
using sprig_test::contains;
using sprig_test::TempDir;

TEST_CASE("atomic file: commit publishes, abort and destruction leave nothing") {
  TempDir dir;
  const std::string path = dir.file("out.txt");
  {
    AtomicFile f(path);
    CHECK(f.temp_path() != path);
    CHECK(f.temp_path().rfind(dir.path() + "/", 0) == 0);  // same folder, so rename is atomic
    std::fputs("hello\n", f.file());
    CHECK(dir.entries().size() == 1);  // only the temporary so far
    CHECK_FALSE(std::filesystem::exists(path));
    f.commit();
    CHECK(f.file() == nullptr);
  }
  CHECK(sprig_test::read_raw(path) == "hello\n");
  CHECK(dir.entries() == std::vector<std::string>{"out.txt"});
  {
    AtomicFile f(path);
    std::fputs("half", f.file());
  }  // destroyed without commit
  CHECK(sprig_test::read_raw(path) == "hello\n");
  CHECK(dir.entries() == std::vector<std::string>{"out.txt"});
  {
    AtomicFile f(path);
    f.abort();
    CHECK_THROWS_AS(f.commit(), IoError);
  }
  CHECK(dir.entries() == std::vector<std::string>{"out.txt"});
}

TEST_CASE("atomic file: a throwing writer keeps the previous good file, plain and gzip") {
  TempDir dir;
  for (const std::string name : {"g.txt", "g.txt.gz"}) {
    CAPTURE(name);
    const std::string path = dir.file(name);
    write_text_atomically(path, [](TextWriter& w) { w.write("good\n"); });
    CHECK(read_text_file(path) == "good\n");
    CHECK(is_gzip_file(path) == has_gz_extension(name));
    const auto before = dir.entries();
    CHECK_THROWS_WITH_AS(write_text_atomically(path,
                                               [](TextWriter& w) {
                                                 for (int i = 0; i < 100000; ++i) w.write("partial line of text\n");
                                                 throw std::runtime_error("writer failed");
                                               }),
                         "writer failed", std::runtime_error);
    CHECK(read_text_file(path) == "good\n");
    CHECK(dir.entries() == before);
  }
  CHECK_THROWS_AS(write_atomically(dir.file("p"), [](std::FILE*) { throw std::runtime_error("x"); }),
                  std::runtime_error);
  CHECK_THROWS_AS(write_atomically_gz(dir.file("p.gz"), [](gzFile) { throw std::runtime_error("x"); }),
                  std::runtime_error);
  CHECK(dir.entries() == std::vector<std::string>{"g.txt", "g.txt.gz"});
}

TEST_CASE("atomic file: large writes, compression choice, errors") {
  TempDir dir;
  std::string big;
  for (int i = 0; i < 300000; ++i) big += std::to_string(i) + "\n";
  write_text_atomically(dir.file("big.gz"), [&](TextWriter& w) {
    w.write(big.substr(0, 1000));
    w.write(big.substr(1000));  // larger than the buffer: written directly
  });
  CHECK(read_text_file(dir.file("big.gz")) == big);
  write_text_atomically(
      dir.file("forced"), [&](TextWriter& w) { w.write("abc"); }, Compression::gzip, 1);
  CHECK(is_gzip_file(dir.file("forced")));
  CHECK(read_text_file(dir.file("forced")) == "abc");
  write_text_atomically(
      dir.file("plain.gz"), [&](TextWriter& w) { w.write("abc"); }, Compression::none);
  CHECK_FALSE(is_gzip_file(dir.file("plain.gz")));
  write_atomically(dir.file("f"), [](std::FILE* f) { std::fputs("x", f); });
  CHECK(sprig_test::read_raw(dir.file("f")) == "x");
  write_atomically_gz(
      dir.file("z"), [](gzFile g) { gzputs(g, "zz"); }, 9);
  CHECK(read_text_file(dir.file("z")) == "zz");

  const auto msg = sprig_test::io_error_of([&] { write_atomically(dir.file("no/such/folder/x"), [](std::FILE*) {}); });
  CHECK(contains(msg, dir.file("no/such/folder/x") + ": cannot create a temporary file"));
  CHECK_THROWS_AS(write_atomically_gz(
                      dir.file("l.gz"), [](gzFile) {}, 11),
                  InvalidArgument);
}
