// llmbench sim: the embedded OpenAI-compatible simulator, served on loopback.
#include "commands.hpp"
#include "llmbench/error.hpp"

namespace llmbench::app {

Runner setup_sim(CLI::App& app) {
  app.add_subcommand("sim", "Serve the embedded OpenAI-compatible simulator on loopback");
  return [] () -> int { throw Error("llmbench sim is not implemented yet in this build"); };
}

}  // namespace llmbench::app
