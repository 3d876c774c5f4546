// llmbench: wires subcommands to the library; all work happens in lib/llmbench.
#include <clocale>
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/terminal.hpp"

int main(int argc, char** argv) {
  std::setlocale(LC_NUMERIC, "C");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  // stdout carries results (tables, CSV, reports); every log line goes to stderr.
  // Coloured levels only on a terminal and without NO_COLOR (util::colour_enabled).
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      llmbench::util::colour_enabled(stderr) ? spdlog::color_mode::automatic : spdlog::color_mode::never);
  auto logger = std::make_shared<spdlog::logger>("llmbench", sink);
  // Log lines quote error bodies and dataset text: control characters are escaped.
  logger->set_formatter(llmbench::util::terminal_safe_formatter("llmbench: %^%l%$: %v"));
  spdlog::set_default_logger(logger);
  CLI::App app{"llmbench: benchmark LLMs behind OpenAI-compatible APIs", "llmbench"};
  app.set_version_flag("--version", "llmbench " LLMBENCH_VERSION);
  app.require_subcommand(1);
  const llmbench::app::Commands commands(app);
  int code = 0;
  try {
    app.parse(argc, argv);
    code = commands.run();
  } catch (const CLI::ParseError& e) {
    code = llmbench::app::report_parse_error(app, e);
  } catch (const llmbench::Error& e) {
    std::fprintf(stderr, "llmbench: error: %s\n",
                 llmbench::util::terminal_safe(e.what(), llmbench::util::Newlines::keep).c_str());
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmbench: internal error: %s\n", e.what());
    code = static_cast<int>(llmbench::ExitCode::internal);
  }
  curl_global_cleanup();
  return code;
}
