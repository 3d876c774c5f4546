// llmbench models list|test: what the model matrix resolves to, and whether each model answers.
#include "commands.hpp"
#include "llmbench/error.hpp"

namespace llmbench::app {

Runner setup_models(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("models", "List the model matrix or test each model with one request");
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "List configured models, their provider, endpoint host and key variable");
  cmd->add_subcommand("test", "Send one minimal request per model and report what works");
  return [] () -> int { throw Error("llmbench models is not implemented yet in this build"); };
}

}  // namespace llmbench::app
