#pragma once
// The names of the fields of the records a run writes, and the values of their error kinds,
// each spelled once. Item records are the lines of runs/<id>/items.jsonl (ItemRecord in
// records/item_record.hpp), battle records those of runs/<id>/battles.jsonl (BattleRecord), vote
// records those of runs/<id>/votes.jsonl (VoteRecord);
// a report's model runs name their models with the same role fields. docs/report-format.md
// describes what each field holds.

#include <array>

namespace llmbench::records {

namespace field {

// The envelope every item record shares (ItemRecord).
inline constexpr const char* kTier = "tier";
inline constexpr const char* kKey = "key";  // unique within a run; resume skips a key journaled before
inline constexpr const char* kTask = "task";
inline constexpr const char* kItemId = "item_id";
inline constexpr const char* kModel = "model";
inline constexpr const char* kRole = "role";
inline constexpr const char* kRepeat = "repeat";
inline constexpr const char* kGenerationModel = "generation_model";
inline constexpr const char* kJudgeModel = "judge_model";
inline constexpr const char* kProductionJudgeModel = "production_judge_model";
inline constexpr const char* kEmbeddingModel = "embedding_model";
inline constexpr const char* kError = "error";           // null unless the item failed
inline constexpr const char* kErrorKind = "error_kind";  // see error_kind below
// The request's outcome (run/tier.hpp request_stats()).
inline constexpr const char* kHttpStatus = "http_status";
inline constexpr const char* kAttempts = "attempts";
inline constexpr const char* kCached = "cached";
inline constexpr const char* kLatencyMs = "latency_ms";
inline constexpr const char* kTtftMs = "ttft_ms";
inline constexpr const char* kCachedLatencyMs = "cached_latency_ms";
inline constexpr const char* kUsage = "usage";
inline constexpr const char* kPromptTokens = "prompt_tokens";
inline constexpr const char* kCompletionTokens = "completion_tokens";
// A streamed answer's token timings (an object; absent for a whole response or a cached one).
inline constexpr const char* kStream = "stream";
inline constexpr const char* kTtfoMs = "ttfo_ms";
inline constexpr const char* kTpotMs = "tpot_ms";
inline constexpr const char* kItlMs = "itl_ms";
inline constexpr const char* kOutputTokens = "output_tokens";
inline constexpr const char* kOutputTokensFrom = "output_tokens_from";
inline constexpr const char* kTokenTimesFrom = "token_times_from";

// Tier payload fields read outside the tier that writes them (the report page, judges).
inline constexpr const char* kSubject = "subject";
inline constexpr const char* kQuestion = "question";
inline constexpr const char* kContext = "context";
inline constexpr const char* kReference = "reference";
inline constexpr const char* kGold = "gold";
inline constexpr const char* kOptions = "options";
inline constexpr const char* kLetters = "letters";
inline constexpr const char* kPrompt = "prompt";
inline constexpr const char* kResponse = "response";
inline constexpr const char* kFinishReason = "finish_reason";
inline constexpr const char* kReasoning = "reasoning";
inline constexpr const char* kRationale = "rationale";
inline constexpr const char* kExtracted = "extracted";
inline constexpr const char* kCorrect = "correct";
inline constexpr const char* kParsed = "parsed";
inline constexpr const char* kTruncated = "truncated";
inline constexpr const char* kVerdict = "verdict";
inline constexpr const char* kScore = "score";
inline constexpr const char* kScorer = "scorer";
inline constexpr const char* kJudgedModel = "judged_model";
// Safety (scorer refusal) and bias (BBQ) items: the reply's refusal label and who assigned it;
// the item's context condition and which kind of answer the model picked.
inline constexpr const char* kRefusalLabel = "refusal_label";
inline constexpr const char* kRefusalDetector = "refusal_detector";
inline constexpr const char* kRefusalJudge = "refusal_judge";  // --safety-judge: its request and answer
inline constexpr const char* kBiasContext = "bias_context";
inline constexpr const char* kBiasAnswer = "bias_answer";

// Battle records (BattleRecord); besides item_id, judge_model, prompt, verdict, rationale,
// latency_ms, error and error_kind above.
inline constexpr const char* kBattleId = "battle_id";
inline constexpr const char* kPromptId = "prompt_id";
inline constexpr const char* kCategory = "category";
inline constexpr const char* kPair = "pair";
inline constexpr const char* kModelA = "model_a";
inline constexpr const char* kModelB = "model_b";
inline constexpr const char* kSwapped = "swapped";
inline constexpr const char* kAnswerA = "answer_a";
inline constexpr const char* kAnswerB = "answer_b";
inline constexpr const char* kStrong = "strong";
inline constexpr const char* kRawWinner = "raw_winner";
inline constexpr const char* kWinner = "winner";
inline constexpr const char* kFlip = "flip";
inline constexpr const char* kStatus = "status";

// Vote records (VoteRecord); besides key, prompt_id, model_a and model_b above.
inline constexpr const char* kVote = "vote";
inline constexpr const char* kWinnerModel = "winner_model";
inline constexpr const char* kSeed = "seed";
inline constexpr const char* kTimestamp = "timestamp";
// Who cast a vote (`arena vote --voter`, `arena import`, `arena ask --voter`); absent when
// unnamed. Also on the battles of `arena ask` (each is one person's vote) and read from
// imported battles (`arena rate`).
inline constexpr const char* kVoter = "voter";

// The fields that name a record's (or a model run's) model in each role.
inline constexpr std::array<const char*, 4> kRoleModels = {kGenerationModel, kJudgeModel, kProductionJudgeModel,
                                                           kEmbeddingModel};

}  // namespace field

// The values of error_kind. A failed request's kind is its outcome, http::to_string(Outcome)
// ("timeout", "http_status", "rate_limited", ...); these are the kinds a record adds to those.
namespace error_kind {

// A reply cut off by the token budget (Outcome::truncated): scored, yet marked.
inline constexpr const char* kTruncated = "truncated";
// The request this item depends on failed (a judge of an answer that never came); counted
// through that request's own record.
inline constexpr const char* kUpstream = "upstream";
// A judge's reply whose verdict could not be read.
inline constexpr const char* kUnparsedVerdict = "unparsed_verdict";
// Arena: an answer of the pair is missing, so the battle was never judged.
inline constexpr const char* kAnswerFailed = "answer_failed";
// Arena: the judge's reply names no winner.
inline constexpr const char* kNoVerdict = "no_verdict";
// The label of a failed record that names no kind.
inline constexpr const char* kUnknown = "error";

}  // namespace error_kind

}  // namespace llmbench::records
