#include "llmbench/run/model_matrix.hpp"

namespace llmbench::run {

std::vector<config::ResolvedModel>& role_models(ModelMatrix& m, config::Role role) {
  switch (role) {
    case config::Role::generation: return m.generation;
    case config::Role::judge: return m.judges;
    case config::Role::production_judge: return m.production_judges;
    case config::Role::embedding: return m.embedding;
  }
  return m.generation;
}

const std::vector<config::ResolvedModel>& role_models(const ModelMatrix& m, config::Role role) {
  return role_models(const_cast<ModelMatrix&>(m), role);
}

}  // namespace llmbench::run
