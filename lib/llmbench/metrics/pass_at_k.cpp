#include "llmbench/metrics/pass_at_k.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace llmbench::metrics {

std::optional<double> pass_at_k(std::int64_t n, std::int64_t c, std::int64_t k) {
  if (k < 1 || k > n || c < 0 || c > n) return std::nullopt;
  if (n - c < k) return 1.0;
  double none_pass = 1.0;  // C(n-c, k) / C(n, k)
  for (std::int64_t i = n - c + 1; i <= n; ++i) none_pass *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  return 1.0 - none_pass;
}

std::vector<PassAtK> pass_at_k_table(std::span<const ProblemSamples> problems, std::int64_t max_k) {
  std::vector<PassAtK> table;
  for (std::int64_t k = 1; k <= max_k; ++k) {
    PassAtK row;
    row.k = k;
    double sum = 0, sum_sq = 0;
    for (const ProblemSamples& p : problems) {
      const auto v = pass_at_k(p.n, p.c, k);
      if (!v) continue;
      ++row.problems;
      sum += *v;
      sum_sq += *v * *v;
    }
    if (row.problems > 0) {
      const auto m = static_cast<double>(row.problems);
      row.value = sum / m;
      if (row.problems > 1) {
        const double variance = std::max(0.0, (sum_sq - m * *row.value * *row.value) / (m - 1));
        const double half = kZ95 * std::sqrt(variance / m);
        row.ci95 = Interval{std::max(0.0, *row.value - half), std::min(1.0, *row.value + half)};
      }
    }
    table.push_back(row);
  }
  return table;
}

void put_pass_at_k(const std::vector<PassAtK>& table, nlohmann::json& out) {
  for (const PassAtK& row : table) {
    const std::string key = "pass_at_" + std::to_string(row.k);
    out[key] = row.value ? nlohmann::json(*row.value) : nlohmann::json();
    out[key + "_ci95"] = row.ci95 ? nlohmann::json{{"low", row.ci95->low}, {"high", row.ci95->high}} : nlohmann::json();
  }
}

}  // namespace llmbench::metrics
