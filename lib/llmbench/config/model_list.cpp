#include "llmbench/config/model_list.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmbench::config {
namespace {

std::string roles_text(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ",") + std::string(to_string(r));
  return out.empty() ? "-" : out;
}

std::string key_text(const ModelListing& row) {
  if (row.api_key_env.empty()) return "-";
  return row.api_key_env + (row.key_set ? " (set: " + row.key_origin + ")" : " (NOT SET)");
}

std::string price_text(const std::optional<Price>& price) {
  if (!price) return "-";
  return fmt::format("{:.2f} / {:.2f}", price->input_per_mtok, price->output_per_mtok);
}

}  // namespace

std::vector<ModelListing> list_models(const Registry& registry) {
  const ModelsConfig& config = registry.config();
  const Env& env = registry.env();
  std::vector<ModelListing> rows;
  for (const ModelConfig& m : config.models) {
    const ProviderConfig& p = config.providers.at(m.provider);
    ModelListing row;
    row.id = m.id;
    row.provider = p.name;
    row.endpoint = endpoint_host(p.base_url);
    row.api_key_env = p.api_key_env;
    if (!p.api_key_env.empty()) {
      row.key_set = env.get(p.api_key_env).has_value();
      row.key_origin = env.origin(p.api_key_env);
    }
    row.price = m.price;
    row.defined_at = config.path.string() + ":" + std::to_string(m.line);
    rows.push_back(std::move(row));
  }
  for (Role role : kAllRoles) {
    for (const std::string& id : registry.default_models(role)) {
      if (registry.find_model(id) != nullptr) {
        for (auto& row : rows) {
          if (row.id == id && row.provider.rfind("env:", 0) != 0 &&
              std::find(row.roles.begin(), row.roles.end(), role) == row.roles.end()) {
            row.roles.push_back(role);
          }
        }
        continue;
      }
      ModelListing row;
      row.id = id;
      row.roles = {role};
      row.provider = "env:" + std::string(to_string(role));
      if (auto ep = registry.role_endpoint(role)) {
        row.endpoint = endpoint_host(ep->base_url);
        row.api_key_env = ep->api_key_env;
        row.key_set = ep->key_set;
        row.key_origin = env.origin(ep->api_key_env);
        row.defined_at = "env " + ep->url_env;
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string render_model_list(const std::vector<ModelListing>& rows, ListFormat format) {
  if (format == ListFormat::json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : rows) {
      nlohmann::json roles = nlohmann::json::array();
      for (Role r : row.roles) roles.push_back(std::string(to_string(r)));
      nlohmann::json item = {{"id", row.id},
                             {"roles", roles},
                             {"provider", row.provider},
                             {"endpoint", row.endpoint},
                             {"api_key_env", row.api_key_env},
                             {"key_set", row.key_set},
                             {"defined_at", row.defined_at}};
      if (!row.api_key_env.empty()) item["key_origin"] = row.key_origin;
      item["price"] = row.price ? nlohmann::json{{"input_per_mtok", row.price->input_per_mtok},
                                                 {"output_per_mtok", row.price->output_per_mtok}}
                                : nlohmann::json(nullptr);
      out.push_back(std::move(item));
    }
    return out.dump(2) + "\n";
  }
  std::vector<std::vector<std::string>> table;
  table.push_back({"MODEL", "ROLE DEFAULT", "PROVIDER", "ENDPOINT", "KEY", "PRICE IN/OUT PER MTOK"});
  for (const auto& row : rows) {
    table.push_back({row.id, roles_text(row.roles), row.provider,
                     row.endpoint.empty() ? "(no endpoint)" : row.endpoint, key_text(row),
                     price_text(row.price)});
  }
  return render_table(table);
}

}  // namespace llmbench::config
