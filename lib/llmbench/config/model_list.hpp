#pragma once
// `llmbench models list`: every configured model and role default with its provider,
// endpoint host, key variable and whether it is set. Never holds or renders a key's value.

#include <optional>
#include <string>
#include <vector>

#include "llmbench/config/registry.hpp"

namespace llmbench::config {

enum class ListFormat { table, json };

struct ModelListing {
  std::string id;
  std::vector<Role> roles;   // roles whose defaults name this model
  std::string provider;      // models.yaml provider, or "env:<role>" for model-lab models
  std::string endpoint;      // endpoint_host(base_url), or "" when the role has no endpoint
  std::string api_key_env;   // "" when no key is needed
  bool key_set = false;
  std::string key_origin;    // "environment", ".env.benchmark-models:3", "not set", ""
  std::optional<Price> price;
  std::string defined_at;    // "configs/models.yaml:40", "env MISTRAL_API_URL", ""
};

// Config models in file order, then role defaults the config does not define (one row per
// role, since each role has its own endpoint). Needs no key and no network.
std::vector<ModelListing> list_models(const Registry& registry);

std::string render_model_list(const std::vector<ModelListing>& rows, ListFormat format);

// Left-aligned columns separated by two spaces; the first row is the header.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace llmbench::config
