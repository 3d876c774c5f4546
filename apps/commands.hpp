#pragma once
// Each subcommand lives in its own file: an options struct, setup_x() that adds the
// subcommand and its flags to the app, and the function that runs it.

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "llmbench/config/config_path.hpp"
#include "llmbench/run/options.hpp"

namespace llmbench::arena {
struct VoterFilter;
}

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

// The flags of the shared session options (run::SessionOptions), registered once for every
// command that runs a RunSession (`run`, `arena run`). What the struct cannot hold as given is
// kept here and applied after parsing: --timeout's option (a given one is told from its
// default), -M/--model-args, --output, --progress and --verbose.
struct SessionFlags {
  CLI::Option* timeout = nullptr;
  std::vector<std::string> model_args;  // -M key=value, repeatable
  std::string output = "text";
  std::string progress = "auto";
  bool verbose = false;

  // Sets timeout_given, model_args (throws Error on a bad -M), output and progress.
  void apply(run::SessionOptions& options) const;
};

// What a command says in its own words in the session flags' help, and where its own flags
// sit among them.
struct SessionFlagsHelp {
  std::string dry_run;    // --dry-run: what the plan shows
  std::string progress;   // --progress: the modes
  std::string cache_dir;  // --cache-dir
  // Adds the command's own flags that its help lists right after --run-id, after --cache-dir.
  std::function<void()> after_run_id, after_cache_dir;
};

// --config and --env-file: the first flags of a session command's help.
void add_session_source_flags(CLI::App& cmd, run::SessionOptions& options);
// --concurrency through --verbose: after the command's own flags.
void add_session_flags(CLI::App& cmd, run::SessionOptions& options, SessionFlags& flags,
                       const SessionFlagsHelp& help);

Runner setup_run(CLI::App& app);
Runner setup_models(CLI::App& app);
Runner setup_sim(CLI::App& app);
Runner setup_datasets(CLI::App& app);
Runner setup_report(CLI::App& app);
Runner setup_arena(CLI::App& app);
Runner setup_arena_rate(CLI::App& arena);  // `arena rate`, added to the arena subcommand
Runner setup_arena_import(CLI::App& arena);  // `arena import`, added to the arena subcommand
Runner setup_arena_ask(CLI::App& arena);     // `arena ask`, added to the arena subcommand
// The width to lay text out for: the terminal's (stdout), else $COLUMNS, else 80; kept within
// 40..100 columns. And a rule across it, "── label ─────" ("" : a plain rule).
std::size_t terminal_columns();
std::string terminal_rule(const std::string& label, std::size_t width);
// --exclude-flagged-voters and --max-votes-per-voter (arena vote, import and rate).
void add_voter_filter_flags(CLI::App& cmd, arena::VoterFilter& filter);
Runner setup_perf(CLI::App& app);
Runner setup_compare(CLI::App& app);
Runner setup_merge(CLI::App& app);
// Signed result bundles (cmd_bundle.cpp): `bundle`, `keygen`, `verify`.
Runner setup_bundle(CLI::App& app);
Runner setup_keygen(CLI::App& app);
Runner setup_verify(CLI::App& app);

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
