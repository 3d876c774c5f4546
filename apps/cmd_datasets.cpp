// llmbench datasets list: the tasks that ship, with item counts, splits and licenses.
#include "commands.hpp"
#include "llmbench/error.hpp"

namespace llmbench::app {

Runner setup_datasets(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("datasets", "List the benchmark datasets that ship with llmbench");
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "Each task with its item count, split and license");
  return [] () -> int { throw Error("llmbench datasets is not implemented yet in this build"); };
}

}  // namespace llmbench::app
