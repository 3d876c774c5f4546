// The simulator: routes requests, decides faults, paces responses. Wire formats follow
// OpenAI's chat completions, embeddings and models APIs. Token counts in usage are
// whitespace-separated words (prompt: all message texts; completion: reasoning + content).
#include "llmbench/sim/simulator.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/embedding.hpp"
#include "llmbench/sim/http_server.hpp"
#include "llmbench/sim/rate_limit.hpp"
#include "llmbench/sim/responder.hpp"
#include "llmbench/sim/wire.hpp"
#include "llmbench/sim/write_log.hpp"
#include "llmbench/util/hash.hpp"

namespace llmbench::sim {

using util::Hasher;
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSeenBodies = 1'000'000;

const std::vector<std::string> kFaultKinds = {"429", "500", "503", "502html", "drop", "truncate",
                                              "stall", "400", "401", "404", "422", "empty_length", "length"};

struct ChatAnswer {
  std::string content;
  std::string reasoning;
  std::string finish_reason = "stop";
  std::vector<std::string_view> reasoning_tokens, content_tokens;  // views into the strings above
  std::size_t prompt_tokens = 0;
};

// What every response to one chat request carries, streamed or not.
struct ChatEnvelope {
  std::string id;  // "chatcmpl-sim" + the request body's hash
  long long created = 0;  // Unix seconds
  std::string_view model;
  std::size_t completion_tokens = 0;  // reasoning + content, after the budget's cut
  json usage;
  double latency_ms = 0;  // from the request's receipt to the first byte
  double token_ms = 0;    // per completion token; 0 sends them all at once
  std::string_view fault;  // "", or one that still answers: "truncate", "length", "empty_length"
  std::string_view limit_headers;  // x-ratelimit-* lines
};

// `ms` milliseconds after `t`.
std::chrono::steady_clock::time_point after_ms(std::chrono::steady_clock::time_point t, double ms) {
  return t + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

// Cuts the answer's tokens to `max_tokens` (reasoning first), finishing with "length" when
// it cuts; a negative budget cuts nothing.
void cut_to_budget(ChatAnswer& a, long long max_tokens) {
  if (max_tokens < 0) return;
  const auto limit = static_cast<std::size_t>(max_tokens);
  if (a.reasoning_tokens.size() + a.content_tokens.size() <= limit) return;
  a.finish_reason = "length";
  if (a.reasoning_tokens.size() > limit) a.reasoning_tokens.resize(limit);
  a.content_tokens.resize(std::min(a.content_tokens.size(), limit - a.reasoning_tokens.size()));
}

// ignore_eos (vLLM, llama.cpp): the answer goes on past its end, as a model told not to stop
// does, with filler tokens up to max_tokens (finish_reason "length"); min_tokens alone pads to
// it. Runs before cut_to_budget.
void extend_to_minimum(ChatAnswer& a, const json& body, long long max_tokens) {
  long long target = -1;
  if (body.value("ignore_eos", false) && max_tokens > 0) target = max_tokens;
  if (auto min = body.find("min_tokens"); min != body.end() && min->is_number_integer()) {
    target = std::max(target, min->get<long long>());
  }
  if (target < 0) return;
  static constexpr std::string_view kFiller = " more";
  const auto limit = static_cast<std::size_t>(std::min<long long>(target, 1 << 20));
  while (a.reasoning_tokens.size() + a.content_tokens.size() < limit) a.content_tokens.push_back(kFiller);
  if (target == max_tokens) a.finish_reason = "length";
}

}  // namespace

struct Simulator::Impl {
  SimOptions options;
  std::shared_ptr<const AnswerBook> book;
  std::unique_ptr<HttpServer> server;
  std::string models_body;
  std::unique_ptr<RequestRateLimit> rate_limit;  // null: no requests_per_s
  std::unique_ptr<WriteLog> write_log;           // null: no write_log
  std::atomic<std::uint64_t> unnamed_streams{0};  // streams without X-Request-Id, for their log ids

  mutable std::mutex mutex;  // guards everything below
  SimStats stats;
  std::vector<SimAnswer> answers;
  std::unordered_map<std::uint64_t, std::uint32_t> seen;  // request hash -> times seen

  const SimModel* find_model(std::string_view id) const {
    for (const auto& m : options.models)
      if (m.id == id) return &m;
    return nullptr;
  }

  AfterResponse handle(const HttpRequest& req, HttpConnection& conn);
  AfterResponse send(HttpConnection& conn, const HttpRequest& req, int status, std::string_view body,
                     std::string_view extra_headers = {}, std::string_view type = "application/json") {
    std::string out = response_head(status, type, body.size(), req.keep_alive, extra_headers);
    out.append(body);
    return conn.write(out) ? AfterResponse::keep_alive : AfterResponse::close;
  }
  std::string decide_fault(const HttpRequest& req, std::string_view model, std::uint64_t body_hash,
                           std::uint32_t attempt) const;
  AfterResponse send_fault(const std::string& fault, const HttpRequest& req, HttpConnection& conn);
  AfterResponse chat(const HttpRequest& req, HttpConnection& conn, const json& body,
                     const SimModel& model, double latency_ms, const std::string& fault,
                     std::string_view limit_headers);
  // The reply to a chat prompt (none for an empty_length fault, a cut-off one for length),
  // split into tokens; records the answer given when no fault is in play.
  void compose_answer(ChatAnswer& a, const SimModel& model, const std::string& prompt, const std::string& fault);
  AfterResponse send_completion(const HttpRequest& req, HttpConnection& conn, const ChatAnswer& a,
                                const ChatEnvelope& envelope);
  AfterResponse stream_completion(const HttpRequest& req, HttpConnection& conn, const ChatAnswer& a,
                                  const ChatEnvelope& envelope, bool include_usage);
  AfterResponse embeddings(const HttpRequest& req, HttpConnection& conn, const json& body,
                           const SimModel& model, const std::string& fault, std::string_view limit_headers);
};

std::string Simulator::Impl::decide_fault(const HttpRequest& req, std::string_view model,
                                          std::uint64_t body_hash, std::uint32_t attempt) const {
  if (std::string_view forced = req.header("x-sim-fault"); !forced.empty()) {
    long attempts = 1;
    if (std::string_view n = req.header("x-sim-fault-attempts"); !n.empty())
      attempts = std::strtol(std::string(n).c_str(), nullptr, 10);
    if (attempts <= 0 || attempt < static_cast<std::uint32_t>(attempts)) return std::string(forced);
    return {};
  }
  if (req.method != "POST") return {};
  const FaultOptions& f = options.faults;
  if (f.first_attempt_only && attempt > 0) return {};
  const Hasher h = Hasher(options.seed).add(model).add(body_hash).add(std::uint64_t{attempt});
  double u = h.unit();
  auto take = [&u](double rate) {
    if (u < rate) return true;
    u -= rate;
    return false;
  };
  if (take(f.rate_limit)) return "429";
  if (take(f.server_error)) return (h.value() & 1) ? "503" : "500";
  if (take(f.bad_gateway_html)) return "502html";
  if (take(f.drop)) return "drop";
  if (take(f.truncate)) return "truncate";
  if (take(f.stall)) return "stall";
  if (take(f.length)) return "length";
  return {};
}

AfterResponse Simulator::Impl::send_fault(const std::string& fault, const HttpRequest& req,
                                          HttpConnection& conn) {
  const FaultOptions& f = options.faults;
  if (fault == "429") {
    const std::string headers =
        "Retry-After: " + format_seconds(f.retry_after_s) + "\r\nretry-after-ms: " +
        std::to_string(std::llround(f.retry_after_s * 1000)) +
        "\r\nx-ratelimit-limit-requests: 60\r\nx-ratelimit-remaining-requests: 0\r\n"
        "x-ratelimit-reset-requests: " + format_seconds(f.retry_after_s) + "s\r\n";
    return send(conn, req, 429,
                error_body("Rate limit reached for requests (simulated). Please try again later.",
                           "requests", "rate_limit_exceeded"),
                headers);
  }
  if (fault == "500")
    return send(conn, req, 500,
                error_body("The server had an error while processing your request (simulated).",
                           "server_error", nullptr));
  if (fault == "503")
    return send(conn, req, 503,
                error_body("The engine is currently overloaded, please try again later (simulated).",
                           "server_error", nullptr));
  if (fault == "502html")
    return send(conn, req, 502,
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 "
                "Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                {}, "text/html");
  if (fault == "drop") return AfterResponse::close;
  if (fault == "stall") {
    conn.sleep_ms(f.stall_s * 1000);
    return AfterResponse::close;
  }
  if (fault == "400")
    return send(conn, req, 400,
                error_body("Invalid request: 'messages' could not be validated (simulated).",
                           "invalid_request_error", nullptr));
  if (fault == "401")
    return send(conn, req, 401,
                error_body("Incorrect API key provided (simulated).", "invalid_request_error",
                           "invalid_api_key"));
  if (fault == "404")
    return send(conn, req, 404,
                error_body("The model does not exist or you do not have access to it (simulated).",
                           "invalid_request_error", "model_not_found"));
  if (fault == "422")
    return send(conn, req, 422,
                error_body("Unprocessable request: a parameter is out of range (simulated).",
                           "invalid_request_error", "unprocessable_entity"));
  return send(conn, req, 400,
              error_body("Unknown X-Sim-Fault \"" + fault + "\"; use one of 429, 500, 503, 502html, "
                         "drop, truncate, stall, 400, 401, 404, 422, empty_length, length",
                         "invalid_request_error", nullptr));
}

AfterResponse Simulator::Impl::handle(const HttpRequest& req, HttpConnection& conn) {
  std::string path = req.path;
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  const std::uint64_t body_hash = Hasher().add(req.method).add(path).add(req.body).value();
  std::uint32_t attempt = 0;
  {
    std::lock_guard lock(mutex);
    ++stats.requests;
    ++stats.by_path[path];
    if (seen.size() >= kMaxSeenBodies) seen.clear();  // bounded memory on endless runs
    attempt = seen[body_hash]++;
  }
  double latency_ms = options.latency_ms;
  if (std::string_view l = req.header("x-sim-latency-ms"); !l.empty())
    latency_ms = std::strtod(std::string(l).c_str(), nullptr);

  const bool is_models = path == "/v1/models" || path == "/models";
  const bool is_chat = path == "/v1/chat/completions" || path == "/chat/completions";
  const bool is_embed = path == "/v1/embeddings" || path == "/embeddings";
  if (!is_models && !is_chat && !is_embed)
    return send(conn, req, 404,
                error_body("Unknown path " + path + "; the simulator serves /v1/models, "
                           "/v1/chat/completions and /v1/embeddings",
                           "invalid_request_error", "unknown_url"));
  if ((is_models && req.method != "GET") || (!is_models && req.method != "POST"))
    return send(conn, req, 405,
                error_body("Method " + req.method + " not allowed on " + path,
                           "invalid_request_error", nullptr));
  if (!options.api_key.empty() && req.header("authorization") != "Bearer " + options.api_key)
    return send(conn, req, 401,
                error_body("Incorrect API key provided. The simulator requires the key it was "
                           "started with.",
                           "invalid_request_error", "invalid_api_key"));
  std::string limit_headers;  // the rate limit's x-ratelimit-* lines for the answer
  if (rate_limit && !is_models) {
    RateDecision decision = rate_limit->take(RequestRateLimit::Clock::now());
    if (!decision.admitted) {
      {
        std::lock_guard lock(mutex);
        ++stats.rate_limited;
      }
      return send(conn, req, 429,
                  error_body("Rate limit reached for requests (simulated --requests-per-s). Please try again later.",
                             "requests", "rate_limit_exceeded"),
                  decision.headers);
    }
    limit_headers = std::move(decision.headers);
  }

  json body;
  std::string model_id;
  if (!is_models) {
    body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return send(conn, req, 400,
                  error_body("We could not parse the JSON body of your request.",
                             "invalid_request_error", nullptr));
    if (auto it = body.find("model"); it != body.end() && it->is_string()) model_id = it->get<std::string>();
  }

  std::string fault = decide_fault(req, model_id, body_hash, attempt);
  if (!fault.empty()) {
    const bool known = std::find(kFaultKinds.begin(), kFaultKinds.end(), fault) != kFaultKinds.end();
    if (known) {
      std::lock_guard lock(mutex);
      ++stats.faults[fault];
    }
    if (!conn.sleep_until(after_ms(req.received, latency_ms))) return AfterResponse::close;
    if (fault != "truncate" && fault != "empty_length" && fault != "length") return send_fault(fault, req, conn);
  }

  if (is_models) {
    if (fault.empty() && !conn.sleep_until(after_ms(req.received, latency_ms))) return AfterResponse::close;
    if (fault == "truncate") {
      conn.write(response_head(200, "application/json", models_body.size(), false) +
                 models_body.substr(0, models_body.size() / 2));
      return AfterResponse::close;
    }
    return send(conn, req, 200, models_body);
  }
  const SimModel* model = find_model(model_id);
  if (model == nullptr)
    return send(conn, req, 404,
                error_body("The model `" + model_id + "` does not exist or you do not have access to it.",
                           "invalid_request_error", "model_not_found"));
  if (is_chat) return chat(req, conn, body, *model, latency_ms, fault, limit_headers);
  if (fault.empty() && !conn.sleep_until(after_ms(req.received, latency_ms))) return AfterResponse::close;
  return embeddings(req, conn, body, *model, fault, limit_headers);
}

AfterResponse Simulator::Impl::chat(const HttpRequest& req, HttpConnection& conn, const json& body,
                                    const SimModel& model, double latency_ms, const std::string& fault,
                                    std::string_view limit_headers) {
  auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array() || messages->empty())
    return send(conn, req, 400,
                error_body("'messages' must be a non-empty array.", "invalid_request_error", nullptr));
  const std::string prompt = prompt_text(*messages);
  ChatAnswer a;  // filled in place: its token views point into its own strings
  a.prompt_tokens = count_words(prompt);
  compose_answer(a, model, prompt, fault);
  extend_to_minimum(a, body, requested_max_tokens(body));
  cut_to_budget(a, requested_max_tokens(body));

  ChatEnvelope envelope;
  char id[40];
  std::snprintf(id, sizeof id, "chatcmpl-sim%016llx",
                static_cast<unsigned long long>(Hasher(options.seed).add(req.body).value()));
  envelope.id = id;
  envelope.created = static_cast<long long>(std::time(nullptr));
  envelope.model = model.id;
  envelope.completion_tokens = a.reasoning_tokens.size() + a.content_tokens.size();
  envelope.usage = {{"prompt_tokens", a.prompt_tokens},
                    {"completion_tokens", envelope.completion_tokens},
                    {"total_tokens", a.prompt_tokens + envelope.completion_tokens}};
  envelope.latency_ms = latency_ms;
  envelope.token_ms = options.tokens_per_s > 0 ? 1000.0 / options.tokens_per_s : 0;
  envelope.fault = fault;
  envelope.limit_headers = limit_headers;
  if (!body.value("stream", false)) return send_completion(req, conn, a, envelope);
  bool include_usage = false;
  if (auto so = body.find("stream_options"); so != body.end() && so->is_object())
    include_usage = so->value("include_usage", false);
  return stream_completion(req, conn, a, envelope, include_usage);
}

void Simulator::Impl::compose_answer(ChatAnswer& a, const SimModel& model, const std::string& prompt,
                                     const std::string& fault) {
  if (fault == "length") {
    // Cut in mid-reasoning: the tail names the answer the model meant, as a cut-off real
    // reply does ("...the one that said B"); nothing final was stated.
    const Reply reply = compose_reply(*book, model, options.seed, prompt);
    a.content = "Let me weigh this step by step before answering. At first glance the one that said" +
                (reply.answer ? " " + reply.answer->given : std::string(" the"));
    a.finish_reason = "length";
  } else if (fault != "empty_length") {
    Reply reply = compose_reply(*book, model, options.seed, prompt);
    a.content = std::move(reply.content);
    a.reasoning = std::move(reply.reasoning);
    if (reply.answer && fault.empty() && options.keep_answers) {
      std::lock_guard lock(mutex);
      answers.push_back(std::move(*reply.answer));
    }
  } else {
    a.finish_reason = "length";
  }
  a.reasoning_tokens = split_tokens(a.reasoning);
  a.content_tokens = split_tokens(a.content);
}

AfterResponse Simulator::Impl::send_completion(const HttpRequest& req, HttpConnection& conn, const ChatAnswer& a,
                                               const ChatEnvelope& envelope) {
  json message = {{"role", "assistant"}, {"content", join_tokens(a.content_tokens)}};
  if (!a.reasoning_tokens.empty()) message["reasoning_content"] = join_tokens(a.reasoning_tokens);
  const std::string out =
      json{{"id", envelope.id},
           {"object", "chat.completion"},
           {"created", envelope.created},
           {"model", envelope.model},
           {"system_fingerprint", "llmbench-sim"},
           {"choices", json::array({{{"index", 0},
                                     {"message", std::move(message)},
                                     {"logprobs", nullptr},
                                     {"finish_reason", a.finish_reason}}})},
           {"usage", envelope.usage}}
          .dump();
  if (!conn.sleep_until(after_ms(req.received, envelope.latency_ms + options.ttft_ms +
                                                    envelope.token_ms * static_cast<double>(envelope.completion_tokens))))
    return AfterResponse::close;
  if (envelope.fault == "truncate") {
    conn.write(response_head(200, "application/json", out.size(), false) + out.substr(0, out.size() / 2));
    return AfterResponse::close;
  }
  return send(conn, req, 200, out, envelope.limit_headers);
}

AfterResponse Simulator::Impl::stream_completion(const HttpRequest& req, HttpConnection& conn, const ChatAnswer& a,
                                                 const ChatEnvelope& envelope, bool include_usage) {
  auto chunk = [&](json delta, const json& finish) {
    return sse_event(json{{"id", envelope.id},
                          {"object", "chat.completion.chunk"},
                          {"created", envelope.created},
                          {"model", envelope.model},
                          {"system_fingerprint", "llmbench-sim"},
                          {"choices", json::array({{{"index", 0},
                                                    {"delta", std::move(delta)},
                                                    {"logprobs", nullptr},
                                                    {"finish_reason", finish}}})}});
  };
  const bool truncate = envelope.fault == "truncate";
  // The schedule, from now: the head after latency_ms, the first token at `first_token`, then
  // one every token_ms.
  const auto scheduled = std::chrono::steady_clock::now();
  const auto first_token = after_ms(scheduled, envelope.latency_ms + options.ttft_ms);
  std::optional<StreamWrites> writes;  // kept when the write log is on
  if (write_log) {
    writes.emplace();
    const std::string_view id = req.header("x-request-id");
    writes->request_id = !id.empty() ? std::string(id) : "sim-" + std::to_string(++unnamed_streams);
    writes->received = req.received;
    writes->scheduled = scheduled;
    writes->tokens.reserve(envelope.completion_tokens);
  }
  // The whole reply as a schedule for the server's Pacer; bytes due at the same time share a chunk.
  std::vector<PacedChunk> schedule;
  auto add = [&schedule](std::chrono::steady_clock::time_point due, std::string bytes, std::size_t tokens) {
    if (schedule.empty() || schedule.back().due != due) {
      schedule.push_back({due, std::move(bytes), tokens});
    } else {
      schedule.back().bytes += bytes;
      schedule.back().tokens += tokens;
    }
  };
  std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Transfer-Encoding: chunked\r\n";
  head += envelope.limit_headers;
  if (!req.keep_alive || truncate) head += "Connection: close\r\n";
  head += "\r\n";
  head += chunk({{"role", "assistant"}, {"content", ""}}, nullptr);
  add(after_ms(scheduled, envelope.latency_ms), std::move(head), 0);

  // Tokens in order: reasoning first, then content, token k at first_token + k * token_ms
  // (all at first_token when token_ms is 0). truncate stops halfway.
  const std::size_t total = envelope.completion_tokens;
  const std::size_t cut = truncate ? total / 2 : total;
  bool first_content = true;
  for (std::size_t i = 0; i < cut; ++i) {
    const bool reasoning = i < a.reasoning_tokens.size();
    std::string_view t = reasoning ? a.reasoning_tokens[i] : a.content_tokens[i - a.reasoning_tokens.size()];
    if (i == 0 || (!reasoning && first_content)) {  // no leading whitespace on the first token
      std::size_t start = t.find_first_not_of(" \t\r\n");
      t = start == std::string_view::npos ? std::string_view() : t.substr(start);
    }
    if (!reasoning) first_content = false;
    add(after_ms(first_token, envelope.token_ms * static_cast<double>(i)),
        chunk({{reasoning ? "reasoning_content" : "content", t}}, nullptr), 1);
  }
  // The end, one token time after the last; truncate closes then without it.
  const auto end = after_ms(first_token, envelope.token_ms * static_cast<double>(cut));
  std::string tail;
  if (!truncate) {
    tail = chunk(json::object(), a.finish_reason);
    if (include_usage)
      tail += sse_event(json{{"id", envelope.id},
                             {"object", "chat.completion.chunk"},
                             {"created", envelope.created},
                             {"model", envelope.model},
                             {"choices", json::array()},
                             {"usage", envelope.usage}});
    tail += chunked("data: [DONE]\n\n");
    tail += "0\r\n\r\n";
  }
  add(end, std::move(tail), 0);
  const bool complete = conn.write_paced(std::move(schedule), writes ? &writes->tokens : nullptr) && !truncate;
  if (writes) {  // noted after the last write: logging never delays one
    writes->complete = complete;
    write_log->append(*writes);
  }
  return complete ? AfterResponse::keep_alive : AfterResponse::close;
}

AfterResponse Simulator::Impl::embeddings(const HttpRequest& req, HttpConnection& conn, const json& body,
                                          const SimModel& model, const std::string& fault,
                                          std::string_view limit_headers) {
  std::vector<std::string> inputs;
  auto input = body.find("input");
  if (input != body.end() && input->is_string()) {
    inputs.push_back(input->get<std::string>());
  } else if (input != body.end() && input->is_array() && !input->empty()) {
    for (const auto& x : *input) {
      if (!x.is_string())
        return send(conn, req, 400,
                    error_body("'input' must be a string or an array of strings (the simulator "
                               "does not take token arrays).",
                               "invalid_request_error", nullptr));
      inputs.push_back(x.get<std::string>());
    }
  } else {
    return send(conn, req, 400,
                error_body("'input' must be a non-empty string or array of strings.",
                           "invalid_request_error", nullptr));
  }
  json data = json::array();
  std::size_t tokens = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    tokens += count_words(inputs[i]);
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", embed_text(inputs[i], model.id, options.seed)}});
  }
  const std::string out = json{{"object", "list"},
                               {"data", std::move(data)},
                               {"model", model.id},
                               {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}}
                              .dump();
  if (fault == "truncate") {
    conn.write(response_head(200, "application/json", out.size(), false) + out.substr(0, out.size() / 2));
    return AfterResponse::close;
  }
  return send(conn, req, 200, out, limit_headers);
}

// ---- Simulator ----

Simulator::Simulator(SimOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.models.empty())
    options.models = {{"sim-small", 0.45}, {"sim-medium", 0.65}, {"sim-large", 0.85}};
  for (const auto& m : options.models)
    if (!(m.accuracy >= 0 && m.accuracy <= 1))
      throw Error("sim: model \"" + m.id + "\" has accuracy " + std::to_string(m.accuracy) +
                  "; use a share in [0,1]");
  impl_->book = options.answers ? options.answers : load_default_answer_book();
  json data = json::array();
  for (const auto& m : options.models)
    data.push_back({{"id", m.id}, {"object", "model"}, {"created", 1700000000}, {"owned_by", "llmbench-sim"}});
  impl_->models_body = json{{"object", "list"}, {"data", std::move(data)}}.dump();
  if (options.requests_per_s > 0) impl_->rate_limit = std::make_unique<RequestRateLimit>(options.requests_per_s);
  impl_->options = std::move(options);
}

Simulator::~Simulator() { stop(); }

int Simulator::start() {
  if (impl_->server) return impl_->server->port();
  if (!impl_->options.write_log.empty()) impl_->write_log = std::make_unique<WriteLog>(impl_->options.write_log);
  Impl* impl = impl_.get();
  impl_->server = std::make_unique<HttpServer>(
      HttpServerOptions{impl_->options.host, impl_->options.port, impl_->options.threads},
      [impl](const HttpRequest& req, HttpConnection& conn) {
        try {
          return impl->handle(req, conn);
        } catch (const std::exception&) {
          return AfterResponse::close;
        }
      });
  return impl_->server->start();
}

void Simulator::stop() {
  if (impl_->server) impl_->server->stop();
  if (impl_->write_log) impl_->write_log->flush();
}

int Simulator::port() const { return impl_->server ? impl_->server->port() : 0; }

std::string Simulator::base_url() const {
  const std::string& host = impl_->options.host;
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + h + ":" + std::to_string(port()) + "/v1";
}

SimStats Simulator::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

std::vector<SimAnswer> Simulator::answers() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->answers;
}

}  // namespace llmbench::sim
