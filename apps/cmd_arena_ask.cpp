// llmbench arena ask: a person's own questions, each answered by two anonymous models whose
// streamed answers are shown as A and B, side by side from 60 columns; the person votes, then
// learns who was who (arena/ask.hpp). Plain lines on stdout, wrapped to the terminal's width: no
// full-screen drawing or cursor movement, so it works over SSH, in tmux and with piped input.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/ask.hpp"
#include "llmbench/arena/side_by_side.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::app {

std::size_t terminal_columns() {
  std::size_t width = 0;
  winsize ws{};
  if (::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    width = ws.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS")) {
    width = static_cast<std::size_t>(std::max(0, std::atoi(columns)));
  }
  return std::clamp<std::size_t>(width == 0 ? 80 : width, 40, 100);
}

std::string terminal_rule(const std::string& label, std::size_t width) {
  std::string out = label.empty() ? "" : "── " + label + " ";
  for (std::size_t i = arena::display_width(out); i < width; ++i) out += "─";
  return out;
}

namespace {

struct AskFlags {
  arena::AskOptions options;
  std::string models;
  std::vector<std::string> questions;
};

// Prints lines and flushes, so streamed text shows as it comes.
void print_lines(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// Text of ours (it may hold model ids or error text: made safe and wrapped by wrap_text).
void say(const std::string& text, std::size_t width) { print_lines(arena::wrap_text(text, width)); }

// The two answers of one question on screen. At kMinSideBySideWidth columns and more they are
// side by side (arena/side_by_side.hpp: a row prints once both its cells are final). Narrower,
// one after the other: A streams as it arrives while B's text is kept; when A ends, B's text so
// far is shown and B streams on.
class TwoAnswers {
 public:
  explicit TwoAnswers(std::size_t width) : width_(width), wraps_{arena::LiveWrap(width), arena::LiveWrap(width)} {
    if (width >= arena::kMinSideBySideWidth) {
      columns_.emplace(width);
      print_lines(columns_->header());
    } else {
      print_lines({terminal_rule("A", width_)});
    }
  }

  void content(int side, std::string_view so_far) {
    std::string& text = text_[side];
    if (so_far.size() < text.size()) text.clear();
    text.append(so_far.substr(text.size()));
    if (columns_) rows(columns_->feed(side, text));
    else if (side == live_) print_lines(wraps_[side].feed(text));
  }

  void done(int side, const arena::AskAnswer& answer) {
    done_[side] = true;
    answers_[side] = answer;
    if (columns_) {
      rows(columns_->finish(side, shown(side), ending(side)));
      return;
    }
    if (side != live_) return;
    finish(side);
    if (side == 1) return;
    live_ = 1;
    print_lines({terminal_rule("B", width_)});
    if (!text_[1].empty()) print_lines(wraps_[1].feed(text_[1]));
    if (done_[1]) finish(1);
  }

 private:
  // Side by side, a row waits for both of its cells: on a terminal, one status line says what
  // has arrived meanwhile ("\r" rewrites it; it is blanked before a row prints, so scrollback
  // and pipes hold only rows).
  void rows(const std::vector<std::string>& lines) {
    if (!tty_) return print_lines(lines);
    if (!lines.empty() && status_shown_) {
      std::printf("\r%s\r", std::string(width_ - 1, ' ').c_str());
      status_shown_ = false;
    }
    print_lines(lines);
    if (columns_->done()) return;
    const auto side_status = [this](int side) {
      std::size_t chars = 0;  // code points
      for (const char c : text_[side]) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
      return fmt::format("{} {} chars{}", side == 0 ? 'A' : 'B', chars, done_[side] ? ", done" : "");
    };
    std::printf("\r[receiving: %s; %s]", side_status(0).c_str(), side_status(1).c_str());
    std::fflush(stdout);
    status_shown_ = true;
  }

  // A streamed answer is shown as it came; one that came whole (not streamed) shows when it ends.
  std::string_view shown(int side) const { return text_[side].empty() ? answers_[side].text : text_[side]; }

  // What is said under an answer that failed or was empty ("" otherwise).
  std::string ending(int side) const {
    const arena::AskAnswer& a = answers_[side];
    if (!a.ok) {
      return fmt::format("[answer {} failed: {}{}]", side == 0 ? 'A' : 'B', a.error_kind, a.error.empty() ? "" : ": " + a.error);
    }
    return shown(side).empty() ? "(an empty answer)" : "";
  }

  void finish(int side) {
    print_lines(wraps_[side].finish(shown(side)));
    if (const std::string note = ending(side); !note.empty()) say(note, width_);
    if (side == 1) print_lines({terminal_rule("", width_)});
  }

  std::size_t width_;
  std::optional<arena::SideBySide> columns_;  // set: side by side
  arena::LiveWrap wraps_[2];                  // one after the other
  std::string text_[2];
  arena::AskAnswer answers_[2];
  bool done_[2] = {false, false};
  int live_ = 0;
  const bool tty_ = ::isatty(STDOUT_FILENO) == 1;
  bool status_shown_ = false;
};

// The next line of stdin, or nullopt at end of input.
std::optional<std::string> read_line() {
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

enum class Choice { vote, skip, quit };

// Asks for a vote until a known key; end of input is quit.
Choice read_vote(arena::Vote& vote, std::size_t width) {
  while (true) {
    std::printf("Which is better? a = A, b = B, t = tie, x = both bad, s = skip, q = quit: ");
    std::fflush(stdout);
    const std::optional<std::string> line = read_line();
    if (::isatty(STDIN_FILENO) != 1) std::printf("\n");
    if (!line) return Choice::quit;
    const auto at = line->find_first_not_of(" \t");
    const char k = at == std::string::npos ? 0 : static_cast<char>(std::tolower(static_cast<unsigned char>((*line)[at])));
    if (k == 'a') vote = arena::Vote::a;
    else if (k == 'b') vote = arena::Vote::b;
    else if (k == 't') vote = arena::Vote::tie;
    else if (k == 'x') vote = arena::Vote::both_bad;
    else if (k == 's') return Choice::skip;
    else if (k == 'q') return Choice::quit;
    else {
      say("Please answer a, b, t, x, s or q.", width);
      continue;
    }
    return Choice::vote;
  }
}

std::string chose_text(arena::Vote vote, const arena::AskBattle& b) {
  switch (vote) {
    case arena::Vote::a: return "A (" + b.model_a + ")";
    case arena::Vote::b: return "B (" + b.model_b + ")";
    case arena::Vote::tie: return "a tie";
    case arena::Vote::both_bad: return "both bad";
  }
  return "";
}

// The next question: from --question (all of them, then done), else a line of stdin.
std::optional<std::string> next_question(const AskFlags& flags, std::size_t& used, std::size_t width) {
  if (!flags.questions.empty()) {
    if (used >= flags.questions.size()) return std::nullopt;
    const std::string& q = flags.questions[used++];
    say("Question: " + q, width);
    return q;
  }
  while (true) {
    const bool tty = ::isatty(STDIN_FILENO) == 1;
    if (tty) std::printf("Question (q to quit): ");
    std::fflush(stdout);
    std::optional<std::string> line = read_line();
    if (!line || *line == "q" || *line == "quit") return std::nullopt;
    if (line->find_first_not_of(" \t") == std::string::npos) continue;
    if (!tty) say("Question: " + *line, width);
    return line;
  }
}

int run_arena_ask(AskFlags& flags) {
  arena::AskOptions& o = flags.options;
  o.models = config::split_flag_list(flags.models, "--models");
  o.progress = run::Progress::none;
  o.no_cache = true;  // a person asks for fresh answers, streamed
  const std::size_t width = terminal_columns();
  arena::AskSession session(o);
  std::fprintf(session.human(), "%s", session.plan().c_str());
  std::fflush(session.human());
  say(fmt::format("Arena ask, run {} ({} earlier battles): each question goes to two of {} models, shown as A and B; "
                  "who they are is revealed after your vote.",
                  session.run_id(), session.battles_before(), session.models().size()),
      width);
  std::size_t used = 0, votes = 0;
  nlohmann::json human;
  while (const std::optional<std::string> question = next_question(flags, used, width)) {
    TwoAnswers screen(width);
    const arena::AskBattle battle =
        session.ask(*question, [&](int side, std::string_view text) { screen.content(side, text); },
                    [&](int side, const arena::AskAnswer& answer) { screen.done(side, answer); });
    if (session.interrupted()) {
      say("Interrupted: this question is not recorded; the votes before it are saved.", width);
      return static_cast<int>(ExitCode::interrupted);
    }
    const std::string who = fmt::format("A was {}, B was {}", battle.model_a, battle.model_b);
    if (!battle.ok()) {
      say("No vote for this question: an answer failed, so nothing was recorded. (" + who + ".)", width);
      continue;
    }
    arena::Vote vote = arena::Vote::tie;
    const Choice choice = read_vote(vote, width);
    if (choice == Choice::vote) {
      human = session.record(battle, vote);
      ++votes;
      say(fmt::format("Vote recorded. {}; you chose {}.", who, chose_text(vote, battle)), width);
    } else {
      say("Not recorded. " + who + ".", width);
      if (choice == Choice::quit) break;
    }
  }
  const std::string dir = o.output_dir;
  say(fmt::format("{} vote(s) recorded in arena run {}.", votes, session.run_id()), width);
  if (human.contains("leaderboard")) {
    // One line a model (wrapped like the rest: the full table is wider than 80 columns).
    say(fmt::format("Leaderboard from all {} vote(s) of the run (rating, 95% interval, wins-losses-ties):",
                    human.value("votes", 0)),
        width);
    const auto number = [](const nlohmann::json& v) { return v.is_number() ? fmt::format("{:.0f}", v.get<double>()) : "-"; };
    for (const nlohmann::json& row : human["leaderboard"]) {
      const nlohmann::json ci = row.value("ci95", nlohmann::json::object());
      say(fmt::format("  {}. {}: {} [{}, {}], {}-{}-{}", row.value("rank", nlohmann::json()).dump(),
                      row.value("model", std::string()), number(row.value("rating", nlohmann::json())),
                      number(ci.value("low", nlohmann::json())), number(ci.value("high", nlohmann::json())),
                      row.value("wins", 0), row.value("losses", 0), row.value("ties", 0)),
          width);
    }
  }
  say(fmt::format("See them in the Arena tab: llmbench report --output-dir {}", dir), width);
  say(fmt::format("Rate them: llmbench arena rate --battles {}/{}", dir,
                  records::OutputLayout::battles_log(session.run_id())),
      width);
  return 0;
}

}  // namespace

Runner setup_arena_ask(CLI::App& arena) {
  auto flags = std::make_shared<AskFlags>();
  auto& o = flags->options;
  CLI::App* cmd = arena.add_subcommand(
      "ask", "Ask your own questions: two anonymous models answer (streamed, shown as A and B), you vote, then see "
             "who they were; the battles and votes join an arena run");
  add_session_source_flags(*cmd, o);
  cmd->add_option("--models", flags->models,
                  "Comma list of candidate models (at least two; each question goes to two of them); default: "
                  "models.yaml roles.generation");
  cmd->add_option("--question", flags->questions,
                  "A question to ask (repeatable); without it, questions are read from stdin, one a line");
  cmd->add_option("--voter", o.voter, "Your name, recorded with each vote (default: unnamed)");
  cmd->add_option("--seed", o.seed, "Seed that picks each question's two models and which is A")->capture_default_str();
  cmd->add_option("--output-dir", o.output_dir, "Directory holding benchmark_runs.json and runs/")->capture_default_str();
  cmd->add_option("--run-id", o.run_id,
                  "Arena ask run to add to (created when new); default: the newest `arena ask` run in the output "
                  "dir, or a new one");
  cmd->add_option("--timeout", o.timeout_s, "Seconds per answer (default: the config's timeout_s, else 120)")
      ->check(CLI::PositiveNumber)
      ->each([&o](const std::string&) { o.timeout_given = true; });
  cmd->add_option("--retries", o.retries, "Retries of a failed request")->capture_default_str()->check(CLI::Range(0, 20));
  return [flags] { return run_arena_ask(*flags); };
}

}  // namespace llmbench::app
