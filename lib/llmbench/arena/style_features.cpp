#include "llmbench/arena/style_features.hpp"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace llmbench::arena {
namespace {

using nlohmann::json;

bool starts_list(std::string_view line) {
  std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos) return false;
  if ((line[i] == '-' || line[i] == '*' || line[i] == '+') && i + 1 < line.size() && line[i + 1] == ' ') return true;
  std::size_t digits = i;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
  return digits > i && digits + 1 < line.size() && line[digits] == '.' && line[digits + 1] == ' ';
}

bool starts_header(std::string_view line) {
  std::size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  return hashes >= 1 && hashes <= 6 && hashes < line.size() && line[hashes] == ' ';
}

// Spans of `mark` (** or __) with at least one character between, within `line`.
double bold_spans(std::string_view line, std::string_view mark) {
  double n = 0;
  for (std::size_t open = line.find(mark); open != std::string_view::npos;) {
    const std::size_t close = line.find(mark, open + 2);
    if (close == std::string_view::npos) break;
    if (close > open + 2) {
      ++n;
      open = line.find(mark, close + 2);
    } else {
      open = close;
    }
  }
  return n;
}

// A conv_metadata count: a number, or an object whose values are numbers (summed).
bool count_of(const json& meta, const std::string& name, double& to, std::string& why) {
  auto it = meta.find(name);
  if (it == meta.end()) {
    why = fmt::format("conv_metadata.{} is missing", name);
    return false;
  }
  if (it->is_number()) {
    to = it->get<double>();
  } else if (it->is_object()) {
    to = 0;
    for (const auto& [key, value] : it->items()) {
      if (!value.is_number()) {
        why = fmt::format("conv_metadata.{}.{} must be a number (got {})", name, key, value.dump());
        return false;
      }
      to += value.get<double>();
    }
  } else {
    why = fmt::format("conv_metadata.{} must be a number or an object of numbers (got {})", name, it->dump());
    return false;
  }
  if (!std::isfinite(to) || to < 0) {
    why = fmt::format("conv_metadata.{} must not be negative", name);
    return false;
  }
  return true;
}

}  // namespace

StyleCounts style_counts(std::string_view answer) {
  StyleCounts c{};
  bool in_word = false;
  for (char ch : answer) {
    const bool space = std::isspace(static_cast<unsigned char>(ch)) != 0;
    if (!space && !in_word) ++c[0];
    in_word = !space;
  }
  bool in_code = false;
  for (std::size_t start = 0; start <= answer.size();) {
    const std::size_t end = std::min(answer.find('\n', start), answer.size());
    const std::string_view line = answer.substr(start, end - start);
    start = end + 1;
    if (line.substr(line.find_first_not_of(" \t") == std::string_view::npos ? line.size() : line.find_first_not_of(" \t"))
            .starts_with("```")) {
      in_code = !in_code;
      continue;
    }
    if (in_code) continue;
    c[1] += starts_header(line) ? 1 : 0;
    c[2] += starts_list(line) ? 1 : 0;
    c[3] += bold_spans(line, "**") + bold_spans(line, "__");
  }
  return c;
}

std::optional<std::array<StyleCounts, 2>> battle_style(const json& line, std::string& why) {
  why.clear();
  auto meta = line.find("conv_metadata");
  if (meta != line.end() && !meta->is_null()) {
    if (!meta->is_object()) {
      why = fmt::format("conv_metadata must be an object (got {})", meta->dump());
      return std::nullopt;
    }
    std::array<StyleCounts, 2> style{};
    const std::array<std::string, kStyleFeatures> stems = {"sum_assistant_{}_tokens", "header_count_{}", "list_count_{}",
                                                          "bold_count_{}"};
    for (std::size_t f = 0; f < kStyleFeatures; ++f) {
      for (std::size_t side = 0; side < 2; ++side) {
        if (!count_of(*meta, fmt::format(fmt::runtime(stems[f]), side == 0 ? "a" : "b"), style[side][f], why)) return std::nullopt;
      }
    }
    return style;
  }
  auto a = line.find("answer_a"), b = line.find("answer_b");
  if (a == line.end() || b == line.end() || !a->is_string() || !b->is_string()) return std::nullopt;
  return std::array<StyleCounts, 2>{style_counts(a->get_ref<const std::string&>()), style_counts(b->get_ref<const std::string&>())};
}

std::vector<double> style_covariates(const std::vector<std::array<StyleCounts, 2>>& styles) {
  const std::size_t n = styles.size();
  std::vector<double> x(n * kStyleFeatures);
  for (std::size_t f = 0; f < kStyleFeatures; ++f) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = styles[i][0][f], b = styles[i][1][f];
      x[i * kStyleFeatures + f] = a + b > 0 ? (a - b) / (a + b) : 0.0;
      sum += x[i * kStyleFeatures + f];
    }
    const double mean = n > 0 ? sum / static_cast<double>(n) : 0;
    double squares = 0;
    for (std::size_t i = 0; i < n; ++i) squares += (x[i * kStyleFeatures + f] - mean) * (x[i * kStyleFeatures + f] - mean);
    const double sd = n > 0 ? std::sqrt(squares / static_cast<double>(n)) : 0;
    if (sd <= 1e-12) continue;
    for (std::size_t i = 0; i < n; ++i) x[i * kStyleFeatures + f] /= sd;
  }
  return x;
}

}  // namespace llmbench::arena
