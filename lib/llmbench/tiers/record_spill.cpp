#include "llmbench/tiers/record_spill.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::tiers {

namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  template <typename T>
  void value(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void text(std::string_view s) {
    value<std::uint64_t>(s.size());
    out_.append(s);
  }
  template <typename T>
  void values(const std::vector<T>& v) {
    value<std::uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  T value() {
    T v;
    std::memcpy(&v, take(sizeof v).data(), sizeof v);
    return v;
  }
  std::string text() { return std::string(take(count(1))); }
  template <typename T>
  std::vector<T> values() {
    const std::size_t n = count(sizeof(T));
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), take(n * sizeof(T)).data(), n * sizeof(T));
    return v;
  }
  bool done() const { return in_.empty(); }

 private:
  // An element count whose elements of `size` bytes fit in what is left.
  std::size_t count(std::size_t size) {
    const auto n = value<std::uint64_t>();
    if (n > in_.size() / size) fail();
    return static_cast<std::size_t>(n);
  }
  std::string_view take(std::size_t n) {
    if (n > in_.size()) fail();
    const std::string_view out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  [[noreturn]] static void fail() { throw Error("a spilled request record is damaged (internal error)", ExitCode::internal); }
  std::string_view in_;
};

}  // namespace

std::string encode_record(const http::RequestRecord& r) {
  std::string out;
  out.reserve(128 + r.content.size() + r.reasoning.size() + r.error.size());
  Writer w(out);
  w.value(r.id);
  w.value(static_cast<int>(r.outcome));
  w.value(r.http_status);
  w.text(r.error);
  w.value(r.attempts);
  const http::Timings& t = r.timings;
  for (double v : {t.sent_ms, t.first_byte_ms, t.first_token_ms, t.first_answer_ms, t.done_ms}) w.value(v);
  w.value(t.streamed);
  w.values(t.token_ms);
  w.value<std::uint64_t>(t.kernel_token_times);
  w.value(r.usage.prompt_tokens);
  w.value(r.usage.completion_tokens);
  w.value(r.usage.total_tokens);
  w.text(r.content);
  w.text(r.reasoning);
  w.text(r.finish_reason);
  w.value<std::uint64_t>(r.embeddings.size());
  for (const auto& e : r.embeddings) w.values(e);
  w.value<std::uint64_t>(r.model_ids.size());
  for (const auto& id : r.model_ids) w.text(id);
  w.value(r.cached);
  w.text(r.cache_key);
  return out;
}

http::RequestRecord decode_record(std::string_view bytes) {
  Reader in(bytes);
  http::RequestRecord r;
  r.id = in.value<std::uint64_t>();
  r.outcome = static_cast<http::Outcome>(in.value<int>());
  r.http_status = in.value<int>();
  r.error = in.text();
  r.attempts = in.value<int>();
  http::Timings& t = r.timings;
  for (double* v : {&t.sent_ms, &t.first_byte_ms, &t.first_token_ms, &t.first_answer_ms, &t.done_ms}) {
    *v = in.value<double>();
  }
  t.streamed = in.value<bool>();
  t.token_ms = in.values<double>();
  t.kernel_token_times = static_cast<std::size_t>(in.value<std::uint64_t>());
  r.usage.prompt_tokens = in.value<std::int64_t>();
  r.usage.completion_tokens = in.value<std::int64_t>();
  r.usage.total_tokens = in.value<std::int64_t>();
  r.content = in.text();
  r.reasoning = in.text();
  r.finish_reason = in.text();
  r.embeddings.resize(static_cast<std::size_t>(in.value<std::uint64_t>()));
  for (auto& e : r.embeddings) e = in.values<float>();
  r.model_ids.resize(static_cast<std::size_t>(in.value<std::uint64_t>()));
  for (auto& id : r.model_ids) id = in.text();
  r.cached = in.value<bool>();
  r.cache_key = in.text();
  if (!in.done()) throw Error("a spilled request record is damaged (internal error)", ExitCode::internal);
  return r;
}

RecordSpill::RecordSpill() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/llmbench-requests-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return;
  ::unlink(path.c_str());  // unnamed from now on: gone with the descriptor
  file_ = ::fdopen(fd, "w+b");
  if (file_ == nullptr) ::close(fd);
}

RecordSpill::~RecordSpill() {
  if (file_ != nullptr) std::fclose(file_);
}

RecordSpill::Slot RecordSpill::put(const http::RequestRecord& record) {
  const std::string bytes = encode_record(record);
  if (bytes.size() > UINT32_MAX) throw Error("a request record too large to keep (internal error)", ExitCode::internal);
  const Slot slot{file_ != nullptr ? end_ : memory_.size(), static_cast<std::uint32_t>(bytes.size())};
  if (file_ == nullptr) {
    memory_ += bytes;
    return slot;
  }
  if (std::fseek(file_, static_cast<long>(end_), SEEK_SET) != 0 ||
      std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw Error(fmt::format("cannot write the run's finished requests to their temporary file in $TMPDIR (or /tmp): "
                            "{}; free some disk space there, or point TMPDIR elsewhere",
                            std::strerror(errno)),
                ExitCode::internal);
  }
  end_ += bytes.size();
  return slot;
}

http::RequestRecord RecordSpill::get(Slot slot) {
  if (file_ == nullptr) return decode_record(std::string_view(memory_).substr(slot.offset, slot.size));
  scratch_.resize(slot.size);
  if (std::fseek(file_, static_cast<long>(slot.offset), SEEK_SET) != 0 ||
      std::fread(scratch_.data(), 1, slot.size, file_) != slot.size) {
    throw Error(fmt::format("cannot read back the run's finished requests from their temporary file: {}",
                            std::strerror(errno)),
                ExitCode::internal);
  }
  return decode_record(scratch_);
}

}  // namespace llmbench::tiers
