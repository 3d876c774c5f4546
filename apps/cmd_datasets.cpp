// llmbench datasets list: the tasks that ship, with item counts, splits and licenses.
// llmbench datasets build-rag: rebuilds the shipped RAG files from XQuAD (data/xquad.hpp).
#include <cstdint>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "llmbench/data/custom_task.hpp"
#include "llmbench/data/listing.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/data/xquad.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::app {
namespace {

struct DatasetsOptions {
  std::string data_dir;    // "" = benchmarks/data here, else the source tree's
  std::string tasks_file;  // YAML with a tasks: list of custom tasks
  std::string format = "table";
};

struct BuildRagOptions {
  std::string xquad_dir;  // "" = data::default_xquad_dir()
  std::string out_dir;    // "" = ./benchmarks/data if it exists, else the source tree's
  std::uint64_t seed = data::kDefaultXquadSeed;
};

int run_datasets_list(const DatasetsOptions& options) {
  const std::string dir = data::resolve_data_dir(options.data_dir);
  std::vector<data::CustomTask> custom;
  if (!options.tasks_file.empty()) custom = data::load_custom_tasks_file(options.tasks_file);
  const auto listing = data::list_tasks(dir, custom);
  const auto rag = data::list_rag_files(dir);
  if (options.format == "json") {
    // Invalid UTF-8 in a tasks file's text becomes U+FFFD; control characters are \u escapes.
    const std::string json = data::listing_json(listing, dir, rag).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("%s\n", json.c_str());
  } else {
    std::printf("data dir: %s\n%s", util::terminal_safe(dir).c_str(), data::render_listing_table(listing).c_str());
    if (!rag.empty()) std::printf("\n%s", data::render_rag_table(rag).c_str());
  }
  return static_cast<int>(ExitCode::ok);
}

int run_datasets_build_rag(const BuildRagOptions& options) {
  const std::string xquad_dir =
      options.xquad_dir.empty() ? data::default_xquad_dir() : options.xquad_dir;
  const std::string out_dir =
      options.out_dir.empty() ? data::resolve_data_dir("") : options.out_dir;
  data::RagBuildOptions build;
  build.seed = options.seed;
  const data::XquadBuildSummary summary =
      data::build_xquad_rag(xquad_dir, out_dir, {"en", "ru"}, build);
  for (const std::string& input : summary.inputs) std::printf("read   %s\n", input.c_str());
  for (const data::RagBuildFile& file : summary.files) {
    std::printf("wrote  %s/%s  (%zu records)\n", out_dir.c_str(), file.relative_path.c_str(),
                file.records);
  }
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

Runner setup_datasets(CLI::App& app) {
  auto options = std::make_shared<DatasetsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "datasets", "List the benchmark datasets that ship with llmbench, or rebuild the RAG ones");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "Each task with its item count, split and license");
  list->add_option("--data-dir", options->data_dir,
                   "Dataset directory (default: ./benchmarks/data, else the source tree's "
                   "benchmarks/data)");
  list->add_option("--tasks-file", options->tasks_file,
                   "YAML file with a tasks: list of custom tasks to include (format: "
                   "benchmarks/data/README.md); default: none");
  list->add_option("--format", options->format, "Output format: table or json (default: table)")
      ->check(one_of({"table", "json"}));
  auto build_options = std::make_shared<BuildRagOptions>();
  CLI::App* build = cmd->add_subcommand(
      "build-rag", "Rebuild the RAG datasets (benchmarks/data/rag/, dataset_judge_pipeline_*.json) "
                   "from XQuAD's xquad.en.json and xquad.ru.json");
  build->add_option("--xquad-dir", build_options->xquad_dir,
                    "Directory holding xquad.en.json and xquad.ru.json (SQuAD v1.1 format); "
                    "default: ../shared/datasets/xquad_ru relative to the repository root");
  build->add_option("--out-dir", build_options->out_dir,
                    "Where to write rag/*.jsonl and dataset_judge_pipeline_*.json (created if "
                    "missing; existing files are replaced); default: ./benchmarks/data, else the "
                    "source tree's benchmarks/data");
  build->add_option("--seed", build_options->seed,
                    "Seed choosing the manual subset and the judge-pipeline items (default: " +
                        std::to_string(data::kDefaultXquadSeed) + ")");
  return [options, build_options, build]() -> int {
    if (build->parsed()) return run_datasets_build_rag(*build_options);
    return run_datasets_list(*options);
  };
}

}  // namespace llmbench::app
