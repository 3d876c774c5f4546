// llmbench models list|test: what the model matrix resolves to, and whether each model answers.
#include <cstdio>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "llmbench/config/model_list.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/run/model_check.hpp"

namespace llmbench::app {
namespace {

struct ModelsOptions {
  CommonOptions common;
  std::string format = "table";
  std::string models;
  std::string role;
  double timeout_s = 30;
  CLI::App* list = nullptr;
  CLI::App* test = nullptr;
};

config::Registry load(const ModelsOptions& o, const CLI::App& cmd) {
  using config::FileRequirement;
  const auto env_requirement =
      cmd.get_option("--env-file")->count() > 0 ? FileRequirement::required : FileRequirement::if_present;
  if (o.common.verbose) spdlog::set_level(spdlog::level::debug);
  config::Registry registry = config::load_registry(o.common.config, o.common.env_file, env_requirement);
  spdlog::info("{}", config::describe(registry.config_choice()));
  return registry;
}

config::ListFormat format_of(const ModelsOptions& o) {
  return o.format == "json" ? config::ListFormat::json : config::ListFormat::table;
}

int run_list(const ModelsOptions& o) {
  const config::Registry registry = load(o, *o.list);
  std::fputs(config::render_model_list(config::list_models(registry), format_of(o)).c_str(), stdout);
  return static_cast<int>(ExitCode::ok);
}

int run_test(const ModelsOptions& o) {
  const config::Registry registry = load(o, *o.test);
  std::optional<config::Role> role;
  if (!o.role.empty()) role = config::parse_role(o.role);
  const auto targets = run::check_targets(registry, config::split_list(o.models), role);
  if (targets.empty()) {
    throw Error("no models to test: " + config::describe(registry.config_choice()) +
                " defines none; name them with --models, or define models in the config (or set "
                "GENERATION_MODEL and friends in " + o.common.env_file + ")");
  }
  run::CheckOptions options;
  options.timeout_s = o.timeout_s;
  const auto results = run::check_models(registry, targets, options);
  std::fputs(run::render_check_results(results, format_of(o)).c_str(), stdout);
  for (const auto& r : results) {
    if (r.outcome != run::CheckOutcome::ok) return static_cast<int>(ExitCode::failures);
  }
  return static_cast<int>(ExitCode::ok);
}

void add_format(CLI::App* cmd, ModelsOptions& o) {
  cmd->add_option("--format", o.format, "Output format: table or json")
      ->capture_default_str()
      ->check(one_of({"table", "json"}));
}

}  // namespace

Runner setup_models(CLI::App& app) {
  auto o = std::make_shared<ModelsOptions>();
  CLI::App* cmd = app.add_subcommand("models", "List the model matrix or test each model with one request");
  cmd->require_subcommand(1);

  o->list = cmd->add_subcommand(
      "list", "List configured models and role defaults: provider, endpoint host, key variable "
              "(and whether it is set, never its value), price. No network.");
  add_common_options(*o->list, o->common);
  add_format(o->list, *o);

  o->test = cmd->add_subcommand(
      "test", "Send one minimal request per model, all at once, and report what works "
              "(exit 0: all ok, 1: some failed, 2: bad input)");
  add_common_options(*o->test, o->common);
  add_format(o->test, *o);
  o->test->add_option("--models", o->models,
                      "Comma list of model ids to test; default: the role defaults, deduplicated, or "
                      "every model of the config when it sets no role defaults");
  o->test->add_option("--role", o->role,
                      "generation, judge, production_judge or embedding: the role whose endpoint "
                      "unconfigured ids use (and whose defaults are tested without --models); "
                      "default: every role")
      ->check(one_of({"generation", "judge", "production_judge", "embedding"}));
  o->test->add_option("--timeout", o->timeout_s, "Seconds to wait for each model's answer")
      ->capture_default_str()
      ->check(positive_seconds());

  return [o]() -> int { return o->list->parsed() ? run_list(*o) : run_test(*o); };
}

}  // namespace llmbench::app
