#include "llmbench/run/session.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "llmbench/config/suggest.hpp"
#include "llmbench/error.hpp"
#include "llmbench/report/compare_embed.hpp"
#include "llmbench/report/html.hpp"
#include "llmbench/report/perf_distributions.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/git_info.hpp"
#include "llmbench/run/model_args.hpp"
#include "llmbench/run/request_timeout.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/sim/dataset_book.hpp"
#include "llmbench/util/atomic_file.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::run {

using nlohmann::json;

RunSession::RunSession(SessionOptions& options, std::string kind)
    : options_(options),
      kind_(std::move(kind)),
      human_(options.output == OutputFormat::json ? stderr : stdout),
      colour_(util::colour_enabled(human_)),
      layout_(options.output_dir) {}

RunSession::~RunSession() = default;

config::Registry& RunSession::load_registry() {
  registry_.emplace(config::load_registry(options_.config, options_.env_file,
                                          options_.env_file == config::kDefaultEnvFile
                                              ? config::FileRequirement::if_present
                                              : config::FileRequirement::required));
  options_.config = registry_->config_choice().path.string();
  return *registry_;
}

config::Registry& RunSession::registry() {
  if (!registry_) throw Error("internal: the session's registry is used before it is loaded", ExitCode::internal);
  return *registry_;
}

std::string RunSession::prepare_models(std::vector<config::ResolvedModel*> models) {
  models_ = std::move(models);
  std::string plan = "Plan:\n  " + config::describe(registry().config_choice()) + "\n  " +
                     apply_timeout_rule(models_, options_.timeout_s, options_.timeout_given) + "\n";
  apply_model_args(options_.model_args, models_);
  if (!options_.model_args.empty()) plan += "  request parameters from -M: " + options_.model_args.dump() + "\n";
  if (options_.stream) {
    for (config::ResolvedModel* model : models_) model->stream = true;
  }
  std::vector<std::string> streamed;  // in model order, each once (a model may hold several roles)
  for (const config::ResolvedModel* model : models_) {
    if (model->stream && std::find(streamed.begin(), streamed.end(), model->id) == streamed.end()) {
      streamed.push_back(model->id);
    }
  }
  if (!streamed.empty()) plan += "  streamed answers (TTFT, TPOT and ITL recorded): " + config::join(streamed) + "\n";
  if (options_.max_cost_usd >= 0) {
    check_cost_cap_models(models_);
    plan += fmt::format("  cost cap: ${:.4f} for this session (--max-cost); no request is sent past it\n",
                        options_.max_cost_usd);
  }
  return plan;
}

bool RunSession::dry_run(json plan_document) const {
  if (!options_.dry_run) return false;
  if (json_output()) {
    json document = {{"dry_run", true}};
    document.update(plan_document);
    std::printf("%s\n", document.dump(2).c_str());
    std::fflush(stdout);
  }
  return true;
}

json new_record(const std::string& run_id, const std::string& kind) {
  const GitInfo git = read_git_info();
  return {{"id", run_id},
          {"kind", kind},
          {"schema_version", report::kSchemaVersion},
          {"timestamp", utc_timestamp_iso8601()},
          {"status", "running"},
          {"llmbench_version", LLMBENCH_VERSION},
          {"git", {{"branch", git.branch}, {"commit", git.commit}}}};
}

std::shared_ptr<sim::AnswerBook> answer_book(const std::vector<data::ItemSet>& items) {
  auto book = std::make_shared<sim::AnswerBook>();
  std::set<const void*> seen;  // each set once
  for (const data::ItemSet& set : items) {
    const void* held = set.items != nullptr ? static_cast<const void*>(set.items) : set.packed;
    if (held != nullptr && seen.insert(held).second) sim::add_items(*book, set);
  }
  return book;
}

void RunSession::start(const std::string& run_id, bool resumed, const std::string& if_taken,
                       const std::vector<data::ItemSet>& items) {
  run_id_ = run_id;
  if (!resumed) create_run_dir(layout_.dir(), run_id, if_taken);
  const bool simulated = std::any_of(models_.begin(), models_.end(), [](const config::ResolvedModel* m) {
    return config::is_sim_url(m->endpoint.base_url);
  });
  // The book costs time and memory in proportion to the data: only a simulator needs it.
  if (simulated) sims_.start(models_, answer_book(items));
}

records::JournalWriter& RunSession::open_journal(const std::string& relative) {
  journal_ = std::make_unique<records::JournalWriter>(layout_.resolve(relative));
  return *journal_;
}

http::Executor& RunSession::executor(std::uint64_t seed) {
  if (executor_) return *executor_;
  // The response cache: repeated runs (and arena runs) pay for each distinct request once.
  cache_ = http::open_run_cache(options_.no_cache, options_.cache_dir, layout_.dir());
  http::ExecutorOptions eo;
  eo.concurrency = options_.concurrency;
  eo.retries = options_.retries;
  eo.timeout_s = options_.timeout_s;
  eo.max_response_bytes = static_cast<std::size_t>(options_.max_response_bytes);
  eo.max_retry_wait_s = options_.max_retry_wait_s;
  eo.seed = seed;
  eo.cache = cache_.get();
  if (options_.max_cost_usd >= 0) {
    cost_cap_ = std::make_unique<CostCap>(options_.max_cost_usd, models_);
    eo.spend_gate = cost_cap_.get();
  }
  executor_ = std::make_unique<http::Executor>(eo);
  for (const config::ResolvedModel* m : models_) executor_->set_provider_limits(m->endpoint.provider, m->limits);
  display_ = std::make_unique<ProgressDisplay>(options_.progress, kind_ + " " + run_id_);
  executor_->on_progress([this](const http::ExecutorStats& stats) {
    progress_.take(stats);
    display_->update(progress_);
  });
  return *executor_;
}

void RunSession::show_progress() {
  if (display_) display_->update(progress_);
}

void RunSession::restart_progress(const std::string& stage) {
  progress_.done = 0;
  progress_.total = 0;
  progress_.errors.clear();
  if (!display_) return;
  display_->restart_clock();
  display_->set_label(kind_ + " " + run_id_ + " " + stage);
}

bool RunSession::execute(const std::function<void()>& submit) {
  http::Executor& ex = *executor_;
  std::optional<InterruptGuard> own;
  if (!stage_guard_) own.emplace(ex);
  const InterruptGuard& guard = stage_guard_ ? *stage_guard_ : *own;
  if (!guard.interrupted()) {
    submit();
    ex.run();
  }
  display_->finish(progress_);
  return guard.interrupted() || (cost_cap_ && cost_cap_->stopped());
}

void RunSession::catch_interrupts_between_stages() {
  if (!stage_guard_) stage_guard_ = std::make_unique<InterruptGuard>(*executor_);
}

bool RunSession::interrupt_requested() const { return stage_guard_ && stage_guard_->interrupted(); }

void RunSession::save(const json& run) const { report::upsert_run(layout_.report_file(), run); }

json RunSession::request_counts() const {
  const http::ExecutorStats stats = executor_->stats();
  return {{"total", stats.completed}, {"by_outcome", stats.outcomes}, {"retries", stats.retries},
          {"cache_hits", stats.cache_hits}};
}

std::string RunSession::request_counts_line(std::size_t resumed_items) const {
  return format_request_counts(executor_->stats(), resumed_items);
}

void RunSession::write_html(bool suggest) const {
  if (options_.render_report) {
    const json all_runs = report::read_runs(layout_.report_file());
    util::write_file_atomically(layout_.html_file(),
                                report::render_html(all_runs, report::collect_items(all_runs, layout_.dir()),
                                                    report::collect_perf(all_runs, layout_.dir()),
                                                    report::collect_comparisons(all_runs, layout_.dir())));
    std::fprintf(human_, "HTML report: %s\n", layout_.html_file().c_str());
  } else if (suggest) {
    std::fprintf(human_, "See it in a browser: llmbench report --output-dir %s\n", layout_.dir().c_str());
  }
  std::fflush(human_);
}

void RunSession::print_record(const json& run) const {
  if (!json_output()) return;
  std::printf("%s\n", run.dump(2, ' ', false, json::error_handler_t::replace).c_str());
  std::fflush(stdout);
}

std::string RunSession::resume_command() const {
  return fmt::format("llmbench run --resume {} --output-dir {}", run_id_, layout_.dir().string());
}

}  // namespace llmbench::run
