// Registry: model id + role -> endpoint. Config-defined models use their provider; other ids
// use their role's model-lab variables. A key is only ever paired with its own provider's or
// its own role's URL.
#include "llmbench/config/registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "llmbench/config/embedded_sim.hpp"
#include "llmbench/config/suggest.hpp"
#include "llmbench/error.hpp"

namespace llmbench::config {
namespace {

// The model-lab variables of one role, first set one wins.
struct RoleVars {
  std::vector<std::string> url;
  std::vector<std::string> key;
  std::vector<std::string> model;
};

const RoleVars& role_vars(Role role) {
  static const RoleVars generation{{"GENERATION_API_URL", "MISTRAL_API_URL"},
                                   {"GENERATION_API_KEY", "MISTRAL_API"},
                                   {"GENERATION_MODEL", "MISTRAL_MODEL"}};
  static const RoleVars judge{{"BENCHMARKS_JUDGE_BASE_URL"},
                              {"BENCHMARKS_JUDGE_API_KEY"},
                              {"BENCHMARKS_JUDGE_MODEL"}};
  static const RoleVars production_judge{{"JUDGE_BASE_URL"}, {"JUDGE_API"}, {"JUDGE_MODEL"}};
  static const RoleVars embedding{{"EMBEDDING_API_URL"}, {"EMBEDDING_API_KEY"}, {"EMBEDDING_MODEL"}};
  switch (role) {
    case Role::generation: return generation;
    case Role::judge: return judge;
    case Role::production_judge: return production_judge;
    case Role::embedding: return embedding;
  }
  return generation;
}

std::string normalise_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  for (std::string_view suffix : {"/chat/completions", "/embeddings"}) {
    if (url.size() > suffix.size() && url.compare(url.size() - suffix.size(), suffix.size(), suffix) == 0) {
      url.erase(url.size() - suffix.size());
    }
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url == "sim:") url = "sim://";
  return url;
}

bool has_http_scheme(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::string host_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  std::string rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  return rest;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::generation: return "generation";
    case Role::judge: return "judge";
    case Role::production_judge: return "production_judge";
    case Role::embedding: return "embedding";
  }
  return "generation";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role role : kAllRoles) {
    if (to_string(role) == name) return role;
  }
  return std::nullopt;
}

std::string endpoint_host(const std::string& base_url) {
  const auto scheme = base_url.find("://");
  if (scheme == std::string::npos) return "";
  return base_url.substr(0, scheme + 3) + host_of(base_url);
}

bool is_loopback_url(const std::string& base_url) {
  std::string host = host_of(base_url);
  if (host.rfind("[::1]", 0) == 0) return true;
  host = host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

std::vector<std::string> split_list(const std::string& csv) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= csv.size()) {
    std::size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    std::string item = csv.substr(start, comma - start);
    const auto first = item.find_first_not_of(" \t\r\n");
    const auto last = item.find_last_not_of(" \t\r\n");
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> split_flag_list(const std::string& csv, const std::string& flag) {
  std::vector<std::string> out = split_list(csv);
  if (out.empty() && !csv.empty()) {
    throw Error(fmt::format("{} \"{}\": names nothing; give a comma list such as a,b, or leave the "
                            "flag out for the defaults",
                            flag, csv));
  }
  return out;
}

Registry::Registry(ModelsConfig config, Env env, ConfigChoice choice)
    : config_(std::move(config)), env_(std::move(env)), choice_(std::move(choice)) {}

const ModelConfig* Registry::find_model(const std::string& id) const {
  for (const auto& m : config_.models) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::vector<std::string> Registry::default_models(Role role) const {
  for (const auto& var : role_vars(role).model) {
    if (auto value = env_.get(var)) {
      auto models = split_list(*value);
      if (!models.empty()) return models;
    }
  }
  auto it = config_.role_defaults.find(role);
  return it == config_.role_defaults.end() ? std::vector<std::string>{} : it->second;
}

std::optional<RoleEndpoint> Registry::role_endpoint(Role role) const {
  const RoleVars& vars = role_vars(role);
  for (const auto& url_var : vars.url) {
    auto url = env_.get(url_var);
    if (!url) continue;
    RoleEndpoint ep;
    ep.base_url = normalise_url(*url);
    ep.url_env = url_var;
    ep.api_key_env = vars.key.front();
    for (const auto& key_var : vars.key) {
      if (env_.get(key_var)) {
        ep.api_key_env = key_var;
        ep.key_set = true;
        break;
      }
    }
    return ep;
  }
  // Embedding falls back to the generation endpoint: its URL and its key together.
  if (role == Role::embedding) return role_endpoint(Role::generation);
  return std::nullopt;
}

namespace {

std::string env_file_name(const Env& env) {
  return env.file().empty() ? std::string(kDefaultEnvFile) : env.file().string();
}

}  // namespace

// The role's own endpoint from the model-lab variables (none set: nullopt), or an Error saying
// what to set.
std::optional<ResolvedModel> Registry::role_model(Role role, const std::string& model_id) const {
  const std::string role_name(to_string(role));
  auto ep = role_endpoint(role);
  if (!ep) return std::nullopt;
  ResolvedModel r;
  r.id = model_id;
  r.role = role;
  r.api_model = model_id;
  r.endpoint.provider = role_name;
  r.endpoint.base_url = ep->base_url;
  r.endpoint.api_key_env = ep->api_key_env;
  r.defined_at = "env " + ep->url_env;
  if (role == Role::embedding) r.kind = ModelKind::embedding;
  const bool sim = is_sim_url(ep->base_url);
  if (!sim && !(has_http_scheme(ep->base_url) && !host_of(ep->base_url).empty())) {
    throw Error(ep->url_env + " (set in " + env_.origin(ep->url_env) +
                ") must be a URL starting with http:// or https://, e.g. https://api.mistral.ai/v1");
  }
  if (ep->key_set) {
    r.endpoint.api_key = *env_.get(ep->api_key_env);
  } else if (!sim && !is_loopback_url(ep->base_url)) {
    throw Error("role " + role_name + " uses " + ep->url_env + " (set in " +
                env_.origin(ep->url_env) + ") but " + ep->api_key_env +
                " is not set: set it in " + env_file_name(env_) + " or the environment");
  }
  return r;
}

// As in every OpenAI client: OPENAI_BASE_URL (default https://api.openai.com/v1) with the key
// OPENAI_API_KEY, for a model neither the config nor the role's variables define. The key
// is paired with that URL only. Neither variable set: nullopt.
std::optional<ResolvedModel> Registry::openai_env_model(Role role, const std::string& model_id) const {
  const std::string env_file = env_file_name(env_);
  const auto openai_url = env_.get(kOpenAiUrlEnv);
  const auto openai_key = env_.get(kOpenAiKeyEnv);
  if (!openai_url && !openai_key) return std::nullopt;
  ResolvedModel r;
  r.id = model_id;
  r.role = role;
  r.api_model = model_id;
  r.endpoint.provider = "openai-env";
  r.endpoint.base_url = normalise_url(openai_url ? *openai_url : std::string(kOpenAiDefaultUrl));
  r.endpoint.api_key_env = kOpenAiKeyEnv;
  r.defined_at = openai_url ? "env " + std::string(kOpenAiUrlEnv) : "env " + std::string(kOpenAiKeyEnv);
  if (role == Role::embedding) r.kind = ModelKind::embedding;
  const std::string& url = r.endpoint.base_url;
  if (!is_sim_url(url) && !(has_http_scheme(url) && !host_of(url).empty())) {
    throw Error(fmt::format("{} (set in {}) must be a URL starting with http:// or https://, e.g. {}",
                            kOpenAiUrlEnv, env_.origin(kOpenAiUrlEnv), kOpenAiDefaultUrl));
  }
  if (openai_key) {
    r.endpoint.api_key = *openai_key;
  } else if (!is_sim_url(url) && !is_loopback_url(url)) {
    throw Error(fmt::format("model \"{}\" goes to {} (set in {}), but {} is not set: set it in {} or the "
                            "environment",
                            model_id, kOpenAiUrlEnv, env_.origin(kOpenAiUrlEnv), kOpenAiKeyEnv, env_file));
  }
  std::vector<std::string> known;
  for (const auto& m : config_.models) known.push_back(m.id);
  spdlog::info("model {}: not defined in the config{}; sending it to {} ({})", model_id,
               did_you_mean(model_id, known), endpoint_host(url), r.defined_at.substr(4));
  return r;
}

ResolvedModel Registry::resolve(Role role, const std::string& model_id) const {
  if (model_id.empty()) throw Error("an empty model id was given for role " + std::string(to_string(role)));
  const std::string env_file = env_file_name(env_);
  const std::string role_name(to_string(role));


  if (const ModelConfig* m = find_model(model_id)) {
    const ProviderConfig& p = config_.providers.at(m->provider);
    ResolvedModel r;
    r.id = m->id;
    r.role = role;
    r.api_model = m->api_model;
    r.params = m->params;
    r.price = m->price;
    r.kind = m->kind;
    r.sim_accuracy = m->sim_accuracy;
    r.stream = m->stream;
    r.limits = p.limits;
    r.defined_at = config_.path.string() + ":" + std::to_string(m->line);
    r.endpoint.provider = p.name;
    r.endpoint.base_url = p.base_url;
    r.endpoint.api_key_env = p.api_key_env;
    r.endpoint.headers = p.headers;
    r.endpoint.timeout_s = p.timeout_s;
    if (!p.api_key_env.empty()) {
      if (auto key = env_.get(p.api_key_env)) {
        r.endpoint.api_key = *key;
      } else if (auto fallback = role_model(role, model_id)) {
        // A model-lab setup: the role's own URL and key serve this model id.
        spdlog::info("model {}: {} is not set; using the {} endpoint from {}", model_id,
                     p.api_key_env, role_name, fallback->defined_at.substr(4));
        fallback->api_model = m->api_model;
        fallback->params = m->params;
        fallback->stream = m->stream;
        if (m->kind) fallback->kind = m->kind;
        return *fallback;
      } else {
        throw Error("model \"" + model_id + "\" (provider " + p.name + ") needs " + p.api_key_env +
                    ": set it in " + env_file + " or the environment");
      }
    }
    return r;
  }

  if (auto r = role_model(role, model_id)) return *r;

  if (auto r = openai_env_model(role, model_id)) return *r;

  std::vector<std::string> ids;
  for (const auto& m : config_.models) ids.push_back(m.id);
  const RoleVars& vars = role_vars(role);
  std::string where = config_.path.empty() ? "no config file was loaded"
                                           : "it is not defined in " + config_.path.string();
  throw Error("model \"" + model_id + "\" for role " + role_name + ": " + where +
              did_you_mean(model_id, ids) + ", and role " + role_name +
              " has no endpoint; add it under models: in " +
              (config_.path.empty() ? std::string(kLocalConfig) : config_.path.string()) +
              ", set " + vars.url.front() + " and " + vars.key.front() + " in " + env_file + ", or set " +
              kOpenAiKeyEnv + " (and " + kOpenAiUrlEnv + " for a server other than OpenAI's)");
}

void check_model_kind(const ResolvedModel& model, const std::string& flag) {
  if (!model.kind) return;
  const bool embedding = *model.kind == ModelKind::embedding;
  const bool wants_embedding = model.role == Role::embedding;
  if (embedding == wants_embedding) return;
  throw Error(fmt::format("{} {}: \"{}\" is {} model (kind: {}, {}), but role {} needs {} model; "
                          "pass it to {} instead, or fix its kind",
                          flag, model.id, model.id, embedding ? "an embedding" : "a chat",
                          embedding ? "embedding" : "chat", model.defined_at, to_string(model.role),
                          wants_embedding ? "an embedding" : "a chat",
                          embedding ? "--embedding-models" : "a chat role's flag (--generation-models, --judge-models)"));
}

Registry load_registry(const std::string& config_flag, const std::filesystem::path& env_file,
                       FileRequirement env_requirement) {
  ConfigChoice choice = resolve_config(config_flag);
  Env env = Env::load(env_file, env_requirement == FileRequirement::required);
  if (choice.path.empty()) {
    Registry env_only(ModelsConfig{}, env, choice);
    for (Role role : kAllRoles) {
      if (env_only.role_endpoint(role)) return env_only;
    }
    throw Error(fmt::format("no model config found; looked at {}. Pass --config FILE, set {}, or set a "
                            "role endpoint (GENERATION_API_URL, ...) in {}",
                            fmt::join(choice.looked_at, ", "), kConfigEnvVar, env_file.string()));
  }
  ModelsConfig models = load_models_config(choice.path, FileRequirement::required);
  return Registry(std::move(models), std::move(env), std::move(choice));
}

}  // namespace llmbench::config
