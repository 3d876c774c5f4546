#include "llmbench/run/merge.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/http/cache.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/run/shard.hpp"

namespace llmbench::run {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The shard run of `dir`: the record of `run_id`, or with "" its last sharded record.
ShardRun read_shard(const fs::path& dir, const std::string& run_id) {
  const records::OutputLayout layout(dir);
  if (!fs::exists(layout.report_file())) {
    throw Error(fmt::format("merge: {} holds no report ({}): is it a shard's --output-dir?", dir.string(),
                            records::kReportFileName));
  }
  const json runs = report::read_runs(layout.report_file());
  const json* found = nullptr;
  for (const json& r : runs) {
    if (!r.contains("shard")) continue;
    if (run_id.empty() || r.value("id", "") == run_id) found = &r;
  }
  if (found == nullptr) {
    throw Error(fmt::format("merge: {} holds no sharded run{} (a run made with --shard I/N)", dir.string(),
                            run_id.empty() ? std::string() : " with id " + run_id));
  }
  ShardRun shard;
  shard.dir = dir;
  shard.record = *found;
  const json& s = found->at("shard");
  shard.index = s.value("index", std::size_t{0});
  shard.count = s.value("count", std::size_t{0});
  shard.plan_fingerprint = s.value("plan_fingerprint", "");
  return shard;
}

std::string label(const ShardRun& s) { return fmt::format("shard {}/{} ({})", s.index, s.count, s.dir.string()); }

}  // namespace

void require_run_id(const Shard& shard, bool has_run_id) {
  if (!shard.sharded() || has_run_id) return;
  throw Error("--shard needs --run-id: the shards of one run share its id (e.g. --run-id nightly-2026-12-06), "
              "which `llmbench merge` checks",
              ExitCode::bad_input);
}

std::vector<ShardRun> read_shards(const std::vector<fs::path>& dirs, const std::string& run_id) {
  if (dirs.empty()) throw Error("merge: no shard dirs given");
  std::vector<ShardRun> shards;
  for (const auto& dir : dirs) {
    shards.push_back(read_shard(dir, run_id.empty() && !shards.empty() ? shards[0].record.value("id", "") : run_id));
  }
  const ShardRun& first = shards[0];
  std::map<std::size_t, const ShardRun*> by_index;
  for (const ShardRun& s : shards) {
    if (s.plan_fingerprint != first.plan_fingerprint || s.count != first.count) {
      throw Error(fmt::format("merge: {} is of another plan than {} (plan {} of {} shards, against plan {} of {}): "
                              "shards of one run share every flag but --shard",
                              label(s), label(first), s.plan_fingerprint, s.count, first.plan_fingerprint,
                              first.count));
    }
    const std::string status = s.record.value("status", "");
    if (status == "running" || status == "interrupted") {
      throw Error(fmt::format("merge: {} did not finish (status {}); finish it first with `llmbench run --resume {} "
                              "--output-dir {}`",
                              label(s), status, s.record.value("id", ""), s.dir.string()));
    }
    if (s.record.value("models", json()) != first.record.value("models", json())) {
      throw Error(fmt::format("merge: {} names other models or prices than {} (the record's \"models\"): its "
                              "config differed; run every shard with one config",
                              label(s), label(first)));
    }
    for (const json& mr : s.record.value("model_runs", json::array())) {
      if (mr.value("status", "") == "unavailable") {
        throw Error(fmt::format("merge: {} ran without a model ({}), so its items are missing; run that shard "
                                "again once the model answers",
                                label(s), mr.value("unavailable_reason", "")));
      }
    }
    if (auto [it, added] = by_index.emplace(s.index, &s); !added) {
      throw Error(fmt::format("merge: shard {}/{} is given twice: {} and {}", s.index, s.count,
                              it->second->dir.string(), s.dir.string()));
    }
  }
  std::string missing;
  for (std::size_t i = 0; i < first.count; ++i) {
    if (!by_index.count(i)) missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", i, first.count);
  }
  if (!missing.empty()) {
    throw Error(fmt::format("merge: missing shard(s) {} of run {}; give the output dir of every shard",
                            missing, first.record.value("id", "")));
  }
  std::sort(shards.begin(), shards.end(), [](const ShardRun& a, const ShardRun& b) { return a.index < b.index; });
  return shards;
}

std::size_t merge_logs(const std::vector<ShardRun>& shards, const std::string& relative,
                       const records::OutputLayout& out, const char* key_field) {
  const fs::path target = out.resolve(relative);
  std::ofstream file(target, std::ios::binary | std::ios::app);
  if (!file) throw Error(fmt::format("merge: cannot write {}", target.string()), ExitCode::internal);
  std::map<std::string, std::size_t> owner;  // record key -> shard index
  std::size_t written = 0;
  for (const ShardRun& s : shards) {
    const fs::path log = records::OutputLayout(s.dir).resolve(relative);
    const records::JournalScan scan = records::scan_journal(log, records::DamagedLines::refuse, [&](json&& r) {
      const std::string key = r.value(key_field, "");
      if (auto [it, added] = owner.emplace(key, s.index); !added && it->second != s.index) {
        throw Error(fmt::format("merge: record {} is in shard {} and shard {} ({}): the shards overlap", key,
                                it->second, s.index, log.string()));
      }
      file << r.dump() << '\n';
      ++written;
    });
    if (scan.dropped_torn_tail) {
      throw Error(fmt::format("merge: {} ends in a torn line; resume {} first", log.string(), label(s)));
    }
  }
  file.flush();
  if (!file) throw Error(fmt::format("merge: cannot write {}", target.string()), ExitCode::internal);
  return written;
}

namespace {

// a + b for objects of counts (nested objects added key by key; other values: a's kept).
void add_counts(json& a, const json& b) {
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key)) {
      a[key] = value;
    } else if (value.is_object() && a[key].is_object()) {
      add_counts(a[key], value);
    } else if (value.is_number_integer() && a[key].is_number_integer()) {
      a[key] = a[key].get<std::int64_t>() + value.get<std::int64_t>();
    } else if (value.is_number() && a[key].is_number()) {
      a[key] = a[key].get<double>() + value.get<double>();
    }
  }
}

}  // namespace

json merged_record(const std::vector<ShardRun>& shards) {
  json run = shards.at(0).record;
  run.erase("shard");
  run.erase("resumed_at");
  run["flags"].erase("shard");
  json requests = json::object();
  json from = json::array();
  for (const ShardRun& s : shards) {
    add_counts(requests, s.record.value("requests", json::object()));
    from.push_back({{"index", s.index},
                    {"count", s.count},
                    {"dir", s.dir.string()},
                    {"timestamp", s.record.value("timestamp", "")},
                    {"finished_at", s.record.value("finished_at", "")}});
    // ISO 8601 UTC timestamps order as text.
    run["timestamp"] = std::min(run.value("timestamp", ""), s.record.value("timestamp", ""));
    run["finished_at"] = std::max(run.value("finished_at", ""), s.record.value("finished_at", ""));
  }
  run["requests"] = std::move(requests);
  run["merged_from"] = {{"plan_fingerprint", shards[0].plan_fingerprint}, {"shards", std::move(from)}};
  run["merged_at"] = utc_timestamp_iso8601();
  return run;
}

long long merge_caches(const std::vector<ShardRun>& shards, const fs::path& cache_dir) {
  std::unique_ptr<http::ResponseCache> target;
  long long added = 0;
  for (const ShardRun& s : shards) {
    const json& flags = s.record.value("flags", json::object());
    if (flags.value("no_cache", false)) continue;
    const std::string dir = flags.value("cache_dir", "");
    const fs::path source = dir.empty() ? records::OutputLayout(s.dir).cache_dir() : fs::path(dir);
    if (!fs::exists(source / http::kCacheFileName)) continue;
    if (!target) target = http::ResponseCache::open(cache_dir);
    added += target->import_entries(*http::ResponseCache::open(source));
  }
  return added;
}

void merge_into(RunSession& session, const std::vector<ShardRun>& shards, json& run, const std::string& log,
                const char* key_field, const MergeAggregate& aggregate, bool merge_cache) {
  const std::string run_id = run.value("id", "");
  const records::OutputLayout& out = session.layout();
  create_run_dir(out.dir(), run_id,
                 fmt::format("merge into another --output-dir, or remove {}", out.run_dir(run_id).string()));
  try {
    const std::size_t records = merge_logs(shards, log, out, key_field);
    aggregate(run, out.resolve(log));
    session.save(run);
    std::fprintf(session.human(), "Merged %zu shards of run %s (%zu records) into %s\n", shards.size(),
                 run_id.c_str(), records, out.report_file().c_str());
  } catch (...) {
    std::error_code ignored;  // nothing of a refused merge is left behind
    fs::remove_all(out.run_dir(run_id), ignored);
    throw;
  }
  if (merge_cache) {
    const long long added = merge_caches(shards, out.cache_dir());
    std::fprintf(session.human(), "Cache: %lld responses added to %s\n", added, out.cache_dir().c_str());
  }
}

}  // namespace llmbench::run
