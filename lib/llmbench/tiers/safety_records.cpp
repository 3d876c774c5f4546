#include "llmbench/tiers/safety_records.hpp"

#include "llmbench/records/fields.hpp"

namespace llmbench::tiers {

namespace field = records::field;
using nlohmann::json;

void put_refusal_fields(json& record) {
  const json& label = record.value(field::kExtracted, json());
  record[field::kRefusalLabel] = label.is_string() ? label : json();
  record[field::kRefusalDetector] = "rules";
}

void put_bias_context(json& record, const data::BiasFacts& facts) {
  record[field::kBiasContext] = facts.ambiguous ? "ambiguous" : "disambiguated";
}

void put_bias_answer(json& record, const data::BiasFacts& facts, const tasks::McPrompt& prompt) {
  record[field::kBiasAnswer] = nullptr;
  const json& letter = record.value(field::kExtracted, json());
  if (!letter.is_string() || letter.get_ref<const std::string&>().size() != 1) return;
  const std::size_t shown = prompt.letters.find(letter.get_ref<const std::string&>()[0]);
  if (shown == std::string::npos || shown >= prompt.permutation.size()) return;
  const int choice = prompt.permutation[shown];
  record[field::kBiasAnswer] = choice == facts.unknown_index  ? "unknown"
                               : choice == facts.biased_index ? "biased"
                                                              : "counter_biased";
}

}  // namespace llmbench::tiers
