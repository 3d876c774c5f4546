#pragma once
// A sweep record's "models": what its metrics read of the models (ids, prices, the names of the
// key variables), so that `llmbench merge` computes them again without the config or the keys.

#include <string>

#include <nlohmann/json.hpp>

#include "llmbench/run/model_matrix.hpp"

namespace llmbench::run {

// Per role ("generation", "judge", "production_judge", "embedding") a list of {id, api_key_env
// (the variable's name, never its value), price: {input_per_mtok, output_per_mtok} or null}, and
// "safety_judge": the same object or null.
nlohmann::json models_json(const ModelMatrix& models);

// The inverse: models with those fields (and their role) set, and no endpoint to send to. Throws
// Error (bad_input) naming `where` when the section is malformed.
ModelMatrix models_from_json(const nlohmann::json& models, const std::string& where);

}  // namespace llmbench::run
