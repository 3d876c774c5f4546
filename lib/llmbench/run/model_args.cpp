#include "llmbench/run/model_args.hpp"

#include <array>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 6> kRefused = {"model", "messages", "input", "stream", "stream_options", "n"};

// Splits at commas outside [], {} and "..." (a backslash escapes the next character in quotes).
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  bool quoted = false, escaped = false;
  for (char c : text) {
    if (quoted) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  out.push_back(current);
  return out;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

json parse_model_args(const std::vector<std::string>& values) {
  json args = json::object();
  for (const std::string& value : values) {
    for (const std::string& raw : split_top_level(value)) {
      const std::string item = trim(raw);
      if (item.empty()) continue;
      const auto eq = item.find('=');
      const std::string key = eq == std::string::npos ? "" : trim(item.substr(0, eq));
      if (eq == std::string::npos || key.empty()) {
        throw Error(fmt::format("-M/--model-args \"{}\": expected key=value, e.g. -M temperature=0.2", item));
      }
      for (const char* refused : kRefused) {
        if (key == refused) {
          throw Error(fmt::format("-M/--model-args {}: llmbench sets \"{}\" itself (it is part of the request's "
                                  "wire format); set request parameters such as temperature, top_p, max_tokens, "
                                  "seed or stop",
                                  key, key));
        }
      }
      const std::string text = trim(item.substr(eq + 1));
      json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
      args[key] = parsed.is_discarded() ? json(text) : std::move(parsed);
    }
  }
  return args;
}

void apply_model_args(const json& args, const std::vector<config::ResolvedModel*>& models) {
  if (!args.is_object() || args.empty()) return;
  for (config::ResolvedModel* m : models) {
    const bool embedding = m->role == config::Role::embedding ||
                           (m->kind && *m->kind == config::ModelKind::embedding);
    if (embedding) continue;
    if (!m->params.is_object()) m->params = json::object();
    if (args.contains("max_tokens")) m->params.erase("max_completion_tokens");
    if (args.contains("max_completion_tokens")) m->params.erase("max_tokens");
    for (const auto& [key, value] : args.items()) m->params[key] = value;
  }
}

}  // namespace llmbench::run
