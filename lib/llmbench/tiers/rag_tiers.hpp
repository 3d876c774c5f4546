#pragma once
// The model-lab tiers: tier_0 and tier_1 (rag_retrieval_tiers.hpp), tier_2 and tier_3
// (rag_generation_tiers.hpp), tier_judge and tier_judge_pipeline (judge_tiers.hpp), tier_ux
// (ux_tier.hpp: the assistant's traffic log). They
// share one RagContext per sweep (rag_context.hpp): data, prompt templates, and request
// sharing, so each distinct request is sent once per run.

#include <memory>
#include <string>

#include "llmbench/run/options.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// The tier for a model-lab --tier value ("0", "1", "2", "3", "judge", "judge_pipeline", "ux"), or
// nullptr for any other value. Loads what the tier reads (dataset, chunks, judge-pipeline
// set, prompt templates) now; throws Error/InputError naming the file and the flag to fix.
std::unique_ptr<Tier> make_rag_tier(const std::string& tier, const run::RunOptions& options, const std::string& data_dir);

}  // namespace llmbench::tiers
