#pragma once
// A run session: what every workload (`run`'s sweep, `arena run`, and the commands built on
// them) does around its own requests, in one place and in one order:
//   1. load_registry(): the model matrix, by the one default-config rule (config_path.hpp);
//   2. prepare_models(): the timeout rule and -M over every model the workload resolved; the
//      plan's first lines;
//   3. dry_run(): with --dry-run the workload stops after its plan (and, with --output json,
//      the plan document on stdout);
//   4. start(): the run's folder (a new run: one mkdir, so an id is taken once) and the
//      embedded simulators, which learn the answers of the items the workload loaded (only
//      when some model is simulated);
//   5. open_journal(), executor(), progress(): the run's log, the executor with every model's
//      provider limits and the response cache, and the progress line wired to it;
//   6. execute(): submits and runs the requests under an interrupt guard (a workload that
//      executes in stages catches Ctrl-C between them too: catch_interrupts_between_stages());
//   7. save(), finish(): the run record in the report, the request counts, report.html when
//      asked, and the record itself on stdout with --output json.
// A workload is a recipe over these steps: what it loads, plans, submits and aggregates.

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/embedded_sim.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/cache.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/run/cost_cap.hpp"
#include "llmbench/run/interrupt.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/run/progress.hpp"

namespace llmbench::run {

class RunSession {
 public:
  // `options` is the workload's own (RunOptions, ArenaOptions): the session fills in
  // `config` (the file actually used). `kind` names the workload in progress lines ("run",
  // "arena"). Nothing is read or written until a step is called.
  RunSession(SessionOptions& options, std::string kind);
  ~RunSession();
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  // Where text for people goes: stdout, or stderr when stdout holds JSON (--output json).
  std::FILE* human() const { return human_; }
  bool colour() const { return colour_; }
  bool json_output() const { return options_.output == OutputFormat::json; }
  const records::OutputLayout& layout() const { return layout_; }

  // Step 1. Throws Error/InputError for a bad config or env file.
  config::Registry& load_registry();
  config::Registry& registry();

  // Step 2. Applies the timeout rule and -M to `models` (kept: the simulators, the executor's
  // provider limits use them; they must outlive the session). Returns the plan's opening:
  // "Plan:\n  <config>\n  <timeout>\n" and the -M line when given, and the --max-cost line.
  // With --max-cost, throws Error (exit 2) naming a model it cannot bound (check_cost_cap_models).
  std::string prepare_models(std::vector<config::ResolvedModel*> models);

  // Step 3. With --dry-run: prints `plan_document` (with "dry_run": true added) on stdout when
  // --output json, and returns true: the workload returns ExitCode::ok.
  bool dry_run(nlohmann::json plan_document) const;

  // Step 4. A new run (`resumed` false) gets runs/<run_id>/, created in one step; `if_taken`
  // advises when the id exists. Then the embedded simulators start for sim:// models, knowing
  // the answers of `items` (digests of their text: the items may go before the simulators
  // stop). Throws Error.
  void start(const std::string& run_id, bool resumed, const std::string& if_taken,
             const std::vector<data::ItemSet>& items);
  const std::string& run_id() const { return run_id_; }

  // Step 5. The log at `relative` (OutputLayout's names), opened for appending.
  records::JournalWriter& open_journal(const std::string& relative);
  // The executor (made on first use: concurrency, retries, timeout, response limits, `seed`
  // for retry jitter, the cache, every prepared model's provider limits, progress).
  http::Executor& executor(std::uint64_t seed);
  ProgressSnapshot& progress() { return progress_; }
  void show_progress();  // redraws the line if due
  // A new stage of a workload that runs in stages (perf levels): done, total and errors start at
  // zero, items/s counts from now, and the progress line names `stage` after the run's id.
  void restart_progress(const std::string& stage);

  // Step 6. Calls `submit` (which queues the workload's requests), then runs the executor until
  // every request has a record or Ctrl-C or the --max-cost cap stops it. Returns true when
  // interrupted (by either).
  bool execute(const std::function<void()>& submit);
  // For a workload that calls execute() more than once and saves between calls (perf's levels):
  // from now until the session ends, Ctrl-C and SIGTERM are caught between executes too, so a
  // stage being saved is saved whole. The next execute then returns true at once without calling
  // its `submit`; a second signal still exits at once (130). Call after executor().
  void catch_interrupts_between_stages();
  // True once Ctrl-C or SIGTERM came while catch_interrupts_between_stages() holds.
  bool interrupt_requested() const;
  // The --max-cost cap of this session's executor; null without --max-cost.
  const CostCap* cost_cap() const { return cost_cap_.get(); }

  // Step 7. Upserts `run` in the report (the run record exists from the start, so a crash
  // leaves a trace). Throws Error if the report cannot be written.
  void save(const nlohmann::json& run) const;
  // The record's "requests" object from the executor's counts.
  nlohmann::json request_counts() const;
  // The line of request counts for people ("Requests: ...").
  std::string request_counts_line(std::size_t resumed_items) const;
  // Writes report.html over every run in the report when --report asked (and says where);
  // else, with `suggest`, prints how to make it.
  void write_html(bool suggest) const;
  // With --output json, prints the run record as stored on stdout.
  void print_record(const nlohmann::json& run) const;
  // "llmbench run --resume <id> --output-dir <dir>".
  std::string resume_command() const;

 private:
  SessionOptions& options_;
  std::string kind_;
  std::FILE* human_;
  bool colour_;
  records::OutputLayout layout_;
  std::optional<config::Registry> registry_;
  std::vector<config::ResolvedModel*> models_;
  std::string run_id_;
  config::EmbeddedSims sims_;
  std::unique_ptr<records::JournalWriter> journal_;
  std::unique_ptr<http::ResponseCache> cache_;
  std::unique_ptr<CostCap> cost_cap_;
  std::unique_ptr<http::Executor> executor_;
  std::unique_ptr<InterruptGuard> stage_guard_;  // after executor_: goes first
  ProgressSnapshot progress_;
  std::unique_ptr<ProgressDisplay> display_;
};

// The opening fields of a new record of `kind` ("perf", ...) in the report, before any request:
// id, kind, schema_version, timestamp, status "running", llmbench_version, git.
nlohmann::json new_record(const std::string& run_id, const std::string& kind);

// The answer book of the embedded simulator: every item of `items` (a set listed twice counts
// once), keyed "<task>/<item id>".
std::shared_ptr<sim::AnswerBook> answer_book(const std::vector<data::ItemSet>& items);

}  // namespace llmbench::run
