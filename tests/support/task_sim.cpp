#include "support/task_sim.hpp"

#include <fstream>

#include "llmbench/data/tasks.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/dataset_book.hpp"

namespace llmbench::test {

std::unique_ptr<sim::Simulator> start_task_sim(const std::vector<std::string>& tasks, std::vector<sim::SimModel> models,
                                               std::uint64_t seed) {
  auto book = std::make_shared<sim::AnswerBook>();
  for (const std::string& task : tasks) {
    const data::Dataset ds = data::load_task(task, LLMBENCH_SOURCE_DIR "/benchmarks/data");
    sim::add_items(*book, {ds.task, ds.scorer, &ds.items});
  }
  sim::SimOptions so;
  so.models = std::move(models);
  so.answers = book;
  so.seed = seed;
  auto s = std::make_unique<sim::Simulator>(so);
  s->start();
  return s;
}

std::string write_embedded_sim_config(const std::string& dir) {
  std::ofstream(dir + "/models.yaml") << R"(providers:
  sim:
    base_url: sim://
models:
  - {id: sim-small, provider: sim, sim_accuracy: 0.45, params: {temperature: 0, max_tokens: 512}}
  - {id: sim-medium, provider: sim, sim_accuracy: 0.65, params: {temperature: 0, max_tokens: 512}}
  - {id: sim-large, provider: sim, sim_accuracy: 0.85, params: {temperature: 0, max_tokens: 512}}
  - {id: sim-embed, provider: sim, kind: embedding}
)";
  std::ofstream(dir + "/empty.env") << "";
  return dir + "/models.yaml";
}

}  // namespace llmbench::test
