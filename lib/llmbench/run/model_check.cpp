#include "llmbench/run/model_check.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/config/embedded_sim.hpp"
#include "llmbench/error.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::run {

using config::Registry;
using config::ResolvedModel;
using config::Role;

namespace {

bool mentions_missing_model(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text.find("model") != std::string::npos &&
         (text.find("not found") != std::string::npos || text.find("does not exist") != std::string::npos ||
          text.find("invalid model") != std::string::npos || text.find("unknown model") != std::string::npos);
}

// Where the model's URL was set, for hints: "provider openai at configs/models.yaml:5" or
// "GENERATION_API_URL (set in .env.benchmark-models:2)".
std::string url_setting(const Registry& registry, const ResolvedModel& m) {
  const auto& providers = registry.config().providers;
  if (m.defined_at.rfind("env ", 0) == 0) {
    const std::string var = m.defined_at.substr(4);
    return var + " (set in " + registry.env().origin(var) + ")";
  }
  auto it = providers.find(m.endpoint.provider);
  if (it == providers.end()) return "the base_url of provider " + m.endpoint.provider;
  return "base_url of provider " + it->first + " at " + registry.config().path.string() + ":" +
         std::to_string(it->second.line);
}

std::string hint_for(const Registry& registry, const ResolvedModel& m, const std::string& host,
                     const http::RequestRecord& record, CheckOutcome outcome, const CheckOptions& options) {
  const config::Env& env = registry.env();
  const std::string& key_var = m.endpoint.api_key_env;
  switch (outcome) {
    case CheckOutcome::ok:
    case CheckOutcome::not_configured:
      return "";
    case CheckOutcome::bad_key:
      if (key_var.empty()) {
        return "the server wants a key: add api_key_env to provider " + m.endpoint.provider + " in " +
               registry.config().path.string();
      }
      if (!env.get(key_var)) return "the server wants a key: set " + key_var;
      return "check " + key_var + " (set in " + env.origin(key_var) + ")";
    case CheckOutcome::unknown_model: {
      // A 404 may also mean the server has no such endpoint (an express server answers
      // "Cannot POST /v1/embeddings"): its own words tell which.
      const std::string said = record.error.empty() ? "" : "; the server said: " + record.error.substr(0, 160);
      if (m.defined_at.rfind("env ", 0) == 0) {
        return "the server at " + host + " does not serve \"" + m.api_model +
               "\"; check the model name (--models or the role's *_MODEL variable)" + said;
      }
      return "check `model:` of " + m.id + " at " + m.defined_at + said;
    }
    case CheckOutcome::unreachable:
      if (config::is_loopback_url(host)) return "is the server at " + host + " running?";
      return "cannot connect to " + host + ": check " + url_setting(registry, m) + " and your network";
    case CheckOutcome::timeout:
      return fmt::format("no answer within {}s: raise --timeout or check the server at {}", options.timeout_s,
                         host);
    case CheckOutcome::rate_limited:
      return "rate-limited by " + host + " (" + record.error.substr(0, 160) +
             "): wait and retry, or lower rpm/max_concurrency of provider " + m.endpoint.provider;
    case CheckOutcome::error: {
      // "HTTP 400: ...", or the outcome named once: "too_large: response too large: ...", "parse: ..."
      const std::string text = http::failure_text(record);
      const std::string kind(http::to_string(record.outcome));
      if (record.outcome == http::Outcome::http_status || text.rfind(kind, 0) == 0) return text.substr(0, 200);
      return (kind + ": " + text).substr(0, 200);
    }
  }
  return "";
}

bool is_embedding(const ResolvedModel& m) {
  return m.role == Role::embedding || (m.kind && *m.kind == config::ModelKind::embedding);
}

}  // namespace

std::string_view to_string(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::ok: return "ok";
    case CheckOutcome::bad_key: return "bad key";
    case CheckOutcome::unknown_model: return "unknown model";
    case CheckOutcome::unreachable: return "unreachable";
    case CheckOutcome::timeout: return "timeout";
    case CheckOutcome::rate_limited: return "rate-limited";
    case CheckOutcome::error: return "error";
    case CheckOutcome::not_configured: return "not configured";
  }
  return "error";
}

CheckOutcome classify(const http::RequestRecord& record) {
  using http::Outcome;
  switch (record.outcome) {
    case Outcome::ok:
    case Outcome::truncated:  // the model answered; max_tokens 5 was just too short
      return CheckOutcome::ok;
    case Outcome::rate_limited: return CheckOutcome::rate_limited;
    case Outcome::timeout: return CheckOutcome::timeout;
    case Outcome::connect: return CheckOutcome::unreachable;
    case Outcome::http_status:
      if (record.http_status == 401 || record.http_status == 403) return CheckOutcome::bad_key;
      if (record.http_status == 404) return CheckOutcome::unknown_model;
      if (record.http_status == 429) return CheckOutcome::rate_limited;
      if ((record.http_status == 400 || record.http_status == 422) && mentions_missing_model(record.error)) {
        return CheckOutcome::unknown_model;
      }
      return CheckOutcome::error;
    case Outcome::parse:
    case Outcome::too_large:
    case Outcome::cancelled:
      return CheckOutcome::error;
  }
  return CheckOutcome::error;
}

std::vector<CheckTarget> check_targets(const Registry& registry, const std::vector<std::string>& ids,
                                       std::optional<Role> role) {
  std::vector<CheckTarget> targets;
  if (!ids.empty()) {
    for (const auto& id : ids) {
      CheckTarget t{id, role.value_or(Role::generation)};
      if (!role) {
        const config::ModelConfig* m = registry.find_model(id);
        bool found = false;
        if (m && m->kind == config::ModelKind::embedding) {
          t.role = Role::embedding;
          found = true;
        }
        for (Role r : config::kAllRoles) {
          if (found) break;
          const auto defaults = registry.default_models(r);
          if (std::find(defaults.begin(), defaults.end(), id) != defaults.end()) {
            t.role = r;
            found = true;
          }
        }
      }
      const bool dup = std::any_of(targets.begin(), targets.end(), [&](const CheckTarget& o) {
        return o.id == t.id && o.role == t.role;
      });
      if (!dup) targets.push_back(t);
    }
    return targets;
  }
  for (Role r : config::kAllRoles) {
    if (role && *role != r) continue;
    for (const auto& id : registry.default_models(r)) {
      // A configured model has one endpoint whatever the role; a model-lab id has one per role.
      const bool configured = registry.find_model(id) != nullptr;
      const bool dup = std::any_of(targets.begin(), targets.end(), [&](const CheckTarget& o) {
        return o.id == id && (configured || o.role == r);
      });
      if (!dup) targets.push_back({id, r});
    }
  }
  if (!targets.empty()) return targets;
  // No role defaults: every model the config defines (of the kind `role` needs, if given).
  for (const config::ModelConfig& m : registry.config().models) {
    const bool embedding = m.kind == config::ModelKind::embedding;
    if (role && embedding != (*role == Role::embedding)) continue;
    targets.push_back({m.id, embedding ? Role::embedding : role.value_or(Role::generation)});
  }
  return targets;
}

http::ApiRequest check_request(const ResolvedModel& m) {
  http::ApiRequest request;
  request.endpoint = m.endpoint;
  request.model = m.api_model;
  if (is_embedding(m)) {
    request.kind = http::ApiKind::embeddings;
    request.inputs = {"ping"};
    return request;
  }
  request.kind = http::ApiKind::chat;
  request.messages = {{"user", "Reply with one word: ok"}};
  request.params = m.params.is_object() ? m.params : nlohmann::json::object();
  if (!request.params.contains("max_tokens") && !request.params.contains("max_completion_tokens")) {
    request.params["max_tokens"] = 5;
  }
  return request;
}

CheckResult check_result(const Registry& registry, const ResolvedModel& m, const http::RequestRecord& record,
                         const CheckOptions& options) {
  CheckResult r;
  r.model = m.id;
  r.role = m.role;
  // An embedded simulator keeps its sim:// URL as cache_url once started on loopback.
  r.endpoint = config::endpoint_host(m.endpoint.cache_url.empty() ? m.endpoint.base_url : m.endpoint.cache_url);
  r.outcome = classify(record);
  r.http_status = record.http_status;
  r.latency_ms = record.timings.latency_ms();
  r.hint = hint_for(registry, m, r.endpoint, record, r.outcome, options);
  return r;
}

std::vector<CheckResult> check_models(const Registry& registry, const std::vector<CheckTarget>& targets,
                                      const CheckOptions& options) {
  std::vector<CheckResult> results(targets.size());
  std::vector<std::optional<ResolvedModel>> models(targets.size());
  std::vector<ResolvedModel*> to_start;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    results[i].model = targets[i].id;
    results[i].role = targets[i].role;
    try {
      models[i] = registry.resolve(targets[i].role, targets[i].id);
      results[i].endpoint = config::endpoint_host(models[i]->endpoint.base_url);
      to_start.push_back(&*models[i]);
    } catch (const Error& e) {
      results[i].outcome = CheckOutcome::not_configured;
      results[i].hint = e.what();
    }
  }
  config::EmbeddedSims sims;
  sims.start(to_start, std::make_shared<sim::AnswerBook>());  // a reachability check asks no dataset question

  http::ExecutorOptions executor_options;
  executor_options.concurrency = std::max(1, options.concurrency);
  executor_options.retries = options.retries;
  executor_options.timeout_s = options.timeout_s;
  executor_options.connect_timeout_s = std::min(options.timeout_s, 10.0);
  executor_options.stall_timeout_s = options.timeout_s;
  http::Executor executor(executor_options);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!models[i]) continue;
    http::ApiRequest request = check_request(*models[i]);
    request.endpoint.timeout_s = options.timeout_s;
    executor.submit(std::move(request), [&, i](http::RequestRecord&& record) {
      results[i] = check_result(registry, *models[i], record, options);
      results[i].role = targets[i].role;
    });
  }
  executor.run();
  return results;
}

std::string render_check_results(const std::vector<CheckResult>& results, config::ListFormat format) {
  if (format == config::ListFormat::json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : results) {
      out.push_back({{"model", r.model},
                     {"role", std::string(to_string(r.role))},
                     {"endpoint", r.endpoint},
                     {"outcome", std::string(to_string(r.outcome))},
                     {"http_status", r.http_status},
                     {"latency_ms", r.latency_ms >= 0 ? nlohmann::json(r.latency_ms) : nlohmann::json(nullptr)},
                     {"hint", r.hint}});
    }
    // Server text (the hint quotes error bodies) may hold invalid UTF-8: U+FFFD, never a throw;
    // control characters become \u escapes.
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::vector<std::vector<std::string>> table;
  table.push_back({"MODEL", "ROLE", "ENDPOINT", "OUTCOME", "LATENCY MS", "HINT"});
  for (const auto& r : results) {
    table.push_back({r.model, std::string(to_string(r.role)), r.endpoint.empty() ? "-" : r.endpoint,
                     std::string(to_string(r.outcome)),
                     r.latency_ms >= 0 ? fmt::format("{:.0f}", r.latency_ms) : "-",
                     util::terminal_safe(r.hint)});  // quotes the server's error body
  }
  return config::render_table(table);
}

}  // namespace llmbench::run
