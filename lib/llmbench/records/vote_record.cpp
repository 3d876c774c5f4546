#include "llmbench/records/vote_record.hpp"

#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/take_field.hpp"

namespace llmbench::records {

using detail::take;
using nlohmann::json;

void from_json(const json& source, VoteRecord& v) {
  if (!source.is_object()) throw Error("a vote record is a JSON object, not " + source.dump(), ExitCode::internal);
  json in = source;
  v = VoteRecord{};
  take(in, field::kKey, v.key);
  take(in, field::kPromptId, v.prompt_id);
  take(in, field::kModelA, v.model_a);
  take(in, field::kModelB, v.model_b);
  take(in, field::kVote, v.vote);
  take(in, field::kWinnerModel, v.winner_model);
  take(in, field::kSeed, v.seed);
  take(in, field::kTimestamp, v.timestamp);
  take(in, field::kVoter, v.voter);
  v.extra = std::move(in);
}

void to_json(json& out, const VoteRecord& v) {
  out = {{field::kKey, v.key},         {field::kPromptId, v.prompt_id},       {field::kModelA, v.model_a},
         {field::kModelB, v.model_b},  {field::kVote, v.vote},                {field::kWinnerModel, v.winner_model},
         {field::kSeed, v.seed},       {field::kTimestamp, v.timestamp}};
  if (!v.voter.empty()) out[field::kVoter] = v.voter;
  for (const auto& [name, value] : v.extra.items()) out[name] = value;
}

}  // namespace llmbench::records
