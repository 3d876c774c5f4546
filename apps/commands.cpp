#include "commands.hpp"

#include <cmath>
#include <cstdio>
#include <optional>

#include "llmbench/config/config_path.hpp"
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

namespace {

// A number parsed whole (no trailing text), or nullopt.
std::optional<double> parse_number(const std::string& value) {
  try {
    std::size_t used = 0;
    const double v = std::stod(value, &used);
    if (used != value.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// `what` is the value's name in help ("SECONDS") and in the error ("a number of seconds").
CLI::Validator number_validator(bool allow_zero, const std::string& name, const std::string& what) {
  return CLI::Validator(
      [allow_zero, what](std::string& value) {
        const auto v = parse_number(value);
        if (v && (allow_zero ? *v >= 0 : *v > 0)) return std::string();
        return "\"" + value + "\" is not " + what + (allow_zero ? " >= 0" : " > 0") + " (e.g. 30 or 0.5)";
      },
      name + (allow_zero ? ">=0" : ">0"));
}

}  // namespace

CLI::Validator positive_seconds() { return number_validator(false, "SECONDS", "a number of seconds"); }
CLI::Validator non_negative_seconds() { return number_validator(true, "SECONDS", "a number of seconds"); }
CLI::Validator non_negative_number() { return number_validator(true, "NUMBER", "a number"); }

CLI::Validator positive_integer() {
  return CLI::Validator(
      [](std::string& value) {
        const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
                            value.find_first_not_of('0') != std::string::npos;
        return digits ? std::string() : "\"" + value + "\" is not a whole number >= 1";
      },
      "INTEGER>=1");
}

CLI::Validator one_of(std::vector<std::string> values) {
  std::string names;
  for (const auto& v : values) names += (names.empty() ? "" : "|") + v;
  return CLI::Validator(
      [values, names](std::string& value) {
        for (const auto& v : values) {
          if (v == value) return std::string();
        }
        return "\"" + value + "\" is not one of " + names;
      },
      names);
}

void add_request_flags(CLI::App& cmd, double& timeout_s, RequestFlags& flags) {
  flags.timeout = cmd.add_option("--timeout", timeout_s,
                                 "Per-request timeout in seconds; when given it wins over every "
                                 "provider's timeout_s, else a provider's timeout_s applies to its models")
                      ->capture_default_str()
                      ->check(positive_seconds());
  cmd.add_option("-M,--model-args", flags.model_args,
                 "Request parameter(s) over every chat model's params: key=value, repeatable or comma "
                 "separated (-M temperature=0.2 -M max_tokens=256); values are JSON when they parse "
                 "(numbers, true/false, [..], {..}), else strings; model, messages, stream are refused")
      ->allow_extra_args(false);
  cmd.add_option("--output", flags.output,
                 "What stdout holds: text (the plan and the summary) or json (only the run record as "
                 "stored in benchmark_runs.json, at the end; the plan and summary go to stderr)")
      ->capture_default_str()
      ->check(one_of({"text", "json"}));
}

void add_common_options(CLI::App& cmd, CommonOptions& options) {
  cmd.add_option("--config", options.config, config::config_option_help());
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
