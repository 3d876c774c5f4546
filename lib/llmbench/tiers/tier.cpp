#include "llmbench/tiers/tier.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/run/latest_by_key.hpp"
#include "llmbench/run/request_fields.hpp"
#include "llmbench/tiers/rag_tiers.hpp"
#include "llmbench/tiers/standard_tier.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::tiers {

namespace field = records::field;

using nlohmann::json;

namespace {

std::string_view key_of(const json& record) { return util::string_view_field(record, field::kKey); }

// Tier::aggregator()'s default: the latest record of each key, without its display-only text,
// kept as JSON text (one string, where a tree is an allocation per value: a RAG record is about
// a quarter of the memory this way) and parsed again in finish(), as a resumed run reads it
// from the journal. finish() parses one model run's records at a time (a tier's metrics of a
// model run are computed from that run's records alone, see aggregate_by_model_run), so what
// it holds parsed at once is one model run's share, not the tier's.
class RecordAggregator final : public TierAggregator {
 public:
  RecordAggregator(const Tier& tier, const run::ModelMatrix& models) : tier_(tier), models_(models) {}

  bool add(const json& record) override {
    static const std::set<std::string, std::less<>> kDisplayOnly = {
        field::kContext, field::kPrompt, field::kQuestion, field::kRationale,
        field::kReasoning};
    json kept = json::object();
    for (const auto& [name, value] : record.items()) {
      if (!kDisplayOnly.count(name)) kept[name] = value;
    }
    std::string text = kept.dump();
    text.shrink_to_fit();
    return records_.put(record.value(field::kKey, std::string()), {groups_.of(record), std::move(text)});
  }

  void finish(json& model_runs) const override {
    for (json& mr : model_runs) {
      const std::vector<bool> applies = groups_.applying(mr);
      std::vector<json> parsed;
      records_.for_each([&](const Kept& kept) {
        if (applies[kept.group]) parsed.push_back(json::parse(kept.text));
      });
      if (parsed.empty()) continue;
      // In key order, not in the order items finished: a sum of floats then comes out the same
      // in every run of a plan, the merge of its shards included (`llmbench merge`).
      std::sort(parsed.begin(), parsed.end(),
                [](const json& a, const json& b) { return key_of(a) < key_of(b); });
      std::vector<const json*> mine;
      mine.reserve(parsed.size());
      for (const json& r : parsed) mine.push_back(&r);
      json one = json::array({mr});
      tier_.aggregate(mine, models_, one);
      const auto metrics = one[0].find("metrics");
      if (metrics != one[0].end() && metrics->contains(tier_.name())) {
        mr["metrics"][tier_.name()] = std::move((*metrics)[tier_.name()]);
      }
    }
  }

 private:
  struct Kept {
    std::uint32_t group = 0;  // index into groups_
    std::string text;
  };

  const Tier& tier_;
  const run::ModelMatrix& models_;
  RoleGroups groups_;
  run::LatestByKey<Kept> records_;
};

}  // namespace

std::uint32_t RoleGroups::of(const json& record) {
  json roles = json::object();
  for (const char* name : field::kRoleModels) {
    auto it = record.find(name);
    if (it != record.end() && !it->is_null()) roles[name] = *it;
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g] == roles) return static_cast<std::uint32_t>(g);
  }
  groups_.push_back(std::move(roles));
  return static_cast<std::uint32_t>(groups_.size() - 1);
}

std::vector<bool> RoleGroups::applying(const json& model_run) const {
  std::vector<bool> out(groups_.size());
  for (std::size_t g = 0; g < groups_.size(); ++g) out[g] = run::record_applies(groups_[g], model_run);
  return out;
}

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
