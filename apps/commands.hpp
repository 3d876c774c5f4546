#pragma once
// Each subcommand lives in its own file: an options struct, setup_x() that adds the
// subcommand and its flags to the app, and the function that runs it.

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "llmbench/config/config_path.hpp"

namespace llmbench::app {

using Runner = std::function<int()>;  // runs the parsed subcommand, returns the exit code

// Options every subcommand that talks to models shares.
struct CommonOptions {
  std::string config;  // --config; "" = the rule of config/config_path.hpp
  std::string env_file = config::kDefaultEnvFile;
  bool verbose = false;
};
void add_common_options(CLI::App& cmd, CommonOptions& options);

// Accepts only a whole number >= 0 ("-1" would otherwise wrap to 2^64-1 in an unsigned option).
CLI::Validator non_negative_integer();
// Validators whose help and error text a person can read (CLI::PositiveNumber prints the
// double range, 300 digits; a CheckedTransformer prints its map as {json->1,table->0}).
CLI::Validator positive_seconds();      // a number > 0: "SECONDS>0"
CLI::Validator non_negative_seconds();  // a number >= 0: "SECONDS>=0"
CLI::Validator non_negative_number();   // a number >= 0: "NUMBER>=0"
CLI::Validator positive_integer();      // a whole number >= 1
CLI::Validator one_of(std::vector<std::string> values);  // exactly one of `values`: "table|json"

// Flags `run` and `arena run` share beyond their options structs: --timeout (so that a given
// one is told from its default), -M/--model-args and --output.
struct RequestFlags {
  CLI::Option* timeout = nullptr;
  std::vector<std::string> model_args;  // -M key=value, repeatable
  std::string output = "text";
};
void add_request_flags(CLI::App& cmd, double& timeout_s, RequestFlags& flags);

Runner setup_run(CLI::App& app);
Runner setup_models(CLI::App& app);
Runner setup_sim(CLI::App& app);
Runner setup_datasets(CLI::App& app);
Runner setup_report(CLI::App& app);
Runner setup_arena(CLI::App& app);

// Adds every subcommand to `app`; after parsing, run() calls the chosen one.
class Commands {
 public:
  explicit Commands(CLI::App& app);
  int run() const;

 private:
  CLI::App& app_;
  std::vector<std::pair<CLI::App*, Runner>> runners_;
};

// Prints help/version (exit 0) or "llmbench: error: ..." with a hint (exit 2).
int report_parse_error(const CLI::App& app, const CLI::ParseError& error);

}  // namespace llmbench::app
