#include <sprig/metrics/assortativity.hpp>

#include <cmath>
#include <limits>

#include <sprig/graph/error.hpp>
#include <sprig/metrics/degree.hpp>

namespace sprig {

namespace {
template <class X, class Y>
double pearson_over_arcs(const Graph& g, X&& x, Y&& y) {
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, m = 0;
  for (node_t u = 0; u < g.num_nodes(); ++u)
    for (node_t v : g.neighbors(u)) {
      const double a = x(u), b = y(v);
      sx += a;
      sy += b;
      sxx += a * a;
      syy += b * b;
      sxy += a * b;
      m += 1;
    }
  if (m == 0) return std::numeric_limits<double>::quiet_NaN();
  const double cov = sxy / m - (sx / m) * (sy / m);
  const double vx = sxx / m - (sx / m) * (sx / m), vy = syy / m - (sy / m) * (sy / m);
  return cov / std::sqrt(vx * vy);
}
}  // namespace

double degree_assortativity(const Graph& g) {
  const auto out = degrees(g, DegreeMode::out);
  const auto in = degrees(g, DegreeMode::in);
  return pearson_over_arcs(g, [&](node_t u) { return static_cast<double>(out[u]); },
                           [&](node_t v) { return static_cast<double>(in[v]); });
}

double numeric_assortativity(const Graph& g, std::span<const double> value) {
  SPRIG_EXPECTS(value.size() == static_cast<std::size_t>(g.num_nodes()), "numeric_assortativity: {} values for {} nodes",
                value.size(), g.num_nodes());
  return pearson_over_arcs(g, [&](node_t u) { return value[u]; }, [&](node_t v) { return value[v]; });
}

double nominal_assortativity(const Graph& g, std::span<const node_t> label) {
  const node_t n = g.num_nodes();
  SPRIG_EXPECTS(label.size() == static_cast<std::size_t>(n), "nominal_assortativity: {} labels for {} nodes", label.size(), n);
  node_t C = 0;
  for (node_t c : label) {
    SPRIG_EXPECTS(c >= 0, "nominal_assortativity: labels must be >= 0 (got {})", c);
    C = std::max(C, c + 1);
  }
  std::vector<double> a(static_cast<std::size_t>(C), 0), b(static_cast<std::size_t>(C), 0);
  double same = 0, m = 0;
  for (node_t u = 0; u < n; ++u)
    for (node_t v : g.neighbors(u)) {
      a[label[u]] += 1;
      b[label[v]] += 1;
      same += label[u] == label[v];
      m += 1;
    }
  if (m == 0) return std::numeric_limits<double>::quiet_NaN();
  double ab = 0;
  for (node_t c = 0; c < C; ++c) ab += (a[c] / m) * (b[c] / m);
  return (same / m - ab) / (1 - ab);
}

Homophily homophily(const Graph& g, std::span<const node_t> label) {
  const node_t n = g.num_nodes();
  SPRIG_EXPECTS(label.size() == static_cast<std::size_t>(n), "homophily: {} labels for {} nodes", label.size(), n);
  node_t C = 0;
  for (node_t c : label) C = std::max(C, c + 1);
  Homophily h;
  double same = 0, arcs = 0, node_sum = 0, nodes = 0, labelled = 0;
  std::vector<double> class_same(static_cast<std::size_t>(C), 0), class_deg(static_cast<std::size_t>(C), 0),
      class_size(static_cast<std::size_t>(C), 0);
  for (node_t u = 0; u < n; ++u) {
    if (label[u] < 0) continue;
    labelled += 1;
    class_size[label[u]] += 1;
    double s = 0, d = 0;
    for (node_t v : g.neighbors(u)) {
      if (label[v] < 0) continue;
      d += 1;
      s += label[u] == label[v];
    }
    same += s;
    arcs += d;
    class_same[label[u]] += s;
    class_deg[label[u]] += d;
    if (d > 0) {
      node_sum += s / d;
      nodes += 1;
    }
  }
  h.edge = arcs > 0 ? same / arcs : std::numeric_limits<double>::quiet_NaN();
  h.node = nodes > 0 ? node_sum / nodes : std::numeric_limits<double>::quiet_NaN();
  if (C >= 2) {
    double s = 0;
    for (node_t c = 0; c < C; ++c) {
      const double hk = class_deg[c] > 0 ? class_same[c] / class_deg[c] : 0;
      s += std::max(0.0, hk - class_size[c] / labelled);
    }
    h.class_insensitive = s / (C - 1);
  }
  return h;
}

}  // namespace sprig
