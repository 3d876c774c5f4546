#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "llmbench/error.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/responder.hpp"
#include "llmbench/tasks/prompt_template.hpp"
#include "llmbench/tasks/verdict.hpp"
#include "support/cli.hpp"

using namespace llmbench::tasks;
namespace fs = std::filesystem;

namespace {

const std::string kShipped = std::string(LLMBENCH_SOURCE_DIR) + "/configs/prompts";

// Restores the working directory when a test is done with it.
class CwdGuard {
 public:
  explicit CwdGuard(const fs::path& to) : old_(fs::current_path()) { fs::current_path(to); }
  ~CwdGuard() { fs::current_path(old_); }
  CwdGuard(const CwdGuard&) = delete;
  CwdGuard& operator=(const CwdGuard&) = delete;

 private:
  fs::path old_;
};

}  // namespace

TEST_CASE("prompt_template: placeholders are filled, with or without spaces inside the braces", "[prompt_template]") {
  const auto t = PromptTemplate::parse("Q: {{question}}\nC: {{ context }}\nA: {{answer}} / {{reference}}", "t.txt");
  const std::string out = t.fill({"why?", "ctx", "because", "ref"});
  CHECK(out == "Q: why?\nC: ctx\nA: because / ref");
}

TEST_CASE("prompt_template: a value holding a placeholder is inserted as is, not expanded again", "[prompt_template]") {
  const auto t = PromptTemplate::parse("{{question}} | {{answer}}", "t.txt");
  CHECK(t.fill({"say {{answer}}", "", "secret", ""}) == "say {{answer}} | secret");
}

TEST_CASE("prompt_template: text without placeholders and single braces are kept verbatim", "[prompt_template]") {
  const std::string text = "Return {\"score\": <1-5>} — Ответ: {x}";
  CHECK(PromptTemplate::parse(text, "t.txt").fill({}) == text);
}

TEST_CASE("prompt_template: an unknown placeholder is rejected with its file and line", "[prompt_template]") {
  try {
    PromptTemplate::parse("line one\nline two {{questoin}}\n", "configs/prompts/en/x.txt");
    FAIL("no error");
  } catch (const llmbench::InputError& e) {
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::Contains("configs/prompts/en/x.txt:2") && Catch::Contains("{{questoin}}"));
  }
  CHECK_THROWS_WITH(PromptTemplate::parse("{{question", "t.txt"), Catch::Contains("not closed"));
}

TEST_CASE("prompt_template: a template missing a placeholder the prompt needs is rejected", "[prompt_template]") {
  CHECK_THROWS_WITH(PromptTemplate::parse("Judge: {{question}}", "judge.txt", {Placeholder::question, Placeholder::answer}),
                    Catch::Contains("judge.txt") && Catch::Contains("{{answer}}"));
  CHECK_NOTHROW(PromptTemplate::parse("{{question}} {{answer}}", "judge.txt", {Placeholder::answer}));
}

TEST_CASE("prompt_template: a missing template file names the path and the --prompts-dir flag", "[prompt_template]") {
  const std::string dir = llmbench::test::temp_dir("prompts");
  CHECK_THROWS_WITH(load_prompt_template(dir, "en", "judge_e2e_direct"),
                    Catch::Contains(dir + "/en/judge_e2e_direct.txt") && Catch::Contains("--prompts-dir"));
}

TEST_CASE("prompt_template: the default prompts dir is found in the source tree from another directory",
          "[prompt_template]") {
  CwdGuard cwd(llmbench::test::temp_dir("cwd"));
  const std::string dir = resolve_prompts_dir("configs/prompts");
  CHECK(fs::equivalent(dir, kShipped));
  CHECK_NOTHROW(load_prompt_template(dir, "ru", "rag_user"));
  // A directory the user named is used as given, even when missing (loading then says so).
  CHECK(resolve_prompts_dir("my/prompts") == "my/prompts");
}

TEST_CASE("prompt_template: every shipped judge prompt, en and ru, gets a score the verdict parser reads",
          "[prompt_template]") {
  llmbench::sim::AnswerBook book;
  const llmbench::sim::SimModel model{"sim-medium", 0.65};
  const std::vector<Placeholder> all = {Placeholder::question, Placeholder::answer};
  for (const char* lang : {"en", "ru"}) {
    for (const char* base : {"judge_faithfulness", "judge_relevance", "judge_correctness", "judge_e2e"}) {
      for (const char* mode : {"direct", "reasoned"}) {
        const std::string name = std::string(base) + "_" + mode;
        const PromptTemplate t = load_prompt_template(kShipped, lang, name, all);
        const std::string prompt = t.fill({"What is the capital of France?", "Paris is the capital of France.",
                                           "Paris", "Paris"});
        const auto reply = llmbench::sim::compose_reply(book, model, 1, prompt);
        INFO(lang << "/" << name << ": " << reply.content);
        const ScoreVerdict v = parse_judge_score(reply.content);
        CHECK(v.ok());
        CHECK(!v.rationale.empty());
      }
    }
    const PromptTemplate production =
        load_prompt_template(kShipped, lang, "production_judge", {Placeholder::question, Placeholder::context, Placeholder::answer});
    const auto reply = llmbench::sim::compose_reply(book, model, 1, production.fill({"Q?", "C.", "A.", ""}));
    INFO(lang << "/production_judge: " << reply.content);
    CHECK(parse_show_verdict(reply.content).ok());
    // The answer prompts must not look like a judge prompt to the simulator.
    const PromptTemplate user = load_prompt_template(kShipped, lang, "rag_user", {Placeholder::question, Placeholder::context});
    const auto answer = llmbench::sim::compose_reply(
        book, model, 1, load_prompt_template(kShipped, lang, "rag_system").fill({}) + "\n" +
                            user.fill({"Which city?", "Paris is the capital of France.", "", ""}));
    CHECK_FALSE(parse_judge_score(answer.content).ok());
  }
}
