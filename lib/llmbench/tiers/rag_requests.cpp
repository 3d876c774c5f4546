#include "llmbench/tiers/rag_requests.hpp"
#include "llmbench/tiers/tier.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "llmbench/http/request_identity.hpp"
#include "llmbench/records/fields.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace error_kind = records::error_kind;

using nlohmann::json;

SharedRequests::Identity SharedRequests::identity(const http::ApiRequest& request) {
  const std::string key = http::request_key(request);  // 64 hex digits
  return {std::stoull(key.substr(0, 16), nullptr, 16), std::stoull(key.substr(16, 16), nullptr, 16)};
}

void SharedRequests::submit(http::ApiRequest request, Done done) {
  auto [it, inserted] = entries_.try_emplace(identity(request));
  if (!inserted) {
    ++shared_;
    Entry& entry = *it->second;
    if (entry.finished) {
      done(spill_.get(entry.record));
    } else {
      entry.waiters.push_back(std::move(done));
    }
    return;
  }
  auto entry = std::make_shared<Entry>();
  entry->waiters.push_back(std::move(done));
  it->second = entry;
  executor_.submit(std::move(request), [this, entry](http::RequestRecord&& record) {
    entry->record = spill_.put(record);
    entry->finished = true;
    // A waiter may submit more requests (even this one: it is then answered at once).
    std::vector<Done> waiters = std::move(entry->waiters);
    entry->waiters.clear();
    for (auto& w : waiters) w(record);
  });
}

void RequestSummary::add(const http::RequestRecord& record) {
  if (failed) return;
  failed = !record.ok();
  http_status = record.http_status;
  attempts = failed ? record.attempts : std::max(attempts, record.attempts);
}

void RequestSummary::add(const RequestSummary& other) {
  if (failed) return;
  failed = other.failed;
  http_status = other.http_status;
  attempts = failed ? other.attempts : std::max(attempts, other.attempts);
}

json RequestSummary::fields() const { return {{field::kHttpStatus, http_status}, {field::kAttempts, attempts}}; }

std::size_t embedding_requests(std::size_t count) { return (count + kEmbeddingBatch - 1) / kEmbeddingBatch; }

void embed_texts(SharedRequests& requests, const config::ResolvedModel& model, std::vector<std::string> texts,
                 int repeat, std::function<void(const EmbedResult&)> done) {
  struct State {
    EmbedResult result;
    std::size_t remaining = 0;
    bool failed = false;
    std::function<void(const EmbedResult&)> done;
  };
  auto state = std::make_shared<State>();
  state->done = std::move(done);
  const std::size_t batches = embedding_requests(texts.size());
  if (batches == 0) {
    state->done(state->result);
    return;
  }
  state->result.vectors.resize(texts.size());
  state->remaining = batches;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t begin = b * kEmbeddingBatch, end = std::min(texts.size(), begin + kEmbeddingBatch);
    http::ApiRequest request;
    request.kind = http::ApiKind::embeddings;
    request.endpoint = model.endpoint;
    request.model = model.api_model;
    request.inputs.assign(texts.begin() + static_cast<std::ptrdiff_t>(begin),
                          texts.begin() + static_cast<std::ptrdiff_t>(end));
    request.repeat_index = repeat;
    requests.submit(std::move(request), [state, begin, end](const http::RequestRecord& r) {
      state->result.requests.add(r);
      if (!state->failed) {
        if (!r.ok()) {
          state->failed = true;
          state->result.error_kind = std::string(http::to_string(r.outcome));
          state->result.error = r.error;
        } else if (r.embeddings.size() != end - begin) {
          state->failed = true;
          state->result.error_kind = "parse";
          state->result.error = fmt::format("the embeddings reply holds {} vectors for {} inputs",
                                            r.embeddings.size(), end - begin);
        } else {
          for (std::size_t i = begin; i < end; ++i) {
            const auto& v = r.embeddings[i - begin];
            state->result.vectors[i].assign(v.begin(), v.end());
          }
        }
      }
      if (--state->remaining > 0) return;
      if (state->failed) state->result.vectors.clear();
      state->done(state->result);
    });
  }
}



}  // namespace llmbench::tiers
