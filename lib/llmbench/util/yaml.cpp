#include "llmbench/util/yaml.hpp"

#include "llmbench/error.hpp"

namespace llmbench::util {

int yaml_line(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

std::string yaml_key(const YAML::Node& key, const std::string& path) {
  if (!key.IsScalar()) {
    throw InputError(path, yaml_line(key),
                     "a key must be a plain name, not a list or mapping; check for a stray ? or [");
  }
  return key.as<std::string>();
}

}  // namespace llmbench::util
