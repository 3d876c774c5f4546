#include "commands.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "llmbench/config/config_path.hpp"
#include "llmbench/error.hpp"
#include "llmbench/run/model_args.hpp"

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

void SessionFlags::apply(run::SessionOptions& options) const {
  const std::map<std::string, run::Progress> modes = {{"auto", run::Progress::auto_},
                                                      {"bar", run::Progress::bar},
                                                      {"plain", run::Progress::plain},
                                                      {"none", run::Progress::none}};
  options.progress = modes.at(progress);
  options.timeout_given = timeout->count() > 0;
  options.model_args = run::parse_model_args(model_args);
  options.output = output == "json" ? run::OutputFormat::json : run::OutputFormat::text;
}

void add_session_source_flags(CLI::App& cmd, run::SessionOptions& options) {
  cmd.add_option("--config", options.config, config::config_option_help());
  cmd.add_option("--env-file", options.env_file,
                 "dotenv file with API keys; loaded if present, the process environment wins")
      ->capture_default_str();
}

void add_session_flags(CLI::App& cmd, run::SessionOptions& options, SessionFlags& flags,
                       const SessionFlagsHelp& help) {
  cmd.add_option("--concurrency", options.concurrency, "Requests in flight over all providers")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  cmd.add_option("--retries", options.retries, "Retries per request after the first attempt")
      ->capture_default_str()->check(CLI::Range(0, 50));
  flags.timeout = cmd.add_option("--timeout", options.timeout_s,
                                 "Per-request timeout in seconds; when given it wins over every "
                                 "provider's timeout_s, else a provider's timeout_s applies to its models")
                      ->capture_default_str()
                      ->check(positive_seconds());
  cmd.add_option("-M,--model-args", flags.model_args,
                 "Request parameter(s) over every chat model's params: key=value, repeatable or comma "
                 "separated (-M temperature=0.2 -M max_tokens=256); values are JSON when they parse "
                 "(numbers, true/false, [..], {..}), else strings; model, messages, stream are refused")
      ->allow_extra_args(false);
  cmd.add_flag("--stream", options.stream,
               "Stream every chat model's answers (as stream: true on a model does) and record time to "
               "first token, to first answer token, inter-token latency and time per output token");
  cmd.add_option("--output", flags.output,
                 "What stdout holds: text (the plan and the summary) or json (only the run record as "
                 "stored in benchmark_runs.json, at the end; the plan and summary go to stderr)")
      ->capture_default_str()
      ->check(one_of({"text", "json"}));
  cmd.add_option("--max-response-bytes", options.max_response_bytes,
                 "Largest decoded (inflated) response body per request, in bytes; a larger one ends as too_large")
      ->capture_default_str()->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 32));
  cmd.add_option("--max-retry-wait", options.max_retry_wait_s,
                 "Longest wait (seconds) a server may ask for with Retry-After; a longer one fails the request at once")
      ->capture_default_str()->check(non_negative_seconds());
  cmd.add_option("--output-dir", options.output_dir, "Where benchmark_runs.json and runs/<run_id>/ are written")
      ->capture_default_str();
  cmd.add_option("--run-id", options.run_id, "Id for this run; default: timestamp and random suffix");
  if (help.after_run_id) help.after_run_id();
  cmd.add_flag("--no-cache", options.no_cache, "Neither read nor write the response cache");
  cmd.add_option("--cache-dir", options.cache_dir, help.cache_dir);
  if (help.after_cache_dir) help.after_cache_dir();
  cmd.add_flag("--report", options.render_report, "Also write <output-dir>/report.html after the run");
  cmd.add_option("--progress", flags.progress, help.progress)
      ->capture_default_str()->check(one_of({"auto", "bar", "plain", "none"}));
  cmd.add_flag("--dry-run", options.dry_run, help.dry_run);
  cmd.add_flag("-v,--verbose", flags.verbose, "Log each request to stderr (Authorization redacted)");
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
  for (Setup setup : {&setup_run, &setup_models, &setup_datasets, &setup_sim, &setup_report, &setup_arena, &setup_perf,
                      &setup_compare, &setup_bundle, &setup_keygen, &setup_verify}) {
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
