#pragma once
// Simulators and configs that tests start the real binary against.

#include <memory>
#include <string>
#include <vector>

#include "llmbench/sim/simulator.hpp"

namespace llmbench::test {

// A simulator on loopback that knows the items of the shipped `tasks` (benchmarks/data), with
// `models` answering them at their accuracies and a fixed `seed`. Started; stops when destroyed.
std::unique_ptr<sim::Simulator> start_task_sim(const std::vector<std::string>& tasks, std::vector<sim::SimModel> models,
                                               std::uint64_t seed);

// Writes dir/models.yaml with the embedded simulator's sim-small (0.45), sim-medium (0.65),
// sim-large (0.85) (temperature 0, max_tokens 512) and sim-embed, and an empty dir/empty.env;
// returns the path of models.yaml.
std::string write_embedded_sim_config(const std::string& dir);

}  // namespace llmbench::test
