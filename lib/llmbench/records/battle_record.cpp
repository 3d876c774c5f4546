#include "llmbench/records/battle_record.hpp"

#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/take_field.hpp"

namespace llmbench::records {

using detail::take;
using nlohmann::json;

namespace {

json nullable(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

}  // namespace

void from_json(const json& source, BattleRecord& b) {
  if (!source.is_object()) throw Error("a battle record is a JSON object, not " + source.dump(), ExitCode::internal);
  json in = source;
  b = BattleRecord{};
  take(in, field::kBattleId, b.battle_id);
  take(in, field::kItemId, b.item_id);
  take(in, field::kPromptId, b.prompt_id);
  take(in, field::kCategory, b.category);
  take(in, field::kPrompt, b.prompt);
  take(in, field::kPair, b.pair);
  take(in, field::kModelA, b.model_a);
  take(in, field::kModelB, b.model_b);
  take(in, field::kSwapped, b.swapped);
  take(in, field::kJudgeModel, b.judge_model);
  take(in, field::kAnswerA, b.answer_a);
  take(in, field::kAnswerB, b.answer_b);
  take(in, field::kVerdict, b.verdict);
  take(in, field::kStrong, b.strong);
  take(in, field::kRawWinner, b.raw_winner);
  take(in, field::kWinner, b.winner);
  take(in, field::kFlip, b.flip);
  take(in, field::kStatus, b.status);
  take(in, field::kRationale, b.rationale);
  take(in, field::kErrorKind, b.error_kind);
  take(in, field::kError, b.error);
  take(in, field::kLatencyMs, b.latency_ms);
  b.extra = std::move(in);
}

void to_json(json& out, const BattleRecord& b) {
  out = {{field::kBattleId, b.battle_id},
         {field::kItemId, b.item_id},
         {field::kPromptId, b.prompt_id},
         {field::kCategory, b.category},
         {field::kPrompt, b.prompt},
         {field::kPair, b.pair},
         {field::kModelA, b.model_a},
         {field::kModelB, b.model_b},
         {field::kSwapped, b.swapped},
         {field::kJudgeModel, b.judge_model},
         {field::kAnswerA, b.answer_a},
         {field::kAnswerB, b.answer_b},
         {field::kVerdict, nullable(b.verdict)},
         {field::kStrong, b.strong},
         {field::kRawWinner, nullable(b.raw_winner)},
         {field::kWinner, nullable(b.winner)},
         {field::kFlip, b.flip},
         {field::kStatus, b.status},
         {field::kRationale, nullable(b.rationale)},
         {field::kErrorKind, nullable(b.error_kind)},
         {field::kError, nullable(b.error)}};
  if (b.latency_ms) out[field::kLatencyMs] = *b.latency_ms;
  for (const auto& [name, value] : b.extra.items()) out[name] = value;
}

std::vector<BattleRecord> battle_records(const std::vector<json>& lines) {
  std::vector<BattleRecord> out;
  out.reserve(lines.size());
  for (const json& line : lines) out.push_back(line.get<BattleRecord>());
  return out;
}

}  // namespace llmbench::records
