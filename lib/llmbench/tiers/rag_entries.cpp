#include "llmbench/tiers/rag_entries.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "llmbench/records/fields.hpp"
#include "llmbench/run/latest_by_key.hpp"
#include "llmbench/run/request_fields.hpp"
#include "llmbench/util/hash.hpp"
#include "llmbench/util/json.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::tiers {

namespace field = records::field;
using nlohmann::json;

namespace {

RagEntry::Role role_of(const std::string& role) {
  if (role == "generation") return RagEntry::Role::generation;
  if (role == "judge") return RagEntry::Role::judge;
  if (role == "embedding") return RagEntry::Role::embedding;
  if (role == "production_judge") return RagEntry::Role::production_judge;
  return RagEntry::Role::other;
}

bool is_true(const json& record, const char* name) {
  const auto it = record.find(name);
  return it != record.end() && it->is_boolean() && it->get<bool>();
}

// Sets `value` from a numeric field; false when the field is absent or no number.
bool read_number(const json& record, const char* name, double& value) {
  const auto it = record.find(name);
  if (it == record.end() || !it->is_number()) return false;
  value = it->get<double>();
  return true;
}

// The key order records are aggregated in (see the default aggregator in tier.cpp).
void sort_by_key(std::vector<const RagEntry*>& entries, const RagNames& names) {
  std::sort(entries.begin(), entries.end(), [&names](const RagEntry* a, const RagEntry* b) {
    return names.keys.at(a->key) < names.keys.at(b->key);
  });
}

}  // namespace

metrics::TextOverlap RagEntry::overlap() const {
  return {values[kRouge1], values[kRouge2], values[kRougeL], values[kBleu]};
}

std::string RagEntry::answer_text() const { return fmt::format("{:016x}{:016x}", answer[0], answer[1]); }

RagEntry rag_entry(const json& record, RagNames& names) {
  RagEntry e;
  const auto key = record.find(field::kKey);
  e.key = names.keys.keep(key != record.end() && key->is_string() ? key->get_ref<const std::string&>() : std::string());
  e.item = names.intern(util::string_field(record, field::kItemId));
  e.model = names.intern(util::string_field(record, field::kModel));
  e.metric = names.intern(util::string_field(record, "metric"));
  const auto repeat = record.find(field::kRepeat);
  if (repeat != record.end() && repeat->is_number_integer()) e.repeat = repeat->get<std::int32_t>();
  e.role = role_of(util::string_field(record, field::kRole));
  e.failed = run::record_failed(record);
  e.has_score = read_number(record, field::kScore, e.score);
  e.has_latency = read_number(record, field::kLatencyMs, e.latency_ms);
  e.ground_truth_show = is_true(record, "ground_truth_show");
  e.parsed = is_true(record, field::kParsed);
  e.extracted_yes = util::string_field(record, field::kExtracted) == "Yes";
  e.tokens.add_usage(record);
  if (e.role == RagEntry::Role::generation && !e.failed) {
    const std::string response = util::string_field(record, field::kResponse);
    const std::string_view trimmed = util::trim(response);
    e.answer = {util::Hasher(0x616e73776572ULL).add(trimmed).value(), util::Hasher(0x74657874ULL).add(trimmed).value()};
    const std::string reference = util::string_field(record, field::kReference);
    if (e.repeat == 0 && !reference.empty()) {
      const metrics::TextOverlap o = metrics::text_overlap(response, reference);
      e.values = {o.rouge1_f, o.rouge2_f, o.rougeL_f, o.bleu};
      e.has_overlap = true;
    }
  } else if (e.role == RagEntry::Role::embedding && !e.failed) {
    static constexpr std::array<const char*, 4> kNames = {"semantic_consistency", "semantic_similarity",
                                                          "dot_similarity", "euclidean_distance"};
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (read_number(record, kNames[i], e.values[i])) e.has_value |= static_cast<std::uint8_t>(1U << i);
    }
  }
  return e;
}

RagEntries::RagEntries(const std::vector<const json*>& records) {
  entries.reserve(records.size());
  for (const json* r : records) entries.push_back(rag_entry(*r, names));
  pointers.reserve(entries.size());
  for (const RagEntry& e : entries) pointers.push_back(&e);
}

namespace {

// A tier's metrics of one model run's entries, costs included.
json metrics_with_costs(const RagMetrics& metrics, const std::vector<const RagEntry*>& entries,
                        const RagNames& names, const run::ModelMatrix& models) {
  json out = metrics(entries, names);
  put_request_costs(out, entries, names, models);
  return out;
}

class RagAggregator final : public TierAggregator {
 public:
  RagAggregator(std::string tier, RagMetrics metrics, const run::ModelMatrix& models)
      : tier_(std::move(tier)), metrics_(std::move(metrics)), models_(models) {}

  bool add(const json& record) override {
    const std::uint32_t group = groups_.of(record);
    RagEntry entry = rag_entry(record, names_);
    return entries_.put(names_.keys.at(entry.key), {group, entry});
  }

  void finish(json& model_runs) const override {
    for (json& mr : model_runs) {
      const std::vector<bool> applies = groups_.applying(mr);
      std::vector<const RagEntry*> mine;
      entries_.for_each([&](const Kept& kept) {
        if (applies[kept.group]) mine.push_back(&kept.entry);
      });
      if (mine.empty()) continue;
      sort_by_key(mine, names_);
      mr["metrics"][tier_] = metrics_with_costs(metrics_, mine, names_, models_);
    }
  }

 private:
  struct Kept {
    std::uint32_t group = 0;  // index into groups_
    RagEntry entry;
  };

  std::string tier_;
  RagMetrics metrics_;
  const run::ModelMatrix& models_;
  RoleGroups groups_;
  RagNames names_;
  run::LatestByKey<Kept> entries_;
};

}  // namespace

std::function<json(const std::vector<const json*>&)> with_entry_costs(RagMetrics metrics,
                                                                    const run::ModelMatrix& models) {
  return [metrics = std::move(metrics), &models](const std::vector<const json*>& records) {
    const RagEntries entries(records);
    return metrics_with_costs(metrics, entries.pointers, entries.names, models);
  };
}

std::unique_ptr<TierAggregator> rag_aggregator(std::string tier, RagMetrics metrics, const run::ModelMatrix& models) {
  return std::make_unique<RagAggregator>(std::move(tier), std::move(metrics), models);
}

}  // namespace llmbench::tiers
