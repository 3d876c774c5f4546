#pragma once
// yaml-cpp helpers shared by the YAML loaders (models.yaml, custom tasks, baselines), so that
// every shape of bad input ends as an InputError naming the file and line.

#include <string>

#include <yaml-cpp/yaml.h>

namespace llmbench::util {

// The 1-based line of a node, 0 when it has no position (a node built in code).
int yaml_line(const YAML::Node& node);

// A mapping key as text. A key that is itself a list or mapping (`? {a: 1}`, `[a, b]: x`)
// throws InputError naming `path` and the key's line.
std::string yaml_key(const YAML::Node& key, const std::string& path);

}  // namespace llmbench::util
