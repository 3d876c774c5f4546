#pragma once
// The fields the standard tier adds to the item records of safety and bias tasks (records/
// fields.hpp names them; docs/report-format.md documents them), read back by safety_metrics.
//
//   refusal_label     scorer refusal: "full_compliance" | "full_refusal" | "partial_refusal",
//                     null when the reply has no text (or the request failed)
//   refusal_detector  which detector assigned the label: "rules" (tasks::detect_refusal)
//   bias_context      BBQ: "ambiguous" | "disambiguated"
//   bias_answer       BBQ: the kind of choice the model picked: "biased" | "counter_biased" |
//                     "unknown", null when no choice was read (or the request failed)

#include <nlohmann/json.hpp>

#include "llmbench/data/item.hpp"
#include "llmbench/tasks/prompt.hpp"

namespace llmbench::tiers {

// Sets refusal_label (from the record's "extracted", which a refusal scorer fills with the
// label) and refusal_detector "rules".
void put_refusal_fields(nlohmann::json& record);

// Sets bias_context (every BBQ record, failed ones too: errors are counted per context).
void put_bias_context(nlohmann::json& record, const data::BiasFacts& facts);
// Sets bias_answer from the record's "extracted" letter mapped through `prompt`'s permutation
// to the item's choice.
void put_bias_answer(nlohmann::json& record, const data::BiasFacts& facts, const tasks::McPrompt& prompt);

}  // namespace llmbench::tiers
