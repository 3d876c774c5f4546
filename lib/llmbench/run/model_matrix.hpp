#pragma once
// The models of a run by role, as resolved from the registry: what a plan, a preflight check
// and every tier ask for.

#include <optional>
#include <vector>

#include "llmbench/config/registry.hpp"

namespace llmbench::run {

// The resolved models of a sweep, by role. Models that failed the preflight check are left out.
struct ModelMatrix {
  std::vector<config::ResolvedModel> generation;
  std::vector<config::ResolvedModel> judges;             // benchmark judges
  std::vector<config::ResolvedModel> production_judges;
  std::vector<config::ResolvedModel> embedding;
  // --safety-judge: labels the refusal-scored tasks' replies (resolved as a judge). Not a role of
  // its own: it adds no model runs, and role_models() does not list it.
  std::optional<config::ResolvedModel> safety_judge;
};

// The models of one role.
std::vector<config::ResolvedModel>& role_models(ModelMatrix& models, config::Role role);
const std::vector<config::ResolvedModel>& role_models(const ModelMatrix& models, config::Role role);

}  // namespace llmbench::run
