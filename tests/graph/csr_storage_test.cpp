// Csr storage: UninitVector (no zero-fill, huge-page blocks) and Csr::adopt,
// which takes arrays without copying and may be given the self-loop count.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/uninit_vector.hpp>

using namespace sprig;

TEST_CASE("UninitVector: small and huge-page blocks hold what is written; explicit values still initialise") {
  UninitVector<int> small(100);
  std::iota(small.begin(), small.end(), 0);
  CHECK(small[99] == 99);
  UninitVector<int> filled(10, 7);
  CHECK(std::all_of(filled.begin(), filled.end(), [](int x) { return x == 7; }));
  // ≥ 32 MiB takes the aligned, huge-page-advised path.
  const std::size_t big = (DefaultInitAllocator<int>::kHugeBytes / sizeof(int)) + 3;
  UninitVector<int> v(big);
  CHECK(reinterpret_cast<std::uintptr_t>(v.data()) % DefaultInitAllocator<int>::kHugeAlign == 0);
  v[0] = 1;
  v[big - 1] = 2;
  v.resize(big + 1000);  // reallocation copies and frees through the same path
  CHECK(v[0] == 1);
  CHECK(v[big - 1] == 2);
  v.shrink_to_fit();
  v.clear();
  v.shrink_to_fit();
  CHECK(v.capacity() == 0);
}

TEST_CASE("Csr::adopt takes the arrays, counts or trusts self-loops; the std::vector constructor copies") {
  UninitVector<edge_t> off{0, 2, 3, 3};
  UninitVector<node_t> tg{0, 1, 2};
  const node_t* p = tg.data();
  const Graph g = Graph::adopt(std::move(off), std::move(tg), {}, false);
  CHECK(g.targets().data() == p);  // no copy
  CHECK(g.num_self_loops() == 1);  // counted
  CHECK(g.num_edges() == 2);
  const Graph h = Graph::adopt({0, 1, 1}, {0}, {}, true, edge_t{1});
  CHECK(h.num_self_loops() == 1);
  CHECK_THROWS_AS(Graph::adopt({0, 3}, {1}, {}, true), InvalidArgument);
  CHECK_THROWS_AS(Graph::adopt({0, 1}, {0}, {1.f, 2.f}, true), InvalidArgument);

  const std::vector<edge_t> so{0, 1, 2};
  const std::vector<node_t> st{1, 0};
  const Graph c(so, st, {}, false);
  CHECK(c.num_edges() == 1);
  CHECK(c.targets().data() != st.data());
  CHECK(std::vector<node_t>(c.targets().begin(), c.targets().end()) == st);
}
