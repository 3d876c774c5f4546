#include "llmbench/config/config_path.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::config {
namespace fs = std::filesystem;

namespace {

fs::path checkout_config() { return fs::path(LLMBENCH_SOURCE_DIR) / kLocalConfig; }

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

}  // namespace

ConfigChoice resolve_config(const std::string& flag, const std::optional<std::string>& env_value) {
  if (!flag.empty()) {
    if (!is_file(flag)) {
      throw Error(fmt::format("--config {}: no such file; fix the path, or leave --config out to use ${}, "
                              "./{} or {}",
                              flag, kConfigEnvVar, kLocalConfig, checkout_config().string()));
    }
    return {flag, "--config", {}};
  }
  if (env_value && !env_value->empty()) {
    if (!is_file(*env_value)) {
      throw Error(fmt::format("${}={}: no such file; fix the variable or unset it", kConfigEnvVar, *env_value));
    }
    return {*env_value, fmt::format("${}", kConfigEnvVar), {}};
  }
  if (is_file(kLocalConfig)) return {kLocalConfig, fmt::format("./{} in the working directory", kLocalConfig), {}};
  if (is_file(checkout_config())) return {checkout_config(), "the llmbench checkout's default", {}};
  return {{}, "", {fmt::format("${} (not set)", kConfigEnvVar), fmt::format("./{}", kLocalConfig),
                   checkout_config().string()}};
}

ConfigChoice resolve_config(const std::string& flag) {
  const char* value = std::getenv(kConfigEnvVar);
  return resolve_config(flag, value ? std::optional<std::string>(value) : std::nullopt);
}

std::string describe(const ConfigChoice& choice) {
  if (choice.path.empty()) return "config: none (model-lab variables of the env file only)";
  return fmt::format("config: {} (from {})", choice.path.string(), choice.origin);
}

std::string config_option_help() {
  return fmt::format("Model-matrix config (providers, models, role defaults); default: ${}, else ./{} if "
                     "present, else {}",
                     kConfigEnvVar, kLocalConfig, checkout_config().string());
}

}  // namespace llmbench::config
