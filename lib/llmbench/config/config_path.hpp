#pragma once
// Which models.yaml a command uses: one rule for `run`, `arena run`, `models list` and
// `models test`, in this order:
//   1. --config FILE when given (it must exist);
//   2. else $LLMBENCH_CONFIG when set and not empty (it must exist): for an installed binary
//      or a CI job that keeps its config elsewhere, without repeating --config on every command;
//   3. else ./configs/models.yaml when it exists (a checkout, or a project that keeps its own);
//   4. else configs/models.yaml of the checkout this binary was built from: the same place the
//      shipped datasets are found from any working directory (data::resolve_data_dir), so a
//      command run from elsewhere sees the config that goes with its data.
// When none exists, the choice is empty and `looked_at` names every place tried; the caller
// decides (load_registry accepts it only for a model-lab env file with role endpoints).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace llmbench::config {

inline constexpr const char* kConfigEnvVar = "LLMBENCH_CONFIG";
inline constexpr const char* kLocalConfig = "configs/models.yaml";
// The env file read when --env-file is not given (a missing one is fine; a named one is required).
inline constexpr const char* kDefaultEnvFile = ".env.benchmark-models";

struct ConfigChoice {
  std::filesystem::path path;          // empty: no config file found
  std::string origin;                  // "--config", "$LLMBENCH_CONFIG", "./configs/models.yaml", ...
  std::vector<std::string> looked_at;  // when path is empty: every place tried, in order
};

// The rule above. `flag` is the --config value ("" = not given); `env_value` is
// $LLMBENCH_CONFIG (nullopt = unset). Throws Error when a named file (flag or variable) is missing.
ConfigChoice resolve_config(const std::string& flag, const std::optional<std::string>& env_value);
// The same, reading LLMBENCH_CONFIG from the process environment.
ConfigChoice resolve_config(const std::string& flag);

// "config: /path/models.yaml (from --config)" for plans and logs.
std::string describe(const ConfigChoice& choice);

// The help text of every command's --config option: the rule, in one line.
std::string config_option_help();

}  // namespace llmbench::config
