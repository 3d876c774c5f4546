// llmbench datasets list: the tasks that ship, with item counts, splits and licenses.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "llmbench/data/custom_task.hpp"
#include "llmbench/data/listing.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"

namespace llmbench::app {
namespace {

enum class ListFormat { table, json };

struct DatasetsOptions {
  std::string data_dir;    // "" = benchmarks/data here, else the source tree's
  std::string tasks_file;  // YAML with a tasks: list of custom tasks
  ListFormat format = ListFormat::table;
};

int run_datasets_list(const DatasetsOptions& options) {
  const std::string dir = data::resolve_data_dir(options.data_dir);
  std::vector<data::CustomTask> custom;
  if (!options.tasks_file.empty()) custom = data::load_custom_tasks_file(options.tasks_file);
  const auto listing = data::list_tasks(dir, custom);
  if (options.format == ListFormat::json) {
    std::printf("%s\n", data::listing_json(listing, dir).dump(2).c_str());
  } else {
    std::printf("data dir: %s\n%s", dir.c_str(), data::render_listing_table(listing).c_str());
  }
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

Runner setup_datasets(CLI::App& app) {
  auto options = std::make_shared<DatasetsOptions>();
  CLI::App* cmd = app.add_subcommand("datasets", "List the benchmark datasets that ship with llmbench");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "Each task with its item count, split and license");
  list->add_option("--data-dir", options->data_dir,
                   "Dataset directory (default: ./benchmarks/data, else the source tree's "
                   "benchmarks/data)");
  list->add_option("--tasks-file", options->tasks_file,
                   "YAML file with a tasks: list of custom tasks to include (format: "
                   "benchmarks/data/README.md); default: none");
  list->add_option("--format", options->format, "Output format: table or json (default: table)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, ListFormat>{{"table", ListFormat::table}, {"json", ListFormat::json}},
          CLI::ignore_case));
  return [options]() -> int { return run_datasets_list(*options); };
}

}  // namespace llmbench::app
