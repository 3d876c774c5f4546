#pragma once
// Request sharing for the model-lab tiers: each distinct request is sent once per run.
//
// A request's identity is http::request_key (http/request_identity.hpp), the one the response
// cache uses: its content, not its key or delivery. Tiers submit through one SharedRequests
// per executor; a request whose identity was already submitted is not sent again, its record
// is handed to every caller. So the generation answer of (model, item) is sent once however many judges
// read it, a judge prompt that two answers happen to produce alike is sent once, and the
// question embeddings tier 0, tier 1 and tier 3 all need are one set of batches.
//
// A finished request's record is kept in a RecordSpill (tiers/record_spill.hpp), out of
// memory, and read back for a later caller.
//
// Threading: like the executor, everything runs on the executor's loop thread (submit()
// before run(), or from a callback).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/http/types.hpp"
#include "llmbench/metrics/vector_math.hpp"
#include "llmbench/tiers/record_spill.hpp"

namespace llmbench::tiers {

class SharedRequests {
 public:
  // Receives the one record of the request; shared by every caller with that identity.
  using Done = std::function<void(const http::RequestRecord&)>;

  explicit SharedRequests(http::Executor& executor) : executor_(executor) {}
  SharedRequests(const SharedRequests&) = delete;
  SharedRequests& operator=(const SharedRequests&) = delete;

  // Sends `request` unless a request with its identity was submitted here before. `done` runs
  // exactly once: when the record arrives, or at once (inside this call) if it already has.
  void submit(http::ApiRequest request, Done done);

  http::Executor& executor() { return executor_; }
  std::size_t sent() const { return entries_.size(); }  // distinct requests submitted
  std::size_t shared() const { return shared_; }         // submissions answered by an earlier one

 private:
  struct Entry {
    bool finished = false;
    RecordSpill::Slot record;  // once finished
    std::vector<Done> waiters;
  };
  // The first 128 bits of http::request_key (a SHA-256): 16 bytes a request, not its 64 hex
  // digits in a string of their own; two requests of a run are taken for one with a chance of
  // about n^2 / 2^129.
  struct Identity {
    std::uint64_t high = 0, low = 0;
    bool operator==(const Identity&) const = default;
  };
  struct IdentityHash {
    std::size_t operator()(const Identity& id) const { return static_cast<std::size_t>(id.high ^ id.low); }
  };
  static Identity identity(const http::ApiRequest& request);
  http::Executor& executor_;
  std::unordered_map<Identity, std::shared_ptr<Entry>, IdentityHash> entries_;
  RecordSpill spill_;
  std::size_t shared_ = 0;
};

// Inputs per /v1/embeddings request (most providers accept at least this many).
inline constexpr std::size_t kEmbeddingBatch = 64;

// The HTTP side of a result built from several requests: the failed request's last status and
// attempts, or (all ok) the last status and the most attempts any of them took.
struct RequestSummary {
  int http_status = 0;  // 0 = no response
  int attempts = 0;
  bool failed = false;
  void add(const http::RequestRecord& record);
  void add(const RequestSummary& other);
  // {"http_status", "attempts"} for an item record.
  nlohmann::json fields() const;
};

struct EmbedResult {
  std::vector<metrics::Embedding> vectors;  // one per text, input order; empty on failure
  std::string error_kind;                   // "" = ok; else the failed batch's outcome
  std::string error;
  RequestSummary requests;                  // of the batches
  bool ok() const { return error_kind.empty(); }
  bool cancelled() const { return error_kind == "cancelled"; }
};

// Embeds `texts` with `model` in batches of kEmbeddingBatch (request repeat_index `repeat`),
// through `requests`, so the same texts in the same order cost their batches once per run.
// `done` runs once with every vector, or with the first failed batch's outcome (a reply with
// the wrong number of vectors is a "parse" failure).
void embed_texts(SharedRequests& requests, const config::ResolvedModel& model,
                 std::vector<std::string> texts, int repeat, std::function<void(const EmbedResult&)> done);

// Number of requests embed_texts sends for `count` texts.
std::size_t embedding_requests(std::size_t count);


}  // namespace llmbench::tiers
