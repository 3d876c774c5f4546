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

#include "llmbench/config/env.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/http/types.hpp"

namespace llmbench::config {

enum class Role { generation, judge, production_judge, embedding };
std::string_view to_string(Role role);  // "generation", "judge", "production_judge", "embedding"

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
  int line = 0;
};

struct ModelsConfig {
  std::filesystem::path path;  // empty when no config file was used
  std::map<std::string, ProviderConfig> providers;
  std::vector<ModelConfig> models;
  std::map<Role, std::vector<std::string>> role_defaults;  // roles: generation, judge, ...
};

// Loads and validates models.yaml. Throws InputError "<path>:<line>: ..." on any problem:
// malformed YAML, unknown keys, unknown provider, URL without scheme, wrong types, duplicates.
ModelsConfig load_models_config(const std::filesystem::path& path);

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
};

class Registry {
 public:
  Registry(ModelsConfig config, Env env);

  // Throws Error naming the model, role, and the variable or setting that would fix it
  // (unknown model with no role endpoint, missing key variable, URL without scheme).
  ResolvedModel resolve(Role role, const std::string& model_id) const;

  // Models for a role when none are named: models.yaml `roles:`, else the legacy variables
  // (MISTRAL_MODEL, JUDGE_MODEL, BENCHMARKS_JUDGE_MODEL, EMBEDDING_MODEL).
  std::vector<std::string> default_models(Role role) const;

  const ModelsConfig& config() const { return config_; }
  const Env& env() const { return env_; }

 private:
  ModelsConfig config_;
  Env env_;
};

// Splits "a,b, c" into {"a","b","c"}; empty items are dropped.
std::vector<std::string> split_list(const std::string& csv);

}  // namespace llmbench::config
