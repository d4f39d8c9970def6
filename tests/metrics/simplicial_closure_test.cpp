// Simplicial closure against a brute force over all node triples.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/simplices_io.hpp>
#include <sprig/metrics/linkpred_eval.hpp>
#include <sprig/metrics/simplicial_closure.hpp>


using namespace sprig;

namespace {

SimplexList random_simplices(std::uint64_t seed, node_t n, int count, int max_size) {
  Philox rng(seed, 0);
  SimplexList s;
  s.num_nodes = n;
  std::vector<node_t> buf;
  for (int i = 0; i < count; ++i) {
    const int k = 1 + static_cast<int>(rng.bounded(static_cast<std::uint32_t>(max_size)));
    buf.clear();
    for (int j = 0; j < k; ++j) buf.push_back(static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))));
    s.add(buf, static_cast<std::int64_t>(rng.bounded(100)));
  }
  s.num_nodes = n;
  return s;
}

bool holds(std::span<const node_t> x, node_t v) { return std::binary_search(x.begin(), x.end(), v); }

struct Brute {
  std::vector<std::array<node_t, 3>> open;
  std::vector<std::uint8_t> closes;
  std::vector<std::vector<double>> w;       // projected weights
  std::vector<std::set<node_t>> nbr;
  std::size_t closed = 0;
};

Brute brute(const SimplexList& s, std::int64_t cut) {
  const node_t n = s.num_nodes;
  Brute b;
  b.w.assign(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n), 0.0));
  b.nbr.resize(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.times[i] > cut) continue;
    const auto x = s.simplex(i);
    for (node_t a : x)
      for (node_t c : x)
        if (a != c) {
          b.w[a][c] += 1;
          b.nbr[a].insert(c);
        }
  }
  for (node_t a = 0; a < n; ++a)
    for (node_t c = a + 1; c < n; ++c)
      for (node_t d = c + 1; d < n; ++d) {
        if (!b.w[a][c] || !b.w[a][d] || !b.w[c][d]) continue;
        bool in_past = false, in_future = false;
        for (std::size_t i = 0; i < s.size(); ++i) {
          const auto x = s.simplex(i);
          if (holds(x, a) && holds(x, c) && holds(x, d)) (s.times[i] <= cut ? in_past : in_future) = true;
        }
        if (in_past) {
          ++b.closed;
          continue;
        }
        b.open.push_back({a, c, d});
        b.closes.push_back(in_future ? 1 : 0);
      }
  return b;
}

double brute_score(const Brute& b, const std::array<node_t, 3>& t, ClosureScore s, double p) {
  const auto [x, y, z] = t;
  const double w1 = b.w[x][y], w2 = b.w[x][z], w3 = b.w[y][z];
  const auto& A = b.nbr[x];
  const auto& B = b.nbr[y];
  const auto& C = b.nbr[z];
  std::set<node_t> all, uni;
  for (node_t v : A)
    if (B.count(v) && C.count(v)) all.insert(v);
  uni.insert(A.begin(), A.end());
  uni.insert(B.begin(), B.end());
  uni.insert(C.begin(), C.end());
  switch (s) {
    case ClosureScore::harmonic: return 3.0 / (1 / w1 + 1 / w2 + 1 / w3);
    case ClosureScore::geometric: return std::cbrt(w1 * w2 * w3);
    case ClosureScore::arithmetic: return (w1 + w2 + w3) / 3;
    case ClosureScore::generalized: return std::pow((std::pow(w1, p) + std::pow(w2, p) + std::pow(w3, p)) / 3, 1 / p);
    case ClosureScore::common_neighbors: return static_cast<double>(all.size());
    case ClosureScore::jaccard: return static_cast<double>(all.size()) / static_cast<double>(uni.size());
    case ClosureScore::adamic_adar: {
      double a = 0;
      for (node_t v : all) a += 1 / std::log(static_cast<double>(b.nbr[v].size()));
      return a;
    }
    case ClosureScore::preferential_attachment:
      return static_cast<double>(A.size()) * static_cast<double>(B.size()) * static_cast<double>(C.size());
    default: return 0;
  }
}

}  // namespace

TEST_CASE("simplicial_closure: open triangles, labels and scores equal a brute force over all triples") {
  const int graphs = 120;  // small complexes: fast enough under the sanitizers too
  std::size_t total_open = 0, total_pos = 0;
  for (int gi = 0; gi < graphs; ++gi) {
    const node_t n = 6 + gi % 9;
    const auto s = random_simplices(100 + static_cast<std::uint64_t>(gi), n, 8 + gi % 25, 2 + gi % 4);
    ClosureOptions opt;
    opt.past_fraction = 0.5 + 0.05 * (gi % 7);
    opt.generalized_p = gi % 2 ? 2.0 : -0.5;
    const auto c = open_triangles(s, opt);
    const Brute b = brute(s, c.cut_time);
    REQUIRE(c.triangles == b.open);
    REQUIRE(c.closes == b.closes);
    CHECK(c.closed_triangles == b.closed);
    total_open += b.open.size();
    total_pos += c.positives();
    for (ClosureScore sc : parse_closure_scores("default")) {
      const auto v = closure_scores(c, sc, opt);
      for (std::size_t i = 0; i < v.size(); ++i) {
        const double want = brute_score(b, b.open[i], sc, opt.generalized_p);
        CHECK_MESSAGE(v[i] == doctest::Approx(want).epsilon(1e-12),
                      closure_score_name(sc), " triangle ", i, " of graph ", gi);
      }
    }
  }
  CHECK(total_open > 100);  // the sweep exercises real candidates
  CHECK(total_pos > 5);
}

TEST_CASE("simplicial_closure: the cut splits simplices by time quantile; AP ratio from the evaluator") {
  // Past (t ≤ 5): {0,1}, {1,2}, {0,2} → open triangle {0,1,2}; {2,3}, {3,4}, {2,4} → open {2,3,4};
  // {5,6,7} → no open triangle (closed in the past). Future: {0,1,2,9} closes the first.
  SimplexList s;
  auto add = [&](std::vector<node_t> x, std::int64_t t) { s.add(x, t); };
  add({0, 1}, 1), add({1, 2}, 2), add({0, 2}, 3), add({2, 3}, 1), add({3, 4}, 4), add({2, 4}, 5), add({2, 4}, 5);
  add({5, 6, 7}, 5), add({0, 1, 2, 9}, 9);
  ClosureOptions opt;
  opt.cut_time = 5;
  const ClosureScore sc[] = {ClosureScore::harmonic, ClosureScore::arithmetic};
  const auto r = simplicial_closure(s, sc, opt);
  const auto& c = r.candidates;
  REQUIRE(c.triangles.size() == 2);
  CHECK(c.triangles[0] == std::array<node_t, 3>{0, 1, 2});
  CHECK(c.triangles[1] == std::array<node_t, 3>{2, 3, 4});
  CHECK(c.closes == std::vector<std::uint8_t>{1, 0});
  CHECK(c.closed_triangles == 1);
  CHECK(c.past_simplices == 8);
  CHECK(c.future_simplices == 1);
  CHECK(r.positive_rate == 0.5);
  // Weights: {0,1,2} all 1; {2,3,4}: (2,3)=1, (3,4)=1, (2,4)=2 → harmonic 1.2 > 1, arithmetic 4/3 > 1:
  // the negative ranks first, AP = (1/2), ratio 1.
  CHECK(closure_scores(c, ClosureScore::harmonic)[1] == doctest::Approx(1.2));
  CHECK(r.rows[0].ap == doctest::Approx(0.5));
  CHECK(r.rows[0].ap_ratio == doctest::Approx(1.0));
  const double pos[] = {1.0}, neg[] = {4.0 / 3.0};
  CHECK(r.rows[1].ap == doctest::Approx(average_precision(pos, neg)));
}

TEST_CASE("simplicial_closure: identical under 1, 2 and 4 threads; katz and ppr sum the three edges") {
  const auto s = random_simplices(7, 60, 1500, 4);
  ClosureOptions opt;
  const auto all = parse_closure_scores("all");
  auto run = [&](int t) { return with_threads(t, [&] { return simplicial_closure(s, all, opt); }); };
  const auto a = run(1), b = run(2), c = run(4);
  REQUIRE(a.candidates.triangles.size() > 50);
  REQUIRE(a.candidates.positives() > 0);
  CHECK(a.candidates.triangles == b.candidates.triangles);
  CHECK(a.candidates.triangles == c.candidates.triangles);
  CHECK(a.candidates.closes == c.candidates.closes);
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(std::isfinite(a.rows[i].ap));
    CHECK(a.rows[i].ap == b.rows[i].ap);
    CHECK(a.rows[i].ap == c.rows[i].ap);
  }
}

TEST_CASE("simplicial_closure: bad input and options are rejected with the reason") {
  SimplexList empty;
  CHECK_THROWS_WITH_AS(open_triangles(empty), doctest::Contains("no simplices"), InvalidArgument);
  SimplexList s;
  const node_t e[] = {0, 1};
  s.add(e, 1);
  CHECK_THROWS_WITH_AS(open_triangles(s, {.past_fraction = 1.0}), doctest::Contains("past_fraction"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(open_triangles(s, {.generalized_p = 0.0}), doctest::Contains("generalized_p"),
                       InvalidArgument);
  SimplexList bad = s;
  bad.nodes[1] = 7;  // beyond num_nodes = 2
  CHECK_THROWS_WITH_AS(open_triangles(bad), doctest::Contains("outside [0, 2)"), InvalidArgument);
  CHECK_THROWS_WITH_AS(parse_closure_scores("harmonic,nope"), doctest::Contains("unknown score 'nope'"),
                       InvalidArgument);
  EdgeList el;
  el.n = 2;
  el.add(0, 1);
  CHECK_THROWS_WITH_AS(simplices_from_edges(el), doctest::Contains("no time column"), InvalidArgument);
  // No candidate at all: the report says NaN, not a crash.
  const auto r = simplicial_closure(s, parse_closure_scores("default"), {.cut_time = 5});
  CHECK(r.candidates.triangles.empty());
  CHECK(std::isnan(r.rows[0].ap));
}

TEST_CASE("simplices_from_edges: one instant's edges that share nodes form one simplex") {
  EdgeList el;
  el.n = 8;
  auto add = [&](node_t u, node_t v, std::int64_t t) {
    el.add(u, v);
    el.time.push_back(t);
  };
  add(5, 6, 3), add(0, 1, 1), add(1, 2, 1), add(4, 3, 1), add(6, 7, 3), add(0, 2, 2);
  const auto s = simplices_from_edges(el);
  REQUIRE(s.size() == 4);
  auto nodes = [&](std::size_t i) { return std::vector<node_t>(s.simplex(i).begin(), s.simplex(i).end()); };
  CHECK(nodes(0) == std::vector<node_t>{0, 1, 2});  // time 1: {0,1},{1,2} joined
  CHECK(nodes(1) == std::vector<node_t>{3, 4});     // time 1: a separate component
  CHECK(nodes(2) == std::vector<node_t>{0, 2});     // time 2
  CHECK(nodes(3) == std::vector<node_t>{5, 6, 7});  // time 3
  CHECK(s.times == std::vector<std::int64_t>{1, 1, 2, 3});
  const auto e = simplices_from_edges(el, EdgeSimplices::each_edge);
  CHECK(e.size() == 6);
  CHECK(e.num_nodes == 8);
}

TEST_CASE("read_benson_simplices: the three-file format, 1-based ids, errors naming file and line") {
  const auto dir = std::filesystem::temp_directory_path() / "sprig-benson-test";
  std::filesystem::create_directories(dir);
  const std::string prefix = (dir / "toy").string();
  auto write = [&](const std::string& suffix, const std::string& text) {
    std::ofstream(prefix + suffix) << text;
  };
  write("-nverts.txt", "2\n3\n1\n");
  write("-simplices.txt", "1\n2\n3\n2\n1\n4\n");
  write("-times.txt", "10\n20\n30\n");
  const auto s = read_benson_simplices(prefix);
  REQUIRE(s.size() == 3);
  CHECK(s.num_nodes == 4);
  CHECK(std::vector<node_t>(s.simplex(0).begin(), s.simplex(0).end()) == std::vector<node_t>{0, 1});
  CHECK(std::vector<node_t>(s.simplex(1).begin(), s.simplex(1).end()) == std::vector<node_t>{0, 1, 2});
  CHECK(s.times == std::vector<std::int64_t>{10, 20, 30});
  write("-simplices.txt", "1\n2\n3\n0\n1\n4\n");
  CHECK_THROWS_WITH_AS(read_benson_simplices(prefix), doctest::Contains("simplices.txt line 4"), IoError);
  write("-simplices.txt", "1\n2\n3\n2\n1\n");
  CHECK_THROWS_WITH_AS(read_benson_simplices(prefix), doctest::Contains("add up to 6"), IoError);
  write("-simplices.txt", "1\n2\n3\n2\n1\n4\n");
  write("-times.txt", "10\n20\n");
  CHECK_THROWS_WITH_AS(read_benson_simplices(prefix), doctest::Contains("2 times for 3 simplices"), IoError);
  write("-times.txt", "10\n2x\n30\n");
  CHECK_THROWS_WITH_AS(read_benson_simplices(prefix), doctest::Contains("line 2"), IoError);
  std::filesystem::remove_all(dir);
}
