// llmbench perf: serving performance of one model under load (closed or open loop), level by level.
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/perf/options.hpp"
#include "llmbench/perf/perf.hpp"

namespace llmbench::app {
namespace {

struct PerfFlags {
  perf::PerfOptions options;
  std::string concurrency, rate, arrival = "poisson", output_control = "max_tokens", tasks, slo, duration;
  std::optional<int> max_concurrency, input_tokens, output_tokens, max_tokens;
  std::optional<std::int64_t> requests;
  SessionFlags session;  // --timeout, -M, --output, --progress, --verbose
};

int run_perf(const PerfFlags& flags) {
  perf::PerfOptions options = flags.options;
  if (!flags.concurrency.empty()) options.concurrency_levels = perf::parse_concurrency_list(flags.concurrency, "--concurrency");
  if (!flags.rate.empty()) options.rates = perf::parse_rate_list(flags.rate, "--rate");
  options.arrival = flags.arrival == "gamma" ? perf::Arrival::gamma : perf::Arrival::poisson;
  options.output_control =
      flags.output_control == "ignore_eos" ? perf::OutputControl::ignore_eos : perf::OutputControl::max_tokens;
  options.max_concurrency = flags.max_concurrency;
  options.requests = flags.requests;
  if (!flags.duration.empty()) {
    const std::optional<double> ms = perf::parse_duration_ms(flags.duration);
    if (!ms) throw InputError("--duration", 0, "\"" + flags.duration + "\" is not a time above 0 (60s, 2m, 500ms)");
    options.duration_s = *ms / 1000;
  }
  options.input_tokens = flags.input_tokens;
  options.output_tokens = flags.output_tokens;
  options.max_tokens = flags.max_tokens;
  if (!flags.tasks.empty()) options.tasks = config::split_flag_list(flags.tasks, "--tasks");
  if (!flags.slo.empty()) options.slo = perf::parse_slo(flags.slo);
  flags.session.apply(options);
  if (flags.session.verbose) spdlog::set_level(spdlog::level::debug);
  return perf::run_perf(options);
}

void add_load_flags(CLI::App& cmd, PerfFlags& f) {
  auto& o = f.options;
  cmd.add_option("--model", o.model, "The model to load (its id in the config)")->required();
  cmd.add_option("--concurrency", f.concurrency, "Closed loop: requests kept in flight, one level each (1,8,64)");
  cmd.add_option("--rate", f.rate, "Open loop: scheduled requests/s, one level each (2,5,10)");
  cmd.add_option("--arrival", f.arrival, "Open-loop arrivals: poisson or gamma")
      ->capture_default_str()->check(one_of({"poisson", "gamma"}));
  cmd.add_option("--burstiness", o.burstiness, "Gamma arrivals' shape: below 1 burstier, 1 Poisson, above 1 even")
      ->capture_default_str()->check(CLI::Range(0.01, 100.0));
  cmd.add_option("--max-concurrency", f.max_concurrency,
                 "Open loop: at most this many in flight, the others queue (counted in queue_ms); default none")
      ->check(CLI::Range(1, 4096));
  cmd.add_option("--seed", o.seed, "Seed of the arrival schedule and the synthetic prompts")
      ->capture_default_str()->check(non_negative_integer());
  cmd.add_option("--requests", f.requests, "Measured requests per level (after --warmup)")->check(positive_integer());
  cmd.add_option("--duration", f.duration,
                 "Time per level (60s, 2m): closed loop sends until then; open loop schedules rate x time requests");
  cmd.add_option("--warmup", o.warmup, "Requests sent first at each level and left out of its figures")
      ->capture_default_str()->check(CLI::Range(0, 100000));
}

void add_prompt_flags(CLI::App& cmd, PerfFlags& f) {
  auto& o = f.options;
  cmd.add_option("--input-tokens", f.input_tokens, "Synthetic prompts of about this many tokens; default 128")
      ->check(CLI::Range(4, 1 << 20));
  cmd.add_option("--output-tokens", f.output_tokens, "Output tokens asked of every request (see --output-control)")
      ->check(CLI::Range(1, 1 << 20));
  cmd.add_option("--output-control", f.output_control,
                 "How --output-tokens is asked: max_tokens (any server; answers may be shorter) or ignore_eos "
                 "(also min_tokens and ignore_eos: exact lengths on vLLM, llama.cpp and the simulator)")
      ->capture_default_str()->check(one_of({"max_tokens", "ignore_eos"}));
  cmd.add_option("--dataset", o.dataset, "Prompts from a JSONL file with a \"prompt\" field per line");
  cmd.add_option("--tasks", f.tasks, "Prompts from the shipped tasks' questions (mmlu,gsm8k,...)");
  cmd.add_option("--max-tokens", f.max_tokens, "Cap on output tokens (with --dataset or --tasks)")
      ->check(CLI::Range(1, 1 << 20));
  cmd.add_option("--slo", f.slo, "Objectives for goodput: ttft=500ms,tpot=50ms,e2e=10s (any of them)");
  cmd.add_flag("--find-max-rate", o.find_max_rate,
               "Open loop: search the highest rate meeting --slo (double, then bisect)");
}

void add_output_flags(CLI::App& cmd, PerfFlags& f) {
  auto& o = f.options;
  f.session.timeout = cmd.add_option("--timeout", o.timeout_s, "Per-request timeout in seconds (over providers')")
                          ->capture_default_str()->check(positive_seconds());
  cmd.add_option("-M,--model-args", f.session.model_args,
                 "Request parameter(s) over the model's params: key=value, repeatable (-M temperature=0)")
      ->allow_extra_args(false);
  cmd.add_option("--output", f.session.output, "What stdout holds: text, or json (the perf record at the end)")
      ->capture_default_str()->check(one_of({"text", "json"}));
  cmd.add_option("--output-dir", o.output_dir, "Where benchmark_runs.json and runs/<run_id>/ are written")
      ->capture_default_str();
  cmd.add_option("--run-id", o.run_id, "Id for this run; default: timestamp and random suffix");
  cmd.add_flag("--report", o.render_report, "Also write <output-dir>/report.html after the run");
  cmd.add_option("--progress", f.session.progress, "auto (bar on a terminal), bar, plain, none")
      ->capture_default_str()->check(one_of({"auto", "bar", "plain", "none"}));
  cmd.add_flag("--dry-run", o.dry_run, "Print the plan and exit");
  cmd.add_flag("-v,--verbose", f.session.verbose, "Log each request to stderr (Authorization redacted)");
}

}  // namespace

Runner setup_perf(CLI::App& app) {
  auto flags = std::make_shared<PerfFlags>();
  CLI::App* cmd = app.add_subcommand("perf", "Measure serving performance (TTFT, ITL, throughput) under load");
  add_session_source_flags(*cmd, flags->options);
  add_load_flags(*cmd, *flags);
  add_prompt_flags(*cmd, *flags);
  add_output_flags(*cmd, *flags);
  return [flags] { return run_perf(*flags); };
}

}  // namespace llmbench::app
