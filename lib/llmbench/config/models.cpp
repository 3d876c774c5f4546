// load_models_config: models.yaml -> ModelsConfig, validated, with file:line errors that say
// what is wrong and how to fix it.
#include <cmath>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "llmbench/config/embedded_sim.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/config/suggest.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/terminal.hpp"
#include "llmbench/util/yaml.hpp"

namespace llmbench::config {
namespace {

const std::vector<std::string> kTopKeys = {"providers", "models", "roles"};
const std::vector<std::string> kProviderKeys = {"base_url", "api_key_env", "max_concurrency", "rpm",
                                                "tpm",      "headers",     "timeout_s"};
const std::vector<std::string> kModelKeys = {"id",   "provider",     "model", "params", "price",
                                             "kind", "sim_accuracy", "stream"};
const std::vector<std::string> kPriceKeys = {"input_per_mtok", "output_per_mtok"};
const std::vector<std::string> kRoleKeys = {"generation", "judge", "production_judge", "embedding"};

// RFC 9110 token characters: what a header name may hold.
bool is_header_name(const std::string& s) {
  static const std::regex re("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  return std::regex_match(s, re);
}

// The first control character (CR, LF, NUL, ESC, DEL, ...; a tab is allowed) in a header
// value, or npos: one would end the header line and inject another.
std::size_t header_control_at(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b < 0x20 && b != '\t') || b == 0x7f) return i;
  }
  return std::string::npos;
}

bool is_variable_name(const std::string& s) {
  static const std::regex re("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, re);
}

class Loader {
 public:
  explicit Loader(std::string path) : path_(std::move(path)) {}

  ModelsConfig load(const YAML::Node& root) {
    ModelsConfig config;
    if (!root || root.IsNull()) return config;
    if (!root.IsMap()) {
      fail(root, "expected a mapping with the keys providers:, models: and roles:");
    }
    check_keys(root, kTopKeys, "unknown top-level key");
    if (root["providers"]) load_providers(root["providers"], config);
    if (root["models"]) load_models(root["models"], config);
    if (root["roles"]) load_roles(root["roles"], config);
    return config;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    throw InputError(path_, at.Mark().line + 1, message);
  }

  void check_keys(const YAML::Node& map, const std::vector<std::string>& valid,
                  const std::string& what) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = util::yaml_key(it->first, path_);
      if (std::find(valid.begin(), valid.end(), key) != valid.end()) continue;
      std::string message = what + " \"" + key + "\"";
      if (auto match = closest_match(key, valid)) message += "; did you mean " + *match + "?";
      fail(it->first, message + " valid keys: " + join(valid));
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& field, const std::string& where) const {
    if (!node.IsScalar()) fail(node, where + ": " + field + " must be a string");
    return node.as<std::string>();
  }

  double number(const YAML::Node& node, const std::string& field, const std::string& where,
                const std::string& example) const {
    double value = 0;
    bool ok = node.IsScalar();
    if (ok) {
      try {
        value = node.as<double>();
      } catch (const YAML::Exception&) {
        ok = false;
      }
    }
    if (!ok || !std::isfinite(value)) {
      fail(node, where + ": " + field + " must be a number" +
                     (node.IsScalar() ? ", got \"" + node.as<std::string>() + "\"" : "") +
                     "; write e.g. " + field + ": " + example);
    }
    if (value < 0) fail(node, where + ": " + field + " must not be negative; use 0 for no limit");
    return value;
  }

  bool boolean(const YAML::Node& node, const std::string& field, const std::string& where) const {
    if (node.IsScalar()) {
      const std::string text = node.as<std::string>();
      if (text == "true") return true;
      if (text == "false") return false;
    }
    fail(node, where + ": " + field + " must be true or false");
  }

  void load_providers(const YAML::Node& node, ModelsConfig& config) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      fail(node, "providers: must be a mapping of name -> {base_url, api_key_env, ...}");
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      ProviderConfig p;
      p.name = util::yaml_key(it->first, path_);
      p.line = it->first.Mark().line + 1;
      const YAML::Node body = it->second;  // a copy: it-> returns a proxy that dies with the statement
      const std::string where = "provider " + p.name;
      if (config.providers.count(p.name) != 0) {
        fail(it->first, "provider " + p.name + " is defined twice (first at line " +
                            std::to_string(config.providers[p.name].line) + "); keep one");
      }
      if (!body.IsMap()) fail(it->first, where + " must be a mapping with at least base_url:");
      check_keys(body, kProviderKeys, where + ": unknown key");
      if (!body["base_url"]) {
        fail(it->first, where + " has no base_url; add e.g. base_url: https://api.openai.com/v1");
      }
      p.base_url = scalar(body["base_url"], "base_url", where);
      check_url(body["base_url"], p.base_url, where);
      while (!p.base_url.empty() && p.base_url.back() == '/' && p.base_url != "sim://") {
        p.base_url.pop_back();
      }
      if (body["api_key_env"] && !body["api_key_env"].IsNull()) {
        p.api_key_env = scalar(body["api_key_env"], "api_key_env", where);
        if (!is_variable_name(p.api_key_env)) {
          // Never echo it: a user may have pasted the key itself here.
          fail(body["api_key_env"], where + ": api_key_env must be the NAME of the variable that "
                                    "holds the key (e.g. OPENAI_API_KEY), not the key itself; put "
                                    "the key in .env.benchmark-models");
        }
      }
      if (body["max_concurrency"]) {
        const double v = number(body["max_concurrency"], "max_concurrency", where, "8");
        if (v != std::floor(v)) fail(body["max_concurrency"], where + ": max_concurrency must be a whole number");
        p.limits.max_concurrency = static_cast<int>(v);
      }
      if (body["rpm"]) p.limits.rpm = number(body["rpm"], "rpm", where, "60");
      if (body["tpm"]) p.limits.tpm = number(body["tpm"], "tpm", where, "100000");
      if (body["timeout_s"]) p.timeout_s = number(body["timeout_s"], "timeout_s", where, "60");
      if (body["headers"]) {
        const YAML::Node& headers = body["headers"];
        if (!headers.IsMap()) fail(headers, where + ": headers must be a mapping of Header-Name: value");
        for (auto h = headers.begin(); h != headers.end(); ++h) {
          const std::string name = util::yaml_key(h->first, path_);
          if (!h->second.IsScalar()) {
            fail(h->second, where + ": header " + name + " must have a string value");
          }
          if (!is_header_name(name)) {
            fail(h->first, where + ": header name \"" + util::terminal_safe(name) +
                               "\" may hold only letters, digits and !#$%&'*+.^_`|~- (no spaces, colons or "
                               "control characters)");
          }
          const std::string value = h->second.as<std::string>();
          if (const std::size_t at = header_control_at(value); at != std::string::npos) {
            fail(h->second, where + ": header " + name + " has a control character (" +
                                util::terminal_safe(value.substr(at, 1)) +
                                ") in its value; CR or LF would inject another header. Remove it");
          }
          p.headers.emplace_back(name, value);
        }
      }
      config.providers[p.name] = std::move(p);
    }
  }

  void check_url(const YAML::Node& at, const std::string& url, const std::string& where) const {
    const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
    if (is_sim_url(url)) {
      try {
        parse_sim_url(url);
      } catch (const Error& e) {
        fail(at, where + ": " + e.what());
      }
      return;
    }
    if (!http) {
      fail(at, where + ": base_url must start with http://, https:// or sim://; write e.g. "
                       "https://" + url.substr(0, url.find('/')) + "/v1");
    }
    const std::string rest = url.substr(url.find("://") + 3);
    if (rest.empty() || rest[0] == '/') fail(at, where + ": base_url has no host after the scheme");
  }

  void load_models(const YAML::Node& node, ModelsConfig& config) {
    if (node.IsNull()) return;
    if (!node.IsSequence()) {
      fail(node, "models: must be a list of entries like - {id: gpt-4o-mini, provider: openai}");
    }
    std::map<std::string, int> seen;
    std::vector<std::string> provider_names;
    for (const auto& [name, p] : config.providers) provider_names.push_back(name);
    for (const YAML::Node& entry : node) {
      if (!entry.IsMap()) fail(entry, "each model must be a mapping with id: and provider:");
      ModelConfig m;
      m.line = entry.Mark().line + 1;
      if (!entry["id"]) fail(entry, "a model has no id:; add e.g. id: gpt-4o-mini");
      m.id = scalar(entry["id"], "id", "model");
      if (m.id.empty()) fail(entry["id"], "a model has an empty id");
      const std::string where = "model \"" + m.id + "\"";
      check_keys(entry, kModelKeys, where + ": unknown key");
      if (auto it = seen.find(m.id); it != seen.end()) {
        fail(entry["id"], "duplicate model id \"" + m.id + "\" (first defined at line " +
                              std::to_string(it->second) + "); give each model a unique id");
      }
      seen[m.id] = m.line;
      if (!entry["provider"]) {
        fail(entry, where + " has no provider:; add one of: " + join(provider_names));
      }
      m.provider = scalar(entry["provider"], "provider", where);
      if (config.providers.count(m.provider) == 0) {
        std::string message = where + " uses unknown provider \"" + m.provider +
                              "\"; known providers: " +
                              (provider_names.empty() ? "(none: add a providers: section)"
                                                      : join(provider_names));
        if (auto match = closest_match(m.provider, provider_names)) {
          message += " (did you mean \"" + *match + "\"?)";
        }
        fail(entry["provider"], message);
      }
      m.api_model = entry["model"] ? scalar(entry["model"], "model", where) : m.id;
      if (entry["params"] && !entry["params"].IsNull()) {
        if (!entry["params"].IsMap()) {
          fail(entry["params"], where + ": params must be a mapping such as {temperature: 0, max_tokens: 512}");
        }
        m.params = to_json(entry["params"]);
        check_params(entry["params"], where);
      }
      if (entry["stream"]) m.stream = boolean(entry["stream"], "stream", where);
      if (entry["price"] && !entry["price"].IsNull()) {
        const YAML::Node& price = entry["price"];
        if (!price.IsMap()) {
          fail(price, where + ": price must be {input_per_mtok: N, output_per_mtok: N}");
        }
        check_keys(price, kPriceKeys, where + ": unknown price key");
        Price p;
        if (price["input_per_mtok"]) p.input_per_mtok = number(price["input_per_mtok"], "input_per_mtok", where, "0.15");
        if (price["output_per_mtok"]) p.output_per_mtok = number(price["output_per_mtok"], "output_per_mtok", where, "0.60");
        m.price = p;
      }
      if (entry["kind"]) {
        const std::string kind = scalar(entry["kind"], "kind", where);
        if (kind == "chat") m.kind = ModelKind::chat;
        else if (kind == "embedding") m.kind = ModelKind::embedding;
        else fail(entry["kind"], where + ": kind must be chat or embedding, got \"" + kind + "\"");
      }
      if (entry["sim_accuracy"]) {
        const double a = number(entry["sim_accuracy"], "sim_accuracy", where, "0.65");
        if (a > 1) fail(entry["sim_accuracy"], where + ": sim_accuracy is a share in [0,1], e.g. 0.65");
        if (!is_sim_url(config.providers[m.provider].base_url)) {
          fail(entry["sim_accuracy"], where + ": sim_accuracy only applies to models on a sim:// "
                                      "provider; remove it or move the model to one");
        }
        m.sim_accuracy = a;
      }
      config.models.push_back(std::move(m));
    }
  }

  void check_params(const YAML::Node& params, const std::string& where) const {
    for (const char* key : {"stream", "stream_options"}) {
      if (params[key]) {
        fail(params[key], where + ": params." + key + " is set by llmbench, not sent as given; write "
                          "stream: true on the model (or pass --stream) to stream its answers");
      }
    }
    for (const char* key : {"temperature", "top_p", "max_tokens", "seed", "presence_penalty",
                            "frequency_penalty"}) {
      if (!params[key]) continue;
      double v = 0;
      try {
        v = params[key].as<double>();
      } catch (const YAML::Exception&) {
        fail(params[key], where + ": params." + key + " must be a number");
      }
      if (std::string(key) == "max_tokens" && v < 1) {
        fail(params[key], where + ": params.max_tokens must be at least 1");
      }
    }
  }

  nlohmann::json to_json(const YAML::Node& node) const {
    if (node.IsMap()) {
      nlohmann::json out = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        out[util::yaml_key(it->first, path_)] = to_json(it->second);
      }
      return out;
    }
    if (node.IsSequence()) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    if (node.IsNull()) return nullptr;
    const std::string text = node.as<std::string>();
    if (node.Tag() == "!") return text;  // quoted: always a string
    if (text == "true" || text == "True") return true;
    if (text == "false" || text == "False") return false;
    try {
      std::size_t used = 0;
      long long i = std::stoll(text, &used);
      if (used == text.size()) return i;
    } catch (const std::exception&) {
    }
    try {
      std::size_t used = 0;
      double d = std::stod(text, &used);
      if (used == text.size()) return d;
    } catch (const std::exception&) {
    }
    return text;
  }

  void load_roles(const YAML::Node& node, ModelsConfig& config) {
    if (node.IsNull()) return;
    if (!node.IsMap()) fail(node, "roles: must be a mapping like {generation: [a, b], judge: [c]}");
    check_keys(node, kRoleKeys, "roles: unknown role");
    std::vector<std::string> ids;
    for (const auto& m : config.models) ids.push_back(m.id);
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string name = util::yaml_key(it->first, path_);
      const Role role = *parse_role(name);
      const YAML::Node value = it->second;  // a copy: it-> returns a proxy that dies with the statement
      std::vector<std::pair<std::string, YAML::Node>> listed;
      if (value.IsSequence()) {
        for (const auto& item : value) {
          if (!item.IsScalar()) fail(item, "roles." + name + " must list model ids");
          listed.emplace_back(item.as<std::string>(), item);
        }
      } else if (value.IsScalar()) {
        for (const auto& id : split_list(value.as<std::string>())) listed.emplace_back(id, value);
      } else if (!value.IsNull()) {
        fail(value, "roles." + name + " must be a list of model ids");
      }
      auto& out = config.role_defaults[role];
      for (const auto& [id, at] : listed) {
        const ModelConfig* model = nullptr;
        for (const auto& m : config.models) model = m.id == id ? &m : model;
        if (model == nullptr) {
          fail(at, "roles." + name + " names model \"" + id + "\", which is not defined under models:" +
                       did_you_mean(id, ids) + "; define it or remove it from roles." + name);
        }
        const bool wants_embedding = role == Role::embedding;
        if (model->kind && (*model->kind == ModelKind::embedding) != wants_embedding) {
          fail(at, "roles." + name + " names model \"" + id + "\", whose kind is " +
                       (wants_embedding ? "chat" : "embedding") + " (line " +
                       std::to_string(model->line) + "); move it to the right role");
        }
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
      }
    }
  }

  std::string path_;
};

}  // namespace

ModelsConfig load_models_config(const std::filesystem::path& path, FileRequirement requirement) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (requirement == FileRequirement::if_present) return {};
    throw Error("config file " + path.string() +
                " does not exist; check --config, or leave it out to use only the env file");
  }
  YAML::Node root;
  try {
    root = util::load_yaml_file(path.string());
  } catch (const YAML::BadFile&) {
    throw Error("cannot read config file " + path.string() + "; check its permissions");
  }
  ModelsConfig config;
  try {
    config = Loader(path.string()).load(root);
  } catch (const YAML::Exception& e) {  // a shape the loader did not foresee: still name the place
    throw InputError(path.string(), e.mark.is_null() ? 0 : e.mark.line + 1,
                     "unexpected YAML: " + e.msg + "; compare with " + kLocalConfig);
  }
  config.path = path;
  return config;
}

}  // namespace llmbench::config
