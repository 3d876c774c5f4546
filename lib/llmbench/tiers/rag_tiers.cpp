#include "llmbench/tiers/rag_tiers.hpp"

#include "llmbench/tiers/judge_tiers.hpp"
#include "llmbench/tiers/rag_context.hpp"
#include "llmbench/tiers/rag_generation_tiers.hpp"
#include "llmbench/tiers/rag_retrieval_tiers.hpp"
#include "llmbench/tiers/ux_tier.hpp"

namespace llmbench::tiers {

std::unique_ptr<Tier> make_rag_tier(const std::string& tier, const run::RunOptions& options, const std::string& data_dir) {
  if (tier == "ux") return std::make_unique<UxTier>(shared_rag_context(options, data_dir), data_dir);
  if (tier != "0" && tier != "1" && tier != "2" && tier != "3" && tier != "judge" && tier != "judge_pipeline") {
    return nullptr;
  }
  std::shared_ptr<RagContext> context = shared_rag_context(options, data_dir);
  if (tier == "0") return std::make_unique<EmbeddingGeometryTier>(context);
  if (tier == "1") return std::make_unique<RetrievalTier>(context);
  if (tier == "2") return std::make_unique<AnswerQualityTier>(context);
  if (tier == "3") return std::make_unique<EndToEndTier>(context);
  if (tier == "judge") return std::make_unique<JudgeReliabilityTier>(context);
  return std::make_unique<JudgePipelineTier>(context);
}

}  // namespace llmbench::tiers
