#pragma once
// The model matrix: configs/models.yaml plus the env file, resolved per role.
// A model id given on the command line that the config does not define resolves to its
// role's endpoint from the model-lab variables (GENERATION_API_URL, JUDGE_BASE_URL, ...).
// Each role keeps its own endpoint and key: a key is only sent to its own provider's URL.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/config_path.hpp"
#include "llmbench/config/env.hpp"
#include "llmbench/http/types.hpp"

namespace llmbench::config {

enum class Role { generation, judge, production_judge, embedding };
std::string_view to_string(Role role);  // "generation", "judge", "production_judge", "embedding"
std::optional<Role> parse_role(std::string_view name);  // inverse of to_string
inline constexpr Role kAllRoles[] = {Role::generation, Role::judge, Role::production_judge,
                                     Role::embedding};

// What a model answers: chat completions or embeddings (models.yaml `kind:`).
enum class ModelKind { chat, embedding };

struct Price {
  double input_per_mtok = 0;   // currency units per million prompt tokens
  double output_per_mtok = 0;  // per million completion tokens
};

struct ProviderConfig {
  std::string name;
  std::string base_url;     // "sim://" starts the embedded simulator (see sim/simulator.hpp)
  std::string api_key_env;  // empty: no key needed
  http::ProviderLimits limits;
  std::vector<std::pair<std::string, std::string>> headers;
  double timeout_s = 0;
  int line = 0;  // where it is defined in the config
};

struct ModelConfig {
  std::string id;         // what users type
  std::string provider;
  std::string api_model;  // what the API expects; defaults to id
  nlohmann::json params = nlohmann::json::object();
  std::optional<Price> price;
  std::optional<ModelKind> kind;        // `kind:`; unset = not said
  std::optional<double> sim_accuracy;  // only on sim:// providers, in [0,1]
  bool stream = false;                 // `stream: true`: chat answers are streamed (SSE)
  int line = 0;
};

struct ModelsConfig {
  std::filesystem::path path;  // empty when no config file was used
  std::map<std::string, ProviderConfig> providers;
  std::vector<ModelConfig> models;
  std::map<Role, std::vector<std::string>> role_defaults;  // roles: generation, judge, ...
};

enum class FileRequirement { required, if_present };

// Loads and validates models.yaml. Throws InputError "<path>:<line>: ..." on any problem:
// malformed YAML, unknown keys, unknown provider, URL without scheme, wrong types, duplicates,
// a role default naming an undefined model. A missing file is an Error when `required`, else
// an empty config (path left empty: env-only mode).
ModelsConfig load_models_config(const std::filesystem::path& path,
                                FileRequirement requirement = FileRequirement::required);

// A model ready to call.
struct ResolvedModel {
  std::string id;
  Role role = Role::generation;
  http::Endpoint endpoint;  // holds the key value: never print it
  std::string api_model;
  nlohmann::json params = nlohmann::json::object();
  std::optional<Price> price;
  http::ProviderLimits limits;
  std::string defined_at;  // "configs/models.yaml:12" or "env GENERATION_API_URL"
  std::optional<ModelKind> kind;
  std::optional<double> sim_accuracy;
  bool stream = false;  // chat requests ask for a streamed answer
};

// A role's endpoint from the model-lab variables, without the key's value (safe to show).
struct RoleEndpoint {
  std::string base_url;     // normalised: no trailing slash, no /chat/completions suffix
  std::string url_env;      // the variable the URL came from, e.g. "MISTRAL_API_URL"
  std::string api_key_env;  // the variable the key comes from (may be unset)
  bool key_set = false;
};

// The variables every OpenAI client reads, for models nothing else defines.
inline constexpr const char* kOpenAiKeyEnv = "OPENAI_API_KEY";
inline constexpr const char* kOpenAiUrlEnv = "OPENAI_BASE_URL";
inline constexpr const char* kOpenAiDefaultUrl = "https://api.openai.com/v1";

class Registry {
 public:
  Registry(ModelsConfig config, Env env, ConfigChoice choice = {});

  // A configured model uses its provider (key from the provider's api_key_env). If that
  // variable is unset but the role has its own model-lab endpoint, the model is sent there with
  // the role's key (a model-lab setup that shares ids with models.yaml). Any other id uses the
  // role's endpoint; with no role endpoint, OPENAI_BASE_URL (default https://api.openai.com/v1)
  // with OPENAI_API_KEY, when either is set. A URL on loopback or sim:// needs no key.
  // Throws Error naming the model, role, and the variable or setting that would fix it
  // (unknown model with no role endpoint, missing key variable, URL without scheme).
  ResolvedModel resolve(Role role, const std::string& model_id) const;

  // Models for a role when none are named: the legacy variables when set (comma lists:
  // GENERATION_MODEL or MISTRAL_MODEL, BENCHMARKS_JUDGE_MODEL, JUDGE_MODEL, EMBEDDING_MODEL),
  // else models.yaml `roles:`. The environment wins over the config file, as for keys.
  std::vector<std::string> default_models(Role role) const;

  // The role's endpoint from the model-lab variables; nullopt when its URL variable is unset
  // (for embedding: when neither EMBEDDING_API_URL nor the generation URL is set).
  std::optional<RoleEndpoint> role_endpoint(Role role) const;

  // The model defined in models.yaml under this id, or null.
  const ModelConfig* find_model(const std::string& id) const;

  const ModelsConfig& config() const { return config_; }
  const Env& env() const { return env_; }
  // Which config file was used and why (see config_path.hpp).
  const ConfigChoice& config_choice() const { return choice_; }

 private:
  std::optional<ResolvedModel> role_model(Role role, const std::string& model_id) const;
  std::optional<ResolvedModel> openai_env_model(Role role, const std::string& model_id) const;
  ModelsConfig config_;
  Env env_;
  ConfigChoice choice_;
};

// Splits "a,b, c" into {"a","b","c"}; empty items are dropped.
std::vector<std::string> split_list(const std::string& csv);

// split_list for a flag's value: a value that names nothing (",", " , ") throws Error naming
// `flag`, instead of meaning "not given" (which would fall back to the role defaults).
std::vector<std::string> split_flag_list(const std::string& csv, const std::string& flag);

// Throws Error naming `flag` when `model` is said (`kind:` in models.yaml) to answer the other
// API than its role needs: an embedding model as a generation or judge model, a chat model as
// an embedding model. A model whose kind is not said passes.
void check_model_kind(const ResolvedModel& model, const std::string& flag);

// Loads the models.yaml that resolve_config(config_flag) picks (one rule for every command)
// and the env file (`required`: the user named it; else a missing file is skipped). When no
// config file exists anywhere, an env file that gives some role an endpoint (GENERATION_API_URL,
// ...) is enough (model-lab env-only mode); otherwise Error naming every place looked at.
Registry load_registry(const std::string& config_flag, const std::filesystem::path& env_file,
                       FileRequirement env_requirement);

// "scheme://host[:port]" of a URL: no user info, path or query (safe to show).
std::string endpoint_host(const std::string& base_url);
bool is_loopback_url(const std::string& base_url);

}  // namespace llmbench::config
