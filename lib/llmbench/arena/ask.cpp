#include "llmbench/arena/ask.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "llmbench/arena/arena.hpp"
#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/vote_import.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/request_fields.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/util/hash.hpp"

namespace llmbench::arena {

using nlohmann::json;

namespace {

constexpr const char* kAskCommand = "arena ask";
// A paragraph (text without a line break) longer than this is broken at its last space, so
// laying out a streamed answer stays linear in its size.
constexpr std::size_t kMaxParagraph = 4096;

// The lines of the log at `path`, a torn last line (a crash mid-write) cut off first.
std::vector<json> read_log(const std::filesystem::path& path) {
  records::JournalContents contents = records::read_journal(path);
  if (contents.dropped_torn_tail) records::truncate_journal(path, contents.valid_bytes);
  return std::move(contents.records);
}

}  // namespace

bool is_ask_run(const json& run) {
  return run.value("kind", std::string()) == "arena" && run.contains("flags") && run["flags"].is_object() &&
         run["flags"].value("command", std::string()) == kAskCommand;
}

// ---- LiveWrap -----------------------------------------------------------------------------

void LiveWrap::take(std::size_t end, bool last, std::vector<std::string>& out) {
  std::vector<std::string> lines = wrap_text(std::string_view(text_).substr(start_, end - start_), width_);
  wrapped_ = end - start_;
  const std::size_t ready = last ? lines.size() : lines.size() - 1;
  for (std::size_t i = returned_; i < ready; ++i) out.push_back(std::move(lines[i]));
  returned_ = std::max(returned_, ready);
}

std::vector<std::string> LiveWrap::feed(std::string_view so_far) {
  std::vector<std::string> out;
  if (so_far.size() < text_.size()) {
    out = wrap_text("[the answer starts again: its request was retried]", width_);
    text_.clear();
    start_ = returned_ = wrapped_ = 0;
  }
  text_.append(so_far.substr(text_.size()));
  for (std::size_t nl; (nl = text_.find('\n', start_)) != std::string::npos;) {
    take(nl, true, out);
    start_ = nl + 1;
    returned_ = wrapped_ = 0;
  }
  const std::size_t size = text_.size() - start_;
  if (size > kMaxParagraph) {
    std::size_t cut = text_.rfind(' ');
    if (cut == std::string::npos || cut <= start_) {
      // No space: cut before the last code point (which may be incomplete), at its lead byte.
      cut = text_.size() - 1;
      while (cut > start_ + 1 && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80) --cut;
    }
    take(cut, true, out);
    start_ = cut < text_.size() && text_[cut] == ' ' ? cut + 1 : cut;
    returned_ = wrapped_ = 0;
  } else if (size >= wrapped_ + width_) {
    take(text_.size(), false, out);
  }
  return out;
}

std::vector<std::string> LiveWrap::finish(std::string_view text) {
  std::vector<std::string> out = feed(text);
  if (start_ < text_.size()) take(text_.size(), true, out);
  start_ = text_.size();
  returned_ = wrapped_ = 0;
  return out;
}

std::pair<std::string, std::string> pick_pair(const std::vector<std::string>& models, std::uint64_t seed, std::size_t n) {
  util::Hasher h(seed);
  h.add(std::uint64_t{n});
  const std::size_t i = h.value() % models.size();
  std::size_t j = h.add(std::uint64_t{1}).value() % (models.size() - 1);
  if (j >= i) ++j;
  return {models[i], models[j]};
}

records::BattleRecord ask_battle_record(const AskBattle& battle, Vote vote, const std::string& voter) {
  records::BattleRecord r;
  r.pair = {std::min(battle.model_a, battle.model_b), std::max(battle.model_a, battle.model_b)};
  r.swapped = battle.model_a != r.pair[0];
  r.battle_id = fmt::format("{}|{}|{}|ask|{}", battle.prompt_id, r.pair[0], r.pair[1], r.swapped ? "ba" : "ab");
  r.item_id = battle.prompt_id;
  r.prompt_id = battle.prompt_id;
  r.prompt = battle.question;
  r.model_a = battle.model_a;
  r.model_b = battle.model_b;
  r.answer_a = battle.a.text;
  r.answer_b = battle.b.text;
  const std::string winner = vote == Vote::a ? "a" : vote == Vote::b ? "b" : "tie";
  r.raw_winner = winner;
  r.winner = winner;
  r.status = "voted";
  if (!voter.empty()) r.extra[records::field::kVoter] = voter;
  return r;
}

// ---- AskSession ---------------------------------------------------------------------------

struct AskSession::Impl {
  explicit Impl(AskOptions& o) : options(o), session(o, "arena ask") {}

  AskOptions& options;
  std::vector<config::ResolvedModel> resolved;  // before the session: it keeps pointers to them
  run::RunSession session;
  std::vector<std::string> models;
  std::string plan;
  std::string run_id, battles_log;
  json record;
  std::vector<records::BattleRecord> battles;
  std::vector<json> vote_lines;
  std::size_t before = 0;
  std::size_t asked = 0;
  bool interrupted = false;
  records::JournalWriter* battle_writer = nullptr;
  std::unique_ptr<records::JournalWriter> vote_writer;
  http::Executor* executor = nullptr;

  void choose_models();
  void open_run();
};

void AskSession::Impl::choose_models() {
  const config::Registry& registry = session.load_registry();
  for (const std::string& id : options.models.empty() ? registry.default_models(config::Role::generation) : options.models) {
    if (std::find(models.begin(), models.end(), id) == models.end()) models.push_back(id);
  }
  if (models.size() < 2) {
    throw Error(fmt::format("arena ask: needs at least two models to compare (got {}); pass --models a,b or set "
                            "roles.generation in {}",
                            models.size(), options.config.empty() ? std::string(config::kLocalConfig) : options.config));
  }
  resolved.reserve(models.size());
  std::vector<config::ResolvedModel*> pointers;
  for (const std::string& id : models) {
    resolved.push_back(registry.resolve(config::Role::generation, id));
    config::check_model_kind(resolved.back(), "--models");
  }
  for (auto& m : resolved) pointers.push_back(&m);
  plan = session.prepare_models(pointers);
}

void AskSession::Impl::open_run() {
  const records::OutputLayout& layout = session.layout();
  const json runs = report::read_runs(layout.report_file());
  std::optional<json> found;
  for (auto it = runs.rbegin(); it != runs.rend() && !found; ++it) {
    const std::string id = it->value("id", std::string());
    if (!options.run_id.empty() && id == options.run_id) {
      if (!is_ask_run(*it)) {
        throw Error(fmt::format("--run-id {}: a run of another kind has this id in {}; choose another --run-id",
                                options.run_id, layout.report_file().string()));
      }
      found = *it;
    } else if (options.run_id.empty() && is_ask_run(*it)) {
      found = *it;
    }
  }
  run_id = found ? found->value("id", std::string()) : options.run_id.empty() ? run::new_run_id() : options.run_id;
  run::validate_run_id(run_id);
  battles_log = records::OutputLayout::battles_log(run_id);
  session.start(run_id, found.has_value(), "choose another --run-id", {});
  if (found) {
    record = std::move(*found);
    battles = records::battle_records(read_log(layout.resolve(battles_log)));
    vote_lines = read_log(layout.resolve(records::OutputLayout::votes_log(run_id)));
    for (const auto& b : battles) {
      for (const std::string& m : {b.model_a, b.model_b}) {
        if (!m.empty() && std::find(models.begin(), models.end(), m) == models.end()) models.push_back(m);
      }
    }
  } else {
    json flags = {{"command", kAskCommand}, {"models", models}, {"seed", options.seed}, {"config", options.config}};
    record = new_arena_record(run_id, std::move(flags), "", battles_log);
    session.save(record);
  }
  before = battles.size();
  battle_writer = &session.open_journal(battles_log);
  vote_writer = std::make_unique<records::JournalWriter>(layout.resolve(records::OutputLayout::votes_log(run_id)));
  executor = &session.executor(options.seed);
}

AskSession::AskSession(AskOptions& options) : impl_(std::make_unique<Impl>(options)) {
  impl_->choose_models();
  impl_->open_run();
}

AskSession::~AskSession() = default;

const std::string& AskSession::run_id() const { return impl_->run_id; }
const std::vector<std::string>& AskSession::models() const { return impl_->models; }
std::size_t AskSession::battles_before() const { return impl_->before; }
const std::string& AskSession::plan() const { return impl_->plan; }
std::FILE* AskSession::human() const { return impl_->session.human(); }
bool AskSession::interrupted() const { return impl_->interrupted; }

AskBattle AskSession::ask(const std::string& question, const std::function<void(int, std::string_view)>& on_content,
                          const std::function<void(int, const AskAnswer&)>& on_done) {
  Impl& s = *impl_;
  const std::size_t n = s.before + s.asked++;
  // Candidates are the models of this session (the first resolved.size() of models).
  std::vector<std::string> candidates;
  for (const auto& m : s.resolved) candidates.push_back(m.id);
  const auto [first, second] = pick_pair(candidates, s.options.seed, n);
  AskBattle battle;
  battle.question = question;
  battle.model_a = first;
  battle.model_b = second;
  const std::string stamp = run::utc_timestamp_iso8601();
  battle.prompt_id = fmt::format("ask-{:010x}", util::Hasher(s.options.seed).add(stamp).add(question).add(s.options.voter)
                                                     .add(std::uint64_t{n}).value() & 0xffffffffffULL);
  auto submit = [&] {
    for (int side = 0; side < 2; ++side) {
      const std::string& id = side == 0 ? battle.model_a : battle.model_b;
      const auto model = std::find_if(s.resolved.begin(), s.resolved.end(), [&](const auto& m) { return m.id == id; });
      http::ApiRequest request = run::chat_request(*model, {{"user", question}});
      request.stream = http::Stream::yes;
      request.on_content = [&on_content, side](std::string_view so_far) { on_content(side, so_far); };
      s.executor->submit(std::move(request), [&battle, &on_done, side](http::RequestRecord&& r) {
        AskAnswer& answer = side == 0 ? battle.a : battle.b;
        answer.ok = r.ok() || (r.outcome == http::Outcome::truncated && !r.content.empty());
        answer.text = std::move(r.content);
        if (!answer.ok) {
          answer.error_kind = std::string(http::to_string(r.outcome));
          answer.error = r.error;
        }
        on_done(side, answer);
      });
    }
  };
  s.interrupted = s.session.execute(submit) || s.interrupted;
  return battle;
}

json AskSession::record(const AskBattle& battle, Vote vote) {
  Impl& s = *impl_;
  if (!battle.ok()) throw Error("arena ask: a question without both answers cannot be voted on");
  records::BattleRecord line = ask_battle_record(battle, vote, s.options.voter);
  s.battle_writer->append(json(line));
  s.battles.push_back(std::move(line));
  VoteBattle unit;
  unit.key = unit_key(battle.prompt_id, battle.model_a, battle.model_b);
  unit.prompt_id = battle.prompt_id;
  unit.model_a = battle.model_a;
  unit.model_b = battle.model_b;
  records::VoteRecord v = vote_record(unit, vote, s.options.seed, run::utc_timestamp_iso8601());
  v.voter = s.options.voter;
  s.vote_lines.push_back(json(v));
  s.vote_writer->append(s.vote_lines.back());

  ArenaAnalysisOptions analysis;
  analysis.models = s.models;
  analysis.bootstrap_rounds = s.options.bootstrap_rounds;
  json arena = analyze_arena(s.battles, analysis);
  arena["source"] = "ask";
  arena["battles_log"] = s.battles_log;
  s.record["arena"] = std::move(arena);
  s.record["status"] = "completed";
  s.record["finished_at"] = run::utc_timestamp_iso8601();
  s.session.save(s.record);
  json human = record_human_votes(s.session.layout().dir(), s.record, s.battles, latest_votes(s.vote_lines), {});
  s.record["arena"]["human"] = human;
  return human;
}

}  // namespace llmbench::arena
