#include "llmbench/http/cache.hpp"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <system_error>
#include <thread>

#include "llmbench/error.hpp"
#include "llmbench/util/json.hpp"
#include "llmbench/util/json_text.hpp"

namespace llmbench::http {
namespace {

using nlohmann::json;
using util::string_field;

constexpr int kBusyTimeoutMs = 15000;
constexpr int kOpenAttempts = 5;

std::string fix_hint(const std::filesystem::path& path) {
  return "; delete " + path.string() + " (it only holds cached responses), choose another --cache-dir, or run with --no-cache";
}

// Rounds a usage count or timing read back from JSON.
template <typename T>
T number_or(const json& object, const char* name, T fallback) {
  const auto it = object.find(name);
  return it != object.end() && it->is_number() ? it->get<T>() : fallback;
}

}  // namespace

bool is_cacheable(const ApiRequest& request) { return request.kind != ApiKind::models; }

json record_to_cache_json(const RequestRecord& record) {
  json embeddings = json::array();
  for (const auto& vector : record.embeddings) embeddings.push_back(vector);
  return {{"content", record.content},
          {"reasoning", record.reasoning},
          {"finish_reason", record.finish_reason},
          {"http_status", record.http_status},
          {"attempts", record.attempts},
          {"usage",
           {{"prompt_tokens", record.usage.prompt_tokens},
            {"completion_tokens", record.usage.completion_tokens},
            {"total_tokens", record.usage.total_tokens}}},
          {"timings",
           {{"sent_ms", record.timings.sent_ms},
            {"first_byte_ms", record.timings.first_byte_ms},
            {"first_token_ms", record.timings.first_token_ms},
            {"done_ms", record.timings.done_ms}}},
          {"embeddings", std::move(embeddings)}};
}

std::string record_to_cache_text(const RequestRecord& record) {
  // The keys of record_to_cache_json in the order its dump writes them (sorted).
  std::string text;
  text.reserve(256 + record.content.size() + record.reasoning.size());
  const auto number = [&text](const char* key, auto value) {
    text += key;
    util::append_json_number(text, value);
  };
  number("{\"attempts\":", std::int64_t{record.attempts});
  text += ",\"content\":";
  util::append_json_string(text, record.content);
  text += ",\"embeddings\":[";
  for (std::size_t v = 0; v < record.embeddings.size(); ++v) {
    text += v > 0 ? ",[" : "[";
    for (std::size_t i = 0; i < record.embeddings[v].size(); ++i) {
      if (i > 0) text += ',';
      util::append_json_number(text, static_cast<double>(record.embeddings[v][i]));
    }
    text += ']';
  }
  text += "],\"finish_reason\":";
  util::append_json_string(text, record.finish_reason);
  number(",\"http_status\":", std::int64_t{record.http_status});
  text += ",\"reasoning\":";
  util::append_json_string(text, record.reasoning);
  number(",\"timings\":{\"done_ms\":", record.timings.done_ms);
  number(",\"first_byte_ms\":", record.timings.first_byte_ms);
  number(",\"first_token_ms\":", record.timings.first_token_ms);
  number(",\"sent_ms\":", record.timings.sent_ms);
  number("},\"usage\":{\"completion_tokens\":", record.usage.completion_tokens);
  number(",\"prompt_tokens\":", record.usage.prompt_tokens);
  number(",\"total_tokens\":", record.usage.total_tokens);
  text += "}}";
  return text;
}

RequestRecord record_from_cache_json(const json& stored) {
  RequestRecord record;
  record.outcome = Outcome::ok;
  record.cached = true;
  record.content = string_field(stored, "content");
  record.reasoning = string_field(stored, "reasoning");
  record.finish_reason = string_field(stored, "finish_reason");
  record.http_status = number_or<int>(stored, "http_status", 200);
  record.attempts = number_or<int>(stored, "attempts", 1);
  if (const auto usage = stored.find("usage"); usage != stored.end() && usage->is_object()) {
    record.usage.prompt_tokens = number_or<std::int64_t>(*usage, "prompt_tokens", -1);
    record.usage.completion_tokens = number_or<std::int64_t>(*usage, "completion_tokens", -1);
    record.usage.total_tokens = number_or<std::int64_t>(*usage, "total_tokens", -1);
  }
  if (const auto timings = stored.find("timings"); timings != stored.end() && timings->is_object()) {
    record.timings.sent_ms = number_or<double>(*timings, "sent_ms", -1);
    record.timings.first_byte_ms = number_or<double>(*timings, "first_byte_ms", -1);
    record.timings.first_token_ms = number_or<double>(*timings, "first_token_ms", -1);
    record.timings.done_ms = number_or<double>(*timings, "done_ms", -1);
  }
  if (const auto embeddings = stored.find("embeddings"); embeddings != stored.end() && embeddings->is_array()) {
    for (const auto& vector : *embeddings) {
      if (vector.is_array()) record.embeddings.push_back(vector.get<std::vector<float>>());
    }
  }
  return record;
}

// --- ResponseCache -------------------------------------------------------------------------

ResponseCache::ResponseCache(std::filesystem::path path) : path_(std::move(path)) {}

ResponseCache::~ResponseCache() { close_database(); }

std::unique_ptr<ResponseCache> ResponseCache::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw Error("cannot create the response cache directory " + dir.string() + ": " + ec.message() +
                "; choose another --cache-dir or run with --no-cache");
  }
  std::unique_ptr<ResponseCache> cache(new ResponseCache(dir / kCacheFileName));
  // Two processes opening a fresh directory at once may briefly see each other's locks while
  // one switches the file to WAL; the busy timeout covers most of it, a few retries the rest.
  for (int attempt = 1;; ++attempt) {
    try {
      cache->open_database();
      return cache;
    } catch (const Error&) {
      const bool busy = cache->busy_;
      cache->close_database();
      if (!busy || attempt >= kOpenAttempts) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
}

void ResponseCache::close_database() {
  commit_batch();
  if (select_ != nullptr) sqlite3_finalize(select_);
  if (insert_ != nullptr) sqlite3_finalize(insert_);
  if (erase_ != nullptr) sqlite3_finalize(erase_);
  if (db_ != nullptr) sqlite3_close_v2(db_);
  select_ = insert_ = erase_ = nullptr;
  db_ = nullptr;
}

void ResponseCache::open_database() {
  const std::string file = path_.string();
  const auto fail = [&](const std::string& what) {
    const int code = db_ != nullptr ? (sqlite3_errcode(db_) & 0xff) : SQLITE_NOMEM;
    busy_ = code == SQLITE_BUSY || code == SQLITE_LOCKED;
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    throw Error("response cache " + file + ": " + what + ": " + message + fix_hint(path_));
  };
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    fail("cannot open");
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  const auto exec = [&](const char* sql, const char* what) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(what);
  };
  exec("PRAGMA busy_timeout = 15000", "cannot set the busy timeout");
  exec("PRAGMA journal_mode = WAL", "not a readable SQLite database");
  exec("PRAGMA synchronous = NORMAL", "cannot set synchronous mode");
  exec("CREATE TABLE IF NOT EXISTS responses ("
       " key TEXT PRIMARY KEY,"
       " record TEXT NOT NULL,"
       " kind TEXT NOT NULL,"
       " model TEXT NOT NULL,"
       " created_at INTEGER NOT NULL)",
       "cannot create the responses table");
  if (sqlite3_prepare_v2(db_, "SELECT record FROM responses WHERE key = ?1", -1, &select_, nullptr) != SQLITE_OK) {
    fail("not a response cache (unexpected tables)");
  }
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR REPLACE INTO responses (key, record, kind, model, created_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5)",
                         -1, &insert_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, "DELETE FROM responses WHERE key = ?1", -1, &erase_, nullptr) != SQLITE_OK) {
    fail("not a response cache (unexpected tables)");
  }
}

std::optional<RequestRecord> ResponseCache::get(const ApiRequest& request) {
  if (!is_cacheable(request)) return std::nullopt;
  return get_by_key(request_key(request));
}

std::optional<RequestRecord> ResponseCache::get_by_key(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<RequestRecord> found;
  sqlite3_bind_text(select_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(select_);
  if (rc == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(select_, 0));
    const int bytes = sqlite3_column_bytes(select_, 0);
    json stored = json::parse(text, text + bytes, nullptr, false);
    if (stored.is_object()) {
      found = record_from_cache_json(stored);
    } else {
      spdlog::warn("response cache {}: entry {} is not valid JSON; ignoring it", path_.string(), key);
    }
  } else if (rc != SQLITE_DONE) {
    spdlog::warn("response cache {}: read failed: {}; treating as a miss", path_.string(), sqlite3_errmsg(db_));
  }
  sqlite3_reset(select_);
  sqlite3_clear_bindings(select_);
  return found;
}

void ResponseCache::forget_by_key(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (batching_ && !transaction_) transaction_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_bind_text(erase_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  if (sqlite3_step(erase_) != SQLITE_DONE) {
    spdlog::warn("response cache {}: removing an unusable reply failed: {}", path_.string(), sqlite3_errmsg(db_));
  }
  sqlite3_reset(erase_);
  sqlite3_clear_bindings(erase_);
  if (transaction_ && sqlite3_get_autocommit(db_) != 0) transaction_ = false;
}

void ResponseCache::put(const ApiRequest& request, const RequestRecord& record) {
  if (!record.ok() || !is_cacheable(request)) return;
  put_by_key(request_key(request), request, record);
}

void ResponseCache::put_by_key(const std::string& key, const ApiRequest& request, const RequestRecord& record) {
  if (!record.ok() || !is_cacheable(request)) return;
  const std::string text = record_to_cache_text(record);
  const std::string_view kind = to_string(request.kind);
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  std::lock_guard<std::mutex> lock(mutex_);
  if (batching_ && !transaction_) {
    // IMMEDIATE: the write lock is taken (waiting out the busy timeout) before anything is
    // read, so no write of the batch can fail on a snapshot another process has moved past.
    transaction_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  sqlite3_bind_text(insert_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 2, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 3, kind.data(), static_cast<int>(kind.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 4, request.model.data(), static_cast<int>(request.model.size()), SQLITE_STATIC);
  sqlite3_bind_int64(insert_, 5, static_cast<sqlite3_int64>(now_s));
  const int rc = sqlite3_step(insert_);
  if (rc != SQLITE_DONE) {
    spdlog::warn("response cache {}: write failed: {}; the response is not cached", path_.string(),
                 sqlite3_errmsg(db_));
  }
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);
  if (transaction_ && sqlite3_get_autocommit(db_) != 0) transaction_ = false;  // a failure rolled it back
}

ResponseCache::Batch::Batch(ResponseCache* cache) : cache_(cache) {
  if (cache_ == nullptr) return;
  std::lock_guard<std::mutex> lock(cache_->mutex_);
  cache_->batching_ = true;
}

ResponseCache::Batch::~Batch() {
  if (cache_ == nullptr) return;
  std::lock_guard<std::mutex> lock(cache_->mutex_);
  cache_->batching_ = false;
  cache_->commit_batch();
}

void ResponseCache::commit_batch() {
  if (!transaction_) return;
  transaction_ = false;
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    spdlog::warn("response cache {}: write failed: {}; the last responses are not cached", path_.string(),
                 sqlite3_errmsg(db_));
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

long long ResponseCache::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  sqlite3_stmt* count = nullptr;
  long long result = -1;
  if (sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM responses", -1, &count, nullptr) == SQLITE_OK &&
      sqlite3_step(count) == SQLITE_ROW) {
    result = sqlite3_column_int64(count, 0);
  }
  sqlite3_finalize(count);
  return result;
}

long long ResponseCache::import_entries(const ResponseCache& other) {
  std::lock_guard<std::mutex> lock(mutex_);
  commit_batch();
  const auto fail = [&](const char* what) {
    return Error("response cache " + path_.string() + ": cannot " + what + " " + other.path_.string() + ": " +
                 sqlite3_errmsg(db_));
  };
  sqlite3_stmt* attach = nullptr;
  const std::string file = other.path_.string();
  const bool attached = sqlite3_prepare_v2(db_, "ATTACH DATABASE ?1 AS other", -1, &attach, nullptr) == SQLITE_OK &&
                        sqlite3_bind_text(attach, 1, file.c_str(), -1, SQLITE_TRANSIENT) == SQLITE_OK &&
                        sqlite3_step(attach) == SQLITE_DONE;
  sqlite3_finalize(attach);
  if (!attached) throw fail("attach");
  const bool copied = sqlite3_exec(db_,
                                   "INSERT OR IGNORE INTO main.responses (key, record, kind, model, created_at)"
                                   " SELECT key, record, kind, model, created_at FROM other.responses",
                                   nullptr, nullptr, nullptr) == SQLITE_OK;
  const long long added = copied ? sqlite3_changes(db_) : 0;
  Error failure = fail("copy the entries of");
  sqlite3_exec(db_, "DETACH DATABASE other", nullptr, nullptr, nullptr);
  if (!copied) throw failure;
  return added;
}

std::unique_ptr<ResponseCache> open_run_cache(bool disabled, const std::string& cache_dir,
                                              const std::filesystem::path& output_dir) {
  if (disabled) return nullptr;
  return ResponseCache::open(cache_dir.empty() ? output_dir / "cache" : std::filesystem::path(cache_dir));
}

}  // namespace llmbench::http
