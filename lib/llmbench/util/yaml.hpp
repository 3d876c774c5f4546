#pragma once
// yaml-cpp helpers shared by the YAML loaders (models.yaml, custom tasks, baselines), so that
// every shape of bad input ends as an InputError naming the file and line.

#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

namespace llmbench::util {

// Limits on one YAML stream, checked on the event stream before any node is built, so that an
// alias bomb costs no more than reading its text (README "Limits").
inline constexpr std::size_t kYamlMaxNodes = 100'000;  // expanded: an alias counts its whole target
inline constexpr int kYamlMaxDepth = 64;               // nested lists/mappings

// Parses `text` (read from `path`, for messages) into a node tree. Throws InputError naming
// `path` and the line for malformed YAML, a recursive alias (`&a {self: *a}`), a stream whose
// expanded size passes kYamlMaxNodes or whose nesting passes kYamlMaxDepth, and a key given twice
// in one mapping (naming both lines). The one way our loaders parse YAML.
YAML::Node load_yaml(const std::string& text, const std::string& path);

// load_yaml on the contents of the file `path`; throws YAML::BadFile when it cannot be read, so
// that each caller keeps its own advice for a missing file.
YAML::Node load_yaml_file(const std::string& path);

// The 1-based line of a node, 0 when it has no position (a node built in code).
int yaml_line(const YAML::Node& node);

// A mapping key as text. A key that is itself a list or mapping (`? {a: 1}`, `[a, b]: x`)
// throws InputError naming `path` and the key's line.
std::string yaml_key(const YAML::Node& key, const std::string& path);

}  // namespace llmbench::util
