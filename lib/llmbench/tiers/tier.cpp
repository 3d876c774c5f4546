#include "llmbench/tiers/tier.hpp"

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/run/latest_by_key.hpp"
#include "llmbench/tiers/rag_tiers.hpp"
#include "llmbench/tiers/standard_tier.hpp"

namespace llmbench::tiers {

namespace field = records::field;

using nlohmann::json;

namespace {

// Tier::aggregator()'s default: the latest record of each key, without its display-only text,
// kept as JSON text (one string, where a tree is an allocation per value: a RAG record is about
// a quarter of the memory this way) and parsed again in finish(), as a resumed run reads it
// from the journal.
class RecordAggregator final : public TierAggregator {
 public:
  RecordAggregator(const Tier& tier, const run::ModelMatrix& models) : tier_(tier), models_(models) {}

  void add(const json& record) override {
    static const std::set<std::string, std::less<>> kDisplayOnly = {
        field::kContext, field::kPrompt, field::kQuestion, field::kRationale,
        field::kReasoning};
    json kept = json::object();
    for (const auto& [name, value] : record.items()) {
      if (!kDisplayOnly.count(name)) kept[name] = value;
    }
    std::string text = kept.dump();
    text.shrink_to_fit();
    records_.put(record.value(field::kKey, std::string()), std::move(text));
  }

  void finish(json& model_runs) const override {
    std::vector<json> parsed;
    parsed.reserve(records_.size());
    records_.for_each([&](const std::string& text) { parsed.push_back(json::parse(text)); });
    std::vector<const json*> latest;
    latest.reserve(parsed.size());
    for (const json& r : parsed) latest.push_back(&r);
    tier_.aggregate(latest, models_, model_runs);
  }

 private:
  const Tier& tier_;
  const run::ModelMatrix& models_;
  run::LatestByKey<std::string> records_;
};

}  // namespace

std::unique_ptr<TierAggregator> Tier::aggregator(const run::ModelMatrix& models) const {
  return std::make_unique<RecordAggregator>(*this, models);
}

std::unique_ptr<Tier> make_tier(const std::string& tier, const run::RunOptions& options,
                                const std::string& data_dir) {
  if (tier == "standard") return std::make_unique<StandardTier>(options, data_dir);
  if (auto rag = make_rag_tier(tier, options, data_dir)) return rag;
  throw Error(fmt::format("--tier {}: this tier is not implemented yet in this build; "
                          "run --tier standard", tier));
}






std::vector<run::PlannedLoad> same_load(config::Role role, const std::vector<config::ResolvedModel>& list,
                                   std::size_t requests, std::size_t input_bytes) {
  std::vector<run::PlannedLoad> out;
  for (const auto& m : list) out.push_back({role, m.id, requests, input_bytes});
  return out;
}



}  // namespace llmbench::tiers
