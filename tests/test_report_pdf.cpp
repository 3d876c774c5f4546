// llmbench report --format pdf: the HTML report printed by headless Chromium, read back with
// pdftotext (Debian's poppler-utils). CI installs both (scripts/install-deps.sh); there is no
// skip when they are missing.
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/cli.hpp"

using llmbench::test::run_cli;
using llmbench::test::temp_dir;
using llmbench::test::write_text_file;

namespace {

std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

// The pages of a pdftotext text, each trimmed of blank lines at its top.
std::vector<std::string> pages_of(const std::string& text) {
  std::vector<std::string> pages;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\f', start), text.size());
    std::string page = text.substr(start, end - start);
    page.erase(0, page.find_first_not_of(" \n"));
    pages.push_back(page);
    start = end + 1;
  }
  return pages;
}

}  // namespace

TEST_CASE("report --format pdf: every tab is printed in order, each from a new page, tables within the page",
          "[report_pdf]") {
  const std::string dir = temp_dir("report-pdf");
  const auto run = run_cli({"run", "--tier", "standard", "--tasks", "mmlu,gsm8k", "--limit", "3", "--generation-models",
                            "sim-small,sim-large", "--output-dir", dir, "--progress", "none", "--no-cache"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  std::string battles;
  for (int i = 0; i < 6; ++i) {
    battles += R"({"model_a": "model-with-a-rather-long-name-alpha", "model_b": "beta", "winner": ")" +
               std::string(i % 3 ? "a" : "b") + "\"}\n";
  }
  const auto rate = run_cli({"arena", "rate", "--battles", write_text_file(dir, "battles.jsonl", battles), "--bootstrap",
                             "20", "--output-dir", dir});
  REQUIRE(rate.exit_code == 0);

  const std::string pdf = dir + "/out.pdf";
  const auto r = run_cli({"report", "--output-dir", dir, "--format", "pdf", "-o", pdf});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(std::filesystem::file_size(pdf) > 1000);

  REQUIRE(std::filesystem::exists("/usr/bin/pdftotext"));  // poppler-utils: scripts/install-deps.sh
  const std::vector<std::string> pages = pages_of(command_output("pdftotext -layout '" + pdf + "' -"));
  INFO(pages.size() << " pages");
  // The first page holds the title and the Overview; each other tab starts a page with its
  // heading, in the order of the tabs.
  REQUIRE_FALSE(pages.empty());
  CHECK(pages[0].find("Overview") != std::string::npos);
  std::size_t at = 1;
  for (const std::string tab : {"LLM Comparison", "Judge Comparison", "Prod Judge Comparison",
                                "Standard benchmarks", "History", "Items", "Arena"}) {
    std::size_t found = at;
    while (found < pages.size() && pages[found].rfind(tab + "\n", 0) != 0 && pages[found].rfind(tab + " ", 0) != 0) ++found;
    INFO("tab " << tab);
    REQUIRE(found < pages.size());
    at = found + 1;
  }
  const std::string all = command_output("pdftotext '" + pdf + "' -");
  CHECK(all.find("model-with-a-rather-long-name-alpha") != std::string::npos);
  CHECK(all.find("Elo") != std::string::npos);  // the leaderboard's last columns are there

  // No word lies beyond its page's right edge.
  const std::string boxes = command_output("pdftotext -bbox '" + pdf + "' -");
  const std::regex page_re(R"re(<page width="([0-9.]+)")re");
  const std::regex word_re(R"re(<word xMin="([0-9.-]+)" yMin="[0-9.-]+" xMax="([0-9.-]+)")re");
  std::smatch m;
  REQUIRE(std::regex_search(boxes, m, page_re));
  const double width = std::stod(m[1]);
  std::size_t words = 0;
  for (auto it = std::sregex_iterator(boxes.begin(), boxes.end(), word_re); it != std::sregex_iterator(); ++it, ++words) {
    CHECK(std::stod((*it)[2]) <= width);
    CHECK(std::stod((*it)[1]) >= 0);
  }
  CHECK(words > 100);
}

TEST_CASE("report --format pdf: without Chromium the error says how to get it (exit 3), and nothing is written",
          "[report_pdf]") {
  const std::string dir = temp_dir("report-pdf-none");
  const auto rate = run_cli({"arena", "rate", "--battles",
                             write_text_file(dir, "b.jsonl", R"({"model_a": "x", "model_b": "y", "winner": "a"})" "\n"),
                             "--bootstrap", "0", "--output-dir", dir});
  REQUIRE(rate.exit_code == 0);
  const auto none = run_cli({"report", "--output-dir", dir, "--format", "pdf"}, "", {"PATH=/nonexistent"});
  CHECK(none.exit_code == 3);
  CHECK(none.err.find("apt-get install chromium") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/report.pdf"));
  const auto wrong = run_cli({"report", "--output-dir", dir, "--format", "pdf"}, "", {"LLMBENCH_CHROMIUM=" + dir + "/b.jsonl"});
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("LLMBENCH_CHROMIUM") != std::string::npos);
}
