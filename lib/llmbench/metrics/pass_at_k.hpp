#pragma once
// pass@k for code tasks (Chen et al. 2021, "Evaluating Large Language Models Trained on
// Code"): with n samples of a problem of which c pass, the unbiased estimate of the chance
// that at least one of k samples passes is
//   pass@k = 1 - C(n-c, k) / C(n, k) = 1 - prod_{i=n-c+1..n} (1 - k/i)
// computed in the product form (no factorials, no overflow). Pure functions.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/ci.hpp"

namespace llmbench::metrics {

// One problem's samples: n answers, c of them passed (0 <= c <= n).
struct ProblemSamples {
  std::int64_t n = 0;
  std::int64_t c = 0;
};

// pass@k of one problem. 1 when n - c < k (every k-subset holds a pass); nullopt when k < 1 or
// k > n (too few samples to estimate) or c is outside [0, n].
std::optional<double> pass_at_k(std::int64_t n, std::int64_t c, std::int64_t k);

struct PassAtK {
  std::int64_t k = 0;
  std::int64_t problems = 0;      // problems with at least k samples (the mean is over these)
  std::optional<double> value;    // mean pass@k over them; nullopt when none
  std::optional<Interval> ci95;   // mean +- kZ95 standard errors over problems, clamped to [0, 1];
                                  // nullopt with fewer than 2 problems
};

// pass@k for k = 1..max_k over `problems`.
std::vector<PassAtK> pass_at_k_table(std::span<const ProblemSamples> problems, std::int64_t max_k);

// {"pass_at_<k>": value|null, "pass_at_<k>_ci95": {"low","high"}|null, ...} for each row.
void put_pass_at_k(const std::vector<PassAtK>& table, nlohmann::json& out);

}  // namespace llmbench::metrics
