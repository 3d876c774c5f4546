#include "commands.hpp"

#include <cstdio>

#include "llmbench/error.hpp"

namespace llmbench::app {

CLI::Validator non_negative_integer() {
  return CLI::Validator(
      [](std::string& value) {
        const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
        return digits ? std::string() : "\"" + value + "\" is not a whole number >= 0";
      },
      "INTEGER>=0");
}

void add_common_options(CLI::App& cmd, CommonOptions& options) {
  cmd.add_option("--config", options.config,
                 "Model-matrix config (providers, models, role defaults)")
      ->capture_default_str();
  cmd.add_option("--env-file", options.env_file,
                 "dotenv file with API keys; loaded if present, the process environment wins")
      ->capture_default_str();
  cmd.add_flag("-v,--verbose", options.verbose,
               "Log each request to stderr (Authorization is redacted)");
}

Commands::Commands(CLI::App& app) : app_(app) {
  using Setup = Runner (*)(CLI::App&);
  for (Setup setup : {&setup_run, &setup_models, &setup_datasets, &setup_sim, &setup_report, &setup_arena}) {
    std::size_t before = app.get_subcommands({}).size();
    Runner runner = setup(app);
    runners_.emplace_back(app.get_subcommands({}).at(before), std::move(runner));
  }
}

int Commands::run() const {
  for (const auto& [cmd, runner] : runners_) {
    if (cmd->parsed()) return runner();
  }
  throw Error("no subcommand given; see llmbench --help");
}

int report_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
  std::fprintf(stderr, "llmbench: error: %s\n", error.what());
  std::fprintf(stderr, "Run with --help for the list of subcommands and flags.\n");
  return static_cast<int>(ExitCode::bad_input);
}

}  // namespace llmbench::app
