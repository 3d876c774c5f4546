#pragma once
// The response cache: successful API responses stored in an embedded SQLite database,
// `<cache_dir>/responses.sqlite3`, addressed by the content of the request.
//
// Key: request_key() (http/request_identity.hpp), the SHA-256 of the request's canonical
// identity: cache URL, model, kind, messages, inputs, params and repeat_index; not the API
// key, extra headers or streaming mode. The repeats of a consistency run are separate entries.
//
// Stored: only Outcome::ok records of chat and embeddings requests (content, reasoning,
// finish_reason, usage, embeddings, http_status, attempts and the original timings, kept as
// data). Errors, truncations and model listings are never stored. Records read back have
// `cached = true`. Nothing secret is stored: no key, no header, no error text.
//
// Concurrency: the database is in WAL mode with a busy timeout, so several processes (and
// several ResponseCache objects in one process) may read and write the same directory at
// once. One object is safe to use from several threads (calls are serialised).
//
// Batches: the puts made while a Batch of the object lives share one transaction (one commit,
// not one per response; the executor keeps one open for at most 100 ms at a time). This
// object reads them back at once; other connections see them when the batch ends, and the
// write lock is held from the first put until then.
//
// Failures: open() throws Error naming the database path (unwritable directory, a file that
// is not a cache database). After a successful open, a read or write that fails (disk full,
// a lock held past the timeout) is logged as a warning and treated as a miss / skipped: a
// cache problem never fails a request.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "llmbench/http/request_identity.hpp"
#include "llmbench/http/types.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace llmbench::http {

inline constexpr const char* kCacheFileName = "responses.sqlite3";

// Whether a request of this kind is ever cached (chat and embeddings; not model listings).
bool is_cacheable(const ApiRequest& request);

class ResponseCache {
 public:
  // Opens (creating the directory and the database if needed) `<dir>/responses.sqlite3`.
  // Throws Error naming the path and how to fix it.
  static std::unique_ptr<ResponseCache> open(const std::filesystem::path& dir);

  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // The stored record for this request (cached = true, id 0), or nullopt.
  std::optional<RequestRecord> get(const ApiRequest& request);
  // Same, by a key from request_key().
  std::optional<RequestRecord> get_by_key(const std::string& key);

  // Stores `record` if it is ok and the request cacheable; otherwise does nothing.
  // A record already stored under the key is replaced.
  void put(const ApiRequest& request, const RequestRecord& record);
  void put_by_key(const std::string& key, const ApiRequest& request, const RequestRecord& record);

  // Removes what is stored under a key from request_key(), if anything: a reply the caller
  // could not use (a judge verdict it cannot read), so the request is sent again next time
  // rather than answered with the same reply. Joins the open batch, as puts do.
  void forget_by_key(const std::string& key);

  // Static forwarding so call sites can write cache.request_key(request).
  static std::string request_key(const ApiRequest& request) { return http::request_key(request); }

  // Groups this object's puts until it ends into one transaction. Batches do not nest; the
  // ResponseCache must outlive it.
  class Batch {
   public:
    explicit Batch(ResponseCache* cache);  // null: does nothing
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

   private:
    ResponseCache* cache_;
  };

  // Entries stored (all processes); -1 if the count cannot be read.
  long long size();

  // Copies into this cache every entry of `other` whose key this one lacks (a key in both holds
  // the same request's successful answer: this one's is kept), in one transaction. Returns the
  // entries added. Throws Error naming both databases when the copy fails (`llmbench merge`).
  long long import_entries(const ResponseCache& other);

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ResponseCache(std::filesystem::path path);
  void open_database();
  void close_database();
  void commit_batch();  // ends the open transaction, if any (mutex_ held)

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  // Text values are bound SQLITE_STATIC (not copied): each outlives the step that reads it, and
  // the bindings are cleared right after, before it goes.
  sqlite3_stmt* select_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* erase_ = nullptr;
  std::mutex mutex_;
  bool busy_ = false;  // the last open failure was a lock held by another connection
  bool batching_ = false;    // a Batch lives: puts join one transaction
  bool transaction_ = false;  // that transaction has begun (at the first put)
};

// The cache of a `run` or `arena run`: none with --no-cache (`disabled`); else `cache_dir`,
// by default <output_dir>/cache, so sweeps and arena runs in one output directory share it.
std::unique_ptr<ResponseCache> open_run_cache(bool disabled, const std::string& cache_dir,
                                              const std::filesystem::path& output_dir);

// Record <-> the JSON stored in the database (exposed for tests).
nlohmann::json record_to_cache_json(const RequestRecord& record);
RequestRecord record_from_cache_json(const nlohmann::json& stored);
// The text stored: record_to_cache_json(record) dumped (compact, invalid UTF-8 replaced),
// written without building the tree.
std::string record_to_cache_text(const RequestRecord& record);

}  // namespace llmbench::http
