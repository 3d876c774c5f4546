// The finished-request spill of the RAG tiers' shared requests: every field of a record comes
// back as it went in, from a temporary file or (no writable $TMPDIR) from memory.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "llmbench/error.hpp"
#include "llmbench/tiers/record_spill.hpp"

using llmbench::tiers::decode_record;
using llmbench::tiers::encode_record;
using llmbench::tiers::RecordSpill;
using namespace llmbench::http;

namespace {

RequestRecord full_record(int n) {
  RequestRecord r;
  r.id = 1000 + static_cast<std::uint64_t>(n);
  r.outcome = n % 2 == 0 ? Outcome::ok : Outcome::rate_limited;
  r.http_status = n % 2 == 0 ? 200 : 429;
  r.error = n % 2 == 0 ? "" : "rate limited: \"слишком\" много\n";
  r.attempts = 1 + n % 3;
  r.timings.sent_ms = 0.25 * n;
  r.timings.first_byte_ms = 1.0 / 3.0 + n;
  r.timings.first_token_ms = -1;
  r.timings.first_answer_ms = std::numeric_limits<double>::denorm_min();
  r.timings.done_ms = 1e300;
  r.timings.streamed = n % 2 == 0;
  r.timings.token_ms = {1.5, 2.25, 3.0 + n};
  r.timings.kernel_token_times = 2;
  r.usage = {17 + n, -1, 4'000'000'000LL};
  r.content = std::string("answer ") + std::to_string(n) + std::string(1, '\0') + " with a NUL";
  r.reasoning = std::string(n * 100, 'r');
  r.finish_reason = "length";
  r.embeddings = {{0.1f, -0.0f, std::numeric_limits<float>::max()}, {}, {static_cast<float>(n)}};
  r.model_ids = {"a", "", "model/" + std::to_string(n)};
  r.cached = n % 3 == 0;
  r.cache_key = std::string(64, 'f');
  return r;
}

void check_same(const RequestRecord& a, const RequestRecord& b) {
  CHECK(a.id == b.id);
  CHECK(a.outcome == b.outcome);
  CHECK(a.http_status == b.http_status);
  CHECK(a.error == b.error);
  CHECK(a.attempts == b.attempts);
  CHECK(a.timings.sent_ms == b.timings.sent_ms);
  CHECK(a.timings.first_byte_ms == b.timings.first_byte_ms);
  CHECK(a.timings.first_token_ms == b.timings.first_token_ms);
  CHECK(a.timings.first_answer_ms == b.timings.first_answer_ms);
  CHECK(a.timings.done_ms == b.timings.done_ms);
  CHECK(a.timings.streamed == b.timings.streamed);
  CHECK(a.timings.token_ms == b.timings.token_ms);
  CHECK(a.timings.kernel_token_times == b.timings.kernel_token_times);
  CHECK(a.usage.prompt_tokens == b.usage.prompt_tokens);
  CHECK(a.usage.completion_tokens == b.usage.completion_tokens);
  CHECK(a.usage.total_tokens == b.usage.total_tokens);
  CHECK(a.content == b.content);
  CHECK(a.reasoning == b.reasoning);
  CHECK(a.finish_reason == b.finish_reason);
  REQUIRE(a.embeddings.size() == b.embeddings.size());
  for (std::size_t i = 0; i < a.embeddings.size(); ++i) {
    REQUIRE(a.embeddings[i].size() == b.embeddings[i].size());
    for (std::size_t j = 0; j < a.embeddings[i].size(); ++j) {
      CHECK(std::signbit(a.embeddings[i][j]) == std::signbit(b.embeddings[i][j]));
      CHECK(a.embeddings[i][j] == b.embeddings[i][j]);
    }
  }
  CHECK(a.model_ids == b.model_ids);
  CHECK(a.cached == b.cached);
  CHECK(a.cache_key == b.cache_key);
}

void check_spill(RecordSpill& spill) {
  std::vector<RecordSpill::Slot> slots;
  for (int n = 0; n < 50; ++n) slots.push_back(spill.put(full_record(n)));
  for (int n : {49, 0, 17, 17, 3, 48}) check_same(spill.get(slots[static_cast<std::size_t>(n)]), full_record(n));
  slots.push_back(spill.put(full_record(50)));  // a write after reads lands after the rest
  check_same(spill.get(slots.back()), full_record(50));
  check_same(spill.get(slots[1]), full_record(1));
}

}  // namespace

TEST_CASE("record spill: every field of a request record survives encoding, bit for bit", "[record_spill]") {
  for (int n : {0, 1, 3}) check_same(decode_record(encode_record(full_record(n))), full_record(n));
  check_same(decode_record(encode_record(RequestRecord{})), RequestRecord{});
}

TEST_CASE("record spill: damaged bytes are an internal error, not a wrong record", "[record_spill]") {
  const std::string bytes = encode_record(full_record(2));
  CHECK_THROWS_AS(decode_record(bytes.substr(0, bytes.size() - 1)), llmbench::Error);
  CHECK_THROWS_AS(decode_record(bytes + "x"), llmbench::Error);
  std::string huge = bytes;
  huge[20] = '\xff';  // the error text's length: past the end
  CHECK_THROWS_AS(decode_record(huge), llmbench::Error);
}

TEST_CASE("record spill: records put in a temporary file come back in any order", "[record_spill]") {
  RecordSpill spill;
  REQUIRE(spill.on_disk());
  check_spill(spill);
}

TEST_CASE("record spill: with no writable $TMPDIR the records are kept in memory and still come back",
          "[record_spill]") {
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", "/nonexistent/llmbench-no-such-dir", 1);
  RecordSpill spill;
  if (old != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  CHECK_FALSE(spill.on_disk());
  check_spill(spill);
}
