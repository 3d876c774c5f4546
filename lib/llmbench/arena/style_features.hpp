#pragma once
// The style of a battle's two answers, for `arena rate --style-control` (metrics/style_control.hpp):
// length and markdown counts, as LMSYS's style control uses them. A battle line carries them as
//   conv_metadata: {sum_assistant_a_tokens, sum_assistant_b_tokens,
//                   header_count_a, header_count_b,   a number, or an object of numbers ({h1..h6})
//                   list_count_a, list_count_b,       ({ordered, unordered})
//                   bold_count_a, bold_count_b}       ({"**", "__"})
// (LMSYS's export; an object counts the sum of its values), or they are counted from the
// answers' text (answer_a, answer_b, as an arena's battles.jsonl holds them):
//   tokens   words: runs of characters between whitespace (an estimate; only the ratio of the
//            two answers enters the fit)
//   headers  lines starting with 1-6 '#' and a space
//   lists    lines starting (after indentation) with "- ", "* ", "+ " or digits and ". "
//   bold     **text** and __text__ spans within a line
// Fenced code blocks (```) are left out of the markdown counts.
//
// Covariates (LMSYS's construction, but not centred): per feature, (a - b) / (a + b) (0 when
// both are 0), divided by its standard deviation over the battles (left as is when that is 0).
// LMSYS also subtracts the mean; without an intercept in the regression that shift acts as a
// bonus for the answer shown first, which moves the ratings of models shown first more often,
// so the difference is kept at 0 for answers of equal style.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::arena {

inline constexpr std::size_t kStyleFeatures = 4;
inline constexpr std::array<const char*, kStyleFeatures> kStyleFeatureNames = {"length", "headers", "lists", "bold"};

using StyleCounts = std::array<double, kStyleFeatures>;  // in kStyleFeatureNames' order

// The counts of one answer's text.
StyleCounts style_counts(std::string_view answer);

// The two answers' counts of a battle line: from conv_metadata when present (a malformed one is
// an error: nullopt with `why` set), else from answer_a and answer_b when both are strings, else
// nullopt with `why` empty.
std::optional<std::array<StyleCounts, 2>> battle_style(const nlohmann::json& line, std::string& why);

// The covariates of battles' styles: kStyleFeatures values per battle, battle after battle.
std::vector<double> style_covariates(const std::vector<std::array<StyleCounts, 2>>& styles);

}  // namespace llmbench::arena
