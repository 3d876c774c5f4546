// llmbench arena: `arena run` (models answer, LLM judges compare pairs, Bradley-Terry
// leaderboard) and `arena vote` (blind human voting on the same pairs in the terminal);
// `arena rate` (imported battles) is in cmd_arena_rate.cpp, `arena import` (votes cast
// elsewhere) in cmd_arena_import.cpp.
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "llmbench/arena/arena.hpp"
#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/arena/ask.hpp"
#include "llmbench/arena/vote_import.hpp"
#include "llmbench/arena/voters.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/battle_record.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/shard.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::app {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct ArenaRunFlags {
  arena::ArenaOptions options;
  std::string generation_models, judge_models, tasks;
  bool strong = false;
  std::string shard;     // --shard I/N; "" = every prompt
  SessionFlags session;  // --timeout, -M, --output, --progress, --verbose
};

struct VoteOptions {
  std::string output_dir = "benchmarks/reports";
  std::string run_id;  // "" = the newest arena run not made by `arena ask`
  std::uint64_t seed = 0;
  bool reveal = false;
  std::string voter;  // "" = unnamed
  arena::VoterFilter filter;
};

int run_arena_run(const ArenaRunFlags& flags) {
  arena::ArenaOptions options = flags.options;
  options.generation_models = config::split_flag_list(flags.generation_models, "--generation-models");
  options.judge_models = config::split_flag_list(flags.judge_models, "--judge-models");
  options.tasks = config::split_flag_list(flags.tasks, "--tasks");
  options.strong = flags.strong ? arena::StrongVerdicts::yes : arena::StrongVerdicts::no;
  if (!flags.shard.empty()) options.shard = run::parse_shard(flags.shard);
  flags.session.apply(options);
  if (flags.session.verbose) spdlog::set_level(spdlog::level::debug);
  return arena::run_arena(options);
}

// ---- the terminal ---------------------------------------------------------------------

termios g_saved_termios{};
bool g_raw_active = false;

extern "C" void restore_terminal_and_exit(int) {
  if (g_raw_active) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  static const char kMessage[] = "\nllmbench: interrupted; the votes cast so far are saved\n";
  (void)!::write(2, kMessage, sizeof kMessage - 1);
  ::_exit(static_cast<int>(ExitCode::interrupted));
}

// Single keys from a terminal (raw mode, no echo; restored on exit and on Ctrl-C), or the
// first character of each line when stdin is a pipe or file.
class Keys {
 public:
  Keys() : tty_(::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1) {
    if (tty_ && ::tcgetattr(STDIN_FILENO, &g_saved_termios) == 0) {
      termios raw = g_saved_termios;
      raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
      raw.c_cc[VMIN] = 1;
      raw.c_cc[VTIME] = 0;
      g_raw_active = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    struct sigaction action {};
    action.sa_handler = restore_terminal_and_exit;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
  }
  ~Keys() {
    if (g_raw_active) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
    g_raw_active = false;
  }
  Keys(const Keys&) = delete;
  Keys& operator=(const Keys&) = delete;

  bool interactive() const { return g_raw_active; }

  // The next key, lowercased; '\n' for Enter (or an empty line); 0 at end of input.
  char next() {
    std::fflush(stdout);
    if (g_raw_active) {
      char c = 0;
      while (true) {
        const ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n == 1) break;
        if (n == 0) return 0;
        if (errno != EINTR) return 0;
      }
      if (c == '\r') c = '\n';
      if (c == 4) return 0;  // Ctrl-D
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::string line;
    char c = 0;
    bool any = false;
    while (::read(STDIN_FILENO, &c, 1) == 1) {
      any = true;
      if (c == '\n') break;
      line += c;
    }
    if (!any) return 0;
    for (char k : line) {
      if (!std::isspace(static_cast<unsigned char>(k))) return static_cast<char>(std::tolower(static_cast<unsigned char>(k)));
    }
    return '\n';
  }

 private:
  bool tty_;
};

struct Screen {
  std::size_t width = 80;
  std::size_t height = 24;
};

Screen screen_size() {
  Screen s;
  s.width = terminal_columns();
  winsize ws{};
  if (::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) s.height = ws.ws_row;
  s.height = std::max<std::size_t>(s.height, 10);
  return s;
}

std::string rule(const std::string& label, std::size_t width) { return terminal_rule(label, width); }

// Prints `lines`; on a terminal, a screenful at a time with a "more" prompt.
void show(const std::vector<std::string>& lines, const Screen& screen, Keys& keys) {
  const std::size_t page = screen.height - 2;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (keys.interactive() && i > 0 && i % page == 0) {
      std::printf("-- more (%zu%%): Enter or space for more, v to vote now --", i * 100 / lines.size());
      const char k = keys.next();
      std::printf("\r%*s\r", 70, "");
      if (k == 'v' || k == 'q' || k == 0) return;
    }
    std::printf("%s\n", lines[i].c_str());
  }
}

void add_block(std::vector<std::string>& lines, const std::string& title, const std::string& body, std::size_t width) {
  lines.push_back(rule(title, width));
  for (auto& l : arena::wrap_text(body, width)) lines.push_back(std::move(l));
}

json find_arena_run(const json& runs, const std::string& id, const fs::path& file) {
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    const bool arena = it->value("kind", std::string()) == "arena" && it->contains("arena");
    if (arena && (id.empty() ? !arena::is_ask_run(*it) : it->value("id", std::string()) == id)) return *it;
  }
  if (id.empty()) throw Error(fmt::format("{}: no finished arena run here; run `llmbench arena run` first", file.string()));
  throw Error(fmt::format("--run {}: no finished arena run with this id in {}", id, file.string()));
}

std::string pct(const json& v) {
  return v.is_number() ? fmt::format("{:.0f}%", v.get<double>() * 100) : std::string("-");
}

// After voting with --reveal: who was who in each pair voted, the leaderboard from the votes,
// and each judge's agreement with them.
void reveal(const std::vector<arena::VoteBattle>& queue, const std::map<std::string, records::VoteRecord>& votes, const json& human,
            const std::vector<std::string>& judges) {
  // `votes`: this voter's, by unit; `human`: every voter's.
  std::printf("\nWho was who:\n");
  std::size_t n = 0;
  for (const auto& battle : queue) {
    auto it = votes.find(battle.key);
    if (it == votes.end()) continue;
    const std::string& vote = it->second.vote;
    const std::string chose = vote == "a"   ? "A (" + battle.model_a + ")"
                              : vote == "b" ? "B (" + battle.model_b + ")"
                              : vote == "tie" ? "tie" : "both bad";
    std::printf("%3zu. prompt %s: A = %s, B = %s; you chose %s\n", ++n, util::terminal_safe(battle.prompt_id).c_str(),
                util::terminal_safe(battle.model_a).c_str(), util::terminal_safe(battle.model_b).c_str(),
                util::terminal_safe(chose).c_str());
  }
  const std::size_t all = human.value("votes", std::size_t{0});
  if (all == votes.size()) {
    std::printf("\nLeaderboard from your %zu vote(s) (Bradley-Terry, 95%% bootstrap interval):\n", votes.size());
  } else {
    std::printf("\nLeaderboard from all %zu votes, yours and others' (Bradley-Terry, 95%% bootstrap interval):\n", all);
  }
  std::printf("%s", arena::leaderboard_text(human["leaderboard"]).c_str());
  if (human.contains("voter_stats")) std::printf("\n%s", arena::voters_text(human["voter_stats"]).c_str());
  for (const auto& judge : judges) {
    std::printf("judge %s agrees with you on %s of the pairs you voted\n", util::terminal_safe(judge).c_str(),
                pct(human["judge_agreement"].value(judge, json(nullptr))).c_str());
  }
}

int run_vote(const VoteOptions& o) {
  const fs::path dir = o.output_dir;
  const fs::path file = dir / report::kReportFileName;
  const json arena_run = find_arena_run(report::read_runs(file), o.run_id, file);
  const std::string id = arena_run["id"].get<std::string>();
  const json& arena = arena_run["arena"];
  const std::string log = arena.value("battles_log", records::OutputLayout::battles_log(id));
  const std::vector<records::BattleRecord> battles = records::battle_records(records::read_journal(dir / log).records);
  const std::vector<arena::VoteBattle> queue = arena::vote_battles(battles, o.seed);
  if (queue.empty()) throw Error(fmt::format("{}: no battles with two answers to vote on", (dir / log).string()));
  const fs::path votes_path = records::OutputLayout(dir).resolve(records::OutputLayout::votes_log(id));
  records::JournalContents previous = records::read_journal(votes_path);
  if (previous.dropped_torn_tail) records::truncate_journal(votes_path, previous.valid_bytes);
  std::vector<json> log_lines = std::move(previous.records);
  std::map<std::string, records::VoteRecord> votes;  // this voter's, by unit
  for (records::VoteRecord& v : arena::latest_votes(log_lines)) {
    if (v.voter == o.voter) votes[v.key] = std::move(v);
  }
  records::JournalWriter writer(votes_path);

  const Screen screen = screen_size();
  std::size_t done = 0;
  for (const auto& b : queue) done += votes.count(b.key);
  const std::size_t at_start = done;
  std::printf("Blind vote on arena run %s: %zu pairs, %zu already voted.\n"
              "Keys: a = A is better, b = B is better, t = tie, x = both are bad, s = skip, q = quit.\n",
              util::terminal_safe(id).c_str(), queue.size(), done);
  {
    Keys keys;
    bool quit = false;
    for (const auto& battle : queue) {
      if (quit) break;
      if (votes.count(battle.key)) continue;
      std::vector<std::string> lines;
      lines.push_back("");
      // Ids and categories come from the prompts file: printed through terminal_safe, as the
      // prompt and the answers are (wrap_text).
      std::string title = fmt::format("{}/{} · prompt {}", done + 1, queue.size(), util::terminal_safe(battle.prompt_id));
      if (!battle.category.empty()) title += " · " + util::terminal_safe(battle.category);
      add_block(lines, title, battle.prompt, screen.width);
      add_block(lines, "A", battle.answer_a, screen.width);
      add_block(lines, "B", battle.answer_b, screen.width);
      lines.push_back(rule("", screen.width));
      show(lines, screen, keys);
      while (true) {
        std::printf("%zu/%zu  Which is better? [a/b/t/x, s skip, q quit]: ", done + 1, queue.size());
        const char k = keys.next();
        if (keys.interactive()) std::printf("%c\n", k == '\n' ? ' ' : k);
        else std::printf("\n");
        std::optional<arena::Vote> vote;
        if (k == 'a') vote = arena::Vote::a;
        else if (k == 'b') vote = arena::Vote::b;
        else if (k == 't') vote = arena::Vote::tie;
        else if (k == 'x') vote = arena::Vote::both_bad;
        else if (k == 's') break;
        else if (k == 'q' || k == 0) {
          quit = true;
          break;
        } else {
          std::printf("Please press a, b, t, x, s or q.\n");
          continue;
        }
        records::VoteRecord record = arena::vote_record(battle, *vote, o.seed, run::utc_timestamp_iso8601());
        record.voter = o.voter;
        log_lines.push_back(json(record));
        writer.append(log_lines.back());
        votes[battle.key] = std::move(record);
        ++done;
        break;
      }
    }
  }
  std::printf("\n%zu new vote(s); %zu of %zu pairs voted. Votes: %s\n", done - at_start, done, queue.size(),
              votes_path.c_str());
  if (done < queue.size()) {
    std::printf("Continue later with: llmbench arena vote --output-dir %s --run %s\n", dir.c_str(), util::terminal_safe(id).c_str());
  }

  // The arena record learns the human leaderboard (every voter's) and the judges' agreement with it.
  std::vector<std::string> judges = arena.value("judge_models", std::vector<std::string>());
  const json human = arena::record_human_votes(dir, arena_run, battles, arena::latest_votes(log_lines), o.filter);

  if (o.reveal) reveal(queue, votes, human, judges);
  std::fflush(stdout);
  return 0;
}

}  // namespace

Runner setup_arena(CLI::App& app) {
  auto flags = std::make_shared<ArenaRunFlags>();
  auto vote = std::make_shared<VoteOptions>();
  auto& o = flags->options;
  CLI::App* arena = app.add_subcommand("arena", "Pairwise battles judged by LLMs or by you, rated Bradley-Terry");
  arena->require_subcommand(1);

  CLI::App* run = arena->add_subcommand(
      "run", "Every model answers every prompt; judges compare pairs in both orders; leaderboard with 95% intervals");
  add_session_source_flags(*run, o);
  run->add_option("--generation-models", flags->generation_models,
                  "Comma list of competing models (at least two); default: models.yaml roles.generation");
  run->add_option("--judge-models", flags->judge_models,
                  "Comma list of judges; default: models.yaml roles.judge. A judge may also compete "
                  "(its self-preference is reported)");
  auto* dataset = run->add_option("--dataset", o.dataset,
                                  "JSONL of prompts: {\"prompt\": ..., \"id\": optional, \"category\": optional}");
  run->add_option("--tasks", flags->tasks,
                  "Or standard task questions as prompts: mmlu,gsm8k,arc_challenge,arc_easy,truthfulqa_mc1,"
                  "hellaswag,medqa")
      ->excludes(dataset);
  run->add_option("--limit", o.limit, "Prompts per dataset/task: a count (30) or a fraction (0.1); default all");
  run->add_option("--sample-seed", o.sample_seed, "Seed that picks the --limit subset")
      ->capture_default_str()->check(non_negative_integer());
  run->add_option("--baseline", o.baseline, "Compare each model only against this one (default: all pairs)");
  run->add_flag("--strong", flags->strong,
                "Let judges answer [[A>>B]]/[[B>>A]]; a strong win counts 3x in the ratings (default: off)");
  run->add_option("--bootstrap-rounds", o.bootstrap_rounds, "Bootstrap resamples for the 95% intervals")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  run->add_option("--bootstrap-seed", o.bootstrap_seed, "Seed of the bootstrap resampling")->capture_default_str();
  SessionFlagsHelp help;
  help.dry_run = "Print the plan (prompts, pairs, requests) and exit";
  help.progress = "auto (bar on a terminal), bar, plain, none";
  help.cache_dir = "Response cache directory (SQLite); default <output-dir>/cache, shared with llmbench run";
  help.after_run_id = [run, flags] {
    run->add_option("--shard", flags->shard,
                    "Battle only over shard I of N (I/N, 0 <= I < N): the prompts whose key (arena/<prompt id>) "
                    "hashes to I, every answer and verdict of a prompt in its shard; needs --run-id; merge the "
                    "shards' output dirs with `llmbench merge`");
  };
  add_session_flags(*run, o, flags->session, help);

  CLI::App* vote_cmd = arena->add_subcommand(
      "vote", "Vote blind in the terminal on an arena run's pairs (keys a, b, t tie, x both bad, s skip, q quit)");
  vote_cmd->add_option("--output-dir", vote->output_dir, "Directory holding benchmark_runs.json and runs/")
      ->capture_default_str();
  vote_cmd->add_option("--run", vote->run_id, "Arena run id (default: the newest arena run that is not an `arena ask` run)");
  vote_cmd->add_option("--seed", vote->seed, "Seed that decides which model is shown as A in each pair")
      ->capture_default_str();
  vote_cmd->add_flag("--reveal", vote->reveal,
                     "At the end, show which model was A and B and a leaderboard from the votes");
  vote_cmd->add_option("--voter", vote->voter,
                       "Your name, recorded with each vote; each voter votes on every pair once (default: unnamed)");
  add_voter_filter_flags(*vote_cmd, vote->filter);

  const Runner import = setup_arena_import(*arena);
  CLI::App* import_cmd = arena->get_subcommand("import");

  const Runner rate = setup_arena_rate(*arena);
  CLI::App* rate_cmd = arena->get_subcommand("rate");

  const Runner ask = setup_arena_ask(*arena);
  CLI::App* ask_cmd = arena->get_subcommand("ask");

  return [flags, vote, run, rate, rate_cmd, import, import_cmd, ask, ask_cmd] {
    if (rate_cmd->parsed()) return rate();
    if (import_cmd->parsed()) return import();
    if (ask_cmd->parsed()) return ask();
    return run->parsed() ? run_arena_run(*flags) : run_vote(*vote);
  };
}

}  // namespace llmbench::app
