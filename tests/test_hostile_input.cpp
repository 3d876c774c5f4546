// Hostile input: malformed configs, env files, datasets, reports and flags given to the real
// CLI each end with exit code 2 and a message naming the file (and line or field), with no
// report written; hostile model responses end as one record each, never a crash.

#include <catch2/catch.hpp>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "llmbench/http/executor.hpp"
#include "support/cli.hpp"

using llmbench::test::CliResult;
using llmbench::test::run_cli;
using llmbench::test::temp_dir;
namespace fs = std::filesystem;

namespace {

constexpr int kBadInput = 2;

std::string write_file(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kGoodConfig =
    "providers:\n"
    "  sim:\n"
    "    base_url: sim://\n"
    "models:\n"
    "  - id: sim-small\n"
    "    provider: sim\n"
    "roles:\n"
    "  generation: [sim-small]\n";

// `llmbench run` on the standard tier, writing into a fresh output dir.
struct RunCase {
  std::string name;
  std::string config;  // models.yaml text
  std::string env;     // env file text
  std::vector<std::string> expect;  // substrings of stderr (besides the path)
};

// Flags in `extra` replace the defaults (--tier standard --tasks gsm8k --limit 2).
CliResult run_with(const std::string& dir, const std::string& config_path, const std::string& env_path,
                   const std::string& out_dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run",          "--config", config_path,  "--env-file", env_path,
                                   "--output-dir", out_dir,    "--progress", "none",       "--cache-dir",
                                   dir + "/cache"};
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--tier", "standard"}, {"--tasks", "gsm8k"}, {"--limit", "2"}}) {
    if (std::find(extra.begin(), extra.end(), flag) == extra.end()) {
      args.push_back(flag);
      args.push_back(value);
    }
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args, dir);
}

// A mapping entry `params:` (indented by `indent`) whose value is `levels` nested lists of
// ten aliases each: 10^levels nodes once expanded, a few hundred bytes as text.
std::string alias_bomb(const std::string& indent, int levels) {
  std::string s = indent + "params:\n" + indent + "  l0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= levels; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    s += indent + "  l" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int j = 1; j < 10; ++j) s += ", " + prev;
    s += "]\n";
  }
  return s;
}

void check_no_report(const std::string& out_dir) {
  CHECK_FALSE(fs::exists(fs::path(out_dir) / "benchmark_runs.json"));
  CHECK_FALSE(fs::exists(fs::path(out_dir) / "report.html"));
}

// A sweep with `flags` exits 2 with each expected text in its error (never an internal error)
// and writes no report into its own output dir. Returns the result for further checks.
CliResult check_flags_rejected(const std::string& dir, const std::string& config, const std::string& env,
                               const std::vector<std::string>& flags, const std::vector<std::string>& expect) {
  const std::string out = temp_dir("llmbench-hostile-out");
  CliResult result = run_with(dir, config, env, out, flags);
  INFO(result.err);
  CHECK(result.exit_code == kBadInput);
  for (const auto& text : expect) CHECK(result.err.find(text) != std::string::npos);
  CHECK(result.err.find("internal error") == std::string::npos);
  check_no_report(out);
  return result;
}

// The same for the case's models.yaml and env file, with the default flags.
void check_rejected(const RunCase& c) {
  INFO(c.name);
  const std::string dir = temp_dir("llmbench-hostile");
  check_flags_rejected(dir, write_file(dir, "models.yaml", c.config), write_file(dir, "keys.env", c.env), {}, c.expect);
}

}  // namespace

TEST_CASE("hostile: malformed models.yaml files exit 2 naming the file and line, writing nothing", "[hostile]") {
  const std::vector<RunCase> cases = {
      {"bad YAML", "providers:\n  sim:\n    base_url: sim://\n    rpm: 1: 2\nmodels: []\n", "",
       {"models.yaml:4", "YAML"}},
      {"unknown provider",
       "providers:\n  sim:\n    base_url: sim://\nmodels:\n  - id: sim-small\n    provider: sim\n"
       "  - id: typo-model\n    provider: sim-typo\n",
       "", {"models.yaml:8", "sim-typo"}},
      {"missing base_url", "providers:\n  sim:\n    base_url: sim://\n  local:\n    max_concurrency: 2\n"
                           "models:\n  - id: m\n    provider: local\n",
       "", {"models.yaml:4", "base_url"}},
      {"wrong type for max_concurrency",
       "providers:\n  sim:\n    base_url: sim://\n    max_concurrency: lots\nmodels:\n  - id: m\n    provider: sim\n", "",
       {"models.yaml:4", "max_concurrency"}},
      {"URL without scheme",
       "providers:\n  remote:\n    base_url: api.example.com/v1\nmodels:\n  - id: m\n    provider: remote\n", "",
       {"models.yaml:3", "base_url", "http://"}},
      {"a key that is a mapping (a stray ?)",
       "providers:\n  sim:\n    base_url: sim://\n  ? max_concurrency: 16\nmodels:\n  - id: m\n    provider: sim\n",
       "", {"models.yaml:4", "plain name"}},
      {"a recursive alias (crashed: exit 139)",
       "providers:\n  sim:\n    base_url: sim://\nmodels:\n  - id: m\n    provider: sim\n"
       "    params: &p {temperature: 0, self: *p}\n",
       "", {"models.yaml:7", "recursive alias"}},
      {"an alias bomb (ran past 60 s and 1.4 GB)", "providers:\n  sim:\n    base_url: sim://\nmodels:\n  - id: m\n    provider: sim\n" + alias_bomb("    ", 8), "",
       {"models.yaml:", "expands to more than"}},
      {"a key given twice", "providers:\n  sim:\n    base_url: sim://\nmodels:\n  - id: m\n    provider: sim\n"
                            "    provider: other\n",
       "", {"models.yaml:7", "\"provider\" is given twice", "line 6"}},
  };
  for (const auto& c : cases) check_rejected(c);
}

TEST_CASE("hostile: alias bombs, recursive aliases and repeated keys in baselines and tasks files exit 2 naming the line",
          "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile");
  const std::string config = write_file(dir, "models.yaml", kGoodConfig);
  const std::string env = write_file(dir, "keys.env", "");
  write_file(dir, "d.jsonl", R"({"q": "a", "a": "x"})" "\n");
  const std::string tasks_head = "tasks:\n  - name: t\n    file: d.jsonl\n";
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
      {{"--baselines", write_file(dir, "b1.yaml", "baselines:\n  standard.accuracy: {min: 0.5}\n"
                                                  "  standard.accuracy: {max: 0.9}\n")},
       {"b1.yaml:3", "given twice", "line 2"}},
      {{"--baselines", write_file(dir, "b2.yaml", "baselines: &b\n  standard.accuracy: *b\n")},
       {"b2.yaml:2", "recursive alias"}},
      {{"--baselines", write_file(dir, "b3.yaml", "junk:\n" + alias_bomb("  ", 8) + "baselines: {}\n")},
       {"b3.yaml:", "expands to more than"}},
      {{"--tasks-file", write_file(dir, "t1.yaml", tasks_head + "    file: other.jsonl\n"), "--tasks", "t"},
       {"t1.yaml:4", "\"file\" is given twice", "line 3"}},
      {{"--tasks-file", write_file(dir, "t2.yaml", "tasks: &t\n  - name: t\n    more: *t\n"), "--tasks", "t"},
       {"t2.yaml:3", "recursive alias"}},
      {{"--tasks-file", write_file(dir, "t3.yaml", tasks_head + alias_bomb("    ", 8)), "--tasks", "t"},
       {"t3.yaml:", "expands to more than"}},
  };
  for (const auto& [flags, expect] : cases) {
    INFO(flags[1]);
    const auto start = std::chrono::steady_clock::now();
    check_flags_rejected(dir, config, env, flags, expect);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  }
}

TEST_CASE("hostile: malformed env files exit 2 naming the file and line, writing nothing", "[hostile]") {
  const std::vector<RunCase> cases = {
      {"unterminated quote", kGoodConfig, "FIRST=1\n# comment\nKEY=\"never closed\nNEXT=2\n", {"keys.env:3", "KEY"}},
      {"bad ${VAR", kGoodConfig, "A=1\nB=${OPEN\n", {"keys.env:2", "B"}},
      {"invalid UTF-8", kGoodConfig, "A=1\nB=caf\xc3\x28\n", {"keys.env:2", "UTF-8"}},
      {"bad key", kGoodConfig, "A=1\n1BAD=2\n", {"keys.env:2"}},
  };
  for (const auto& c : cases) check_rejected(c);
}

TEST_CASE("hostile: an env file with a BOM and CRLF line ends is accepted", "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile");
  const std::string config = write_file(dir, "models.yaml",
                                        "providers:\n  p:\n    base_url: http://127.0.0.1:9/v1\n"
                                        "    api_key_env: HOSTILE_TEST_KEY\nmodels:\n  - id: m\n    provider: p\n");
  const std::string env = write_file(dir, "keys.env", "\xef\xbb\xbfHOSTILE_TEST_KEY=sk-bom-key\r\nOTHER=1\r\n");
  const CliResult result = run_cli({"models", "list", "--config", config, "--env-file", env, "--format", "json"}, dir);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("HOSTILE_TEST_KEY") != std::string::npos);
  CHECK(result.out.find("sk-bom-key") == std::string::npos);
}

TEST_CASE("hostile: malformed custom task datasets exit 2 naming the data file, line and field", "[hostile]") {
  const std::string kTasks =
      "tasks:\n"
      "  - name: hostile_mc\n"
      "    file: data.jsonl\n"
      "    id_field: id\n"
      "    question_field: question\n"
      "    choices_field: options\n"
      "    answer_field: answer\n"
      "    scorer: choice_letter\n";
  const std::string good1 = R"({"id": "a", "question": "Capital of France?", "options": ["Paris", "Rome"], "answer": "A"})";
  const std::string good2 = R"({"id": "b", "question": "Capital of Peru?", "options": ["Quito", "Lima"], "answer": "B"})";
  struct DataCase {
    std::string name;
    std::string data;
    std::vector<std::string> expect;
  };
  const std::vector<DataCase> cases = {
      {"bad JSON at line 2", good1 + "\n{\"id\": \"b\", \"question\": \n" + good2 + "\n", {"data.jsonl:2", "JSON"}},
      {"missing field", good1 + "\n" + R"({"id": "b", "options": ["x", "y"], "answer": "A"})" + "\n",
       {"data.jsonl:2", "question"}},
      {"wrong type", good1 + "\n" + R"({"id": "b", "question": "Q?", "options": "x, y", "answer": "A"})" + "\n",
       {"data.jsonl:2", "options"}},
      {"empty file", "", {"data.jsonl", "empty"}},
      {"huge line", good1 + "\n{\"id\": \"h\", \"question\": \"" + std::string(10 << 20, 'q') +
                        "\", \"options\": [\"a\", \"b\"], \"answer\": \"A\"}\n",
       {"data.jsonl:2"}},
      {"invalid UTF-8", good1 + "\n{\"id\": \"b\", \"question\": \"caf\xe9?\", \"options\": [\"a\", \"b\"], \"answer\": \"A\"}\n",
       {"data.jsonl:2", "UTF-8"}},
      {"answer not a choice", good1 + "\n" + R"({"id": "b", "question": "Q?", "options": ["x", "y"], "answer": "E"})" + "\n",
       {"data.jsonl:2", "answer"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const std::string dir = temp_dir("llmbench-hostile");
    const std::string tasks = write_file(dir, "tasks.yaml", kTasks);
    write_file(dir, "data.jsonl", c.data);
    const CliResult result = run_cli({"datasets", "list", "--tasks-file", tasks}, dir);
    INFO(result.err.substr(0, 2000));
    CHECK(result.exit_code == kBadInput);
    for (const auto& text : c.expect) CHECK(result.err.find(text) != std::string::npos);
    CHECK(result.err.size() < 4096);  // the message quotes no 10 MB line
  }

  SECTION("a BOM is accepted") {
    const std::string dir = temp_dir("llmbench-hostile");
    const std::string tasks = write_file(dir, "tasks.yaml", kTasks);
    write_file(dir, "data.jsonl", "\xef\xbb\xbf" + good1 + "\r\n" + good2 + "\r\n");
    const CliResult result = run_cli({"datasets", "list", "--tasks-file", tasks, "--format", "json"}, dir);
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("hostile_mc") != std::string::npos);
  }
}

TEST_CASE("hostile: a corrupt benchmark_runs.json is named with its position and never overwritten", "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile");
  const std::string config = write_file(dir, "models.yaml", kGoodConfig);
  const std::string env = write_file(dir, "keys.env", "");
  const std::string out = dir + "/out";
  fs::create_directories(out);
  const std::string broken = "{\n  \"schema_version\": 1,\n  \"runs\": [\n    {\"run_id\": \"x\",, }\n  ]\n}\n";
  const std::string report = write_file(out, "benchmark_runs.json", broken);

  const CliResult run = run_with(dir, config, env, out);
  INFO(run.err);
  CHECK(run.exit_code == kBadInput);
  CHECK(run.err.find("benchmark_runs.json") != std::string::npos);
  CHECK(run.err.find(":4:") != std::string::npos);  // line:col of the stray comma
  CHECK(read_file(report) == broken);

  const CliResult rendered = run_cli({"report", "--output-dir", out}, dir);
  INFO(rendered.err);
  CHECK(rendered.exit_code == kBadInput);
  CHECK(rendered.err.find("benchmark_runs.json") != std::string::npos);
  CHECK(rendered.err.find(":4:") != std::string::npos);
  CHECK(read_file(report) == broken);
  CHECK_FALSE(fs::exists(fs::path(out) / "report.html"));
}

TEST_CASE("hostile: a list or mapping as a key in a baselines or tasks file exits 2 naming its line", "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile");
  const std::string config = write_file(dir, "models.yaml", kGoodConfig);
  const std::string env = write_file(dir, "keys.env", "");
  write_file(dir, "d.jsonl", R"({"q": "a", "a": "x"})" "\n");
  const std::string baselines = write_file(dir, "baselines.yaml", "baselines:\n  [standard, accuracy]: {min: 0.5}\n");
  const std::string tasks = write_file(dir, "tasks.yaml", "tasks:\n  - name: t\n    file: d.jsonl\n    ? {scorer: exact}\n");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--baselines", baselines}, "baselines.yaml:2"},
      {{"--tasks-file", tasks, "--tasks", "t"}, "tasks.yaml:4"},
  };
  for (const auto& [flags, expect] : cases) {
    INFO(flags[0]);
    check_flags_rejected(dir, config, env, flags, {expect, "plain name"});
  }
}

TEST_CASE("hostile: bad flag values exit 2 naming the flag", "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile");
  const std::string config = write_file(dir, "models.yaml", kGoodConfig);
  const std::string env = write_file(dir, "keys.env", "");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--limit", "abc"}, "--limit"},
      {{"--limit", "-3"}, "--limit"},
      {{"--concurrency", "0"}, "--concurrency"},
      {{"--tier", "bogus"}, "bogus"},
      {{"--tasks", "no_such_task"}, "no_such_task"},
      {{"--sample-seed", "-1"}, "--sample-seed"},  // was stored as 18446744073709551615
      {{"--generation-models", ","}, "--generation-models"},  // fell back to the role defaults
      {{"--judge-models", " , "}, "--judge-models"},
  };
  for (const auto& [flags, expect] : cases) {
    INFO(flags[0] << " " << flags[1]);
    check_flags_rejected(dir, config, env, flags, {expect});
  }
}

TEST_CASE("hostile: an embedding model as a generation or judge model, or a chat model as an embedding model, "
          "exits 2 naming the flag",
          "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile");
  const std::string config = write_file(dir, "models.yaml",
                                        "providers:\n  sim:\n    base_url: sim://\nmodels:\n"
                                        "  - id: chat-m\n    provider: sim\n    kind: chat\n"
                                        "  - id: embed-m\n    provider: sim\n    kind: embedding\n");
  const std::string env = write_file(dir, "keys.env", "");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--generation-models", "embed-m"}, "--generation-models embed-m"},
      {{"--tier", "judge", "--judge-models", "embed-m"}, "--judge-models embed-m"},
      {{"--tier", "0", "--embedding-models", "chat-m"}, "--embedding-models chat-m"},
  };
  for (const auto& [flags, expect] : cases) {
    INFO(flags[0] << " " << flags[1]);
    check_flags_rejected(dir, config, env, flags, {expect});
  }
  SECTION("arena run") {
    const std::string out = temp_dir("llmbench-hostile-out");
    const std::string prompts = write_file(dir, "prompts.jsonl", "{\"id\": \"p1\", \"prompt\": \"Say hi.\"}\n");
    const CliResult result = run_cli({"arena", "run", "--config", config, "--env-file", env, "--output-dir", out,
                                      "--generation-models", "chat-m,embed-m", "--judge-models", "chat-m",
                                      "--dataset", prompts, "--limit", "1", "--progress", "none"},
                                     dir);
    INFO(result.err);
    CHECK(result.exit_code == kBadInput);
    CHECK(result.err.find("--generation-models embed-m") != std::string::npos);
  }
}

// ---- hostile model responses --------------------------------------------------------------

namespace {

using namespace llmbench::http;

std::string chat_json(const std::string& content_json) {
  return R"({"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":)" +
         content_json + R"(},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}})";
}

struct HostileServer {
  httplib::Server server;
  std::thread thread;
  int port = 0;

  HostileServer() {
    server.Post(R"(/(\w+)/v1/chat/completions)", [](const httplib::Request& request, httplib::Response& response) {
      const std::string kind = request.matches[1];
      std::string body;
      std::string type = "application/json";
      if (kind == "huge") {
        body = chat_json("\"" + std::string(5 << 20, 'x') + "\"");
      } else if (kind == "hugegarbage") {
        body.assign(5 << 20, '\x9c');
      } else if (kind == "binary") {
        for (int i = 0; i < 4096; ++i) body += static_cast<char>((i * 7919) & 0xff);
        type = "application/octet-stream";
      } else if (kind == "html") {
        body = "<html><body>Welcome to nginx!</body></html>";
        type = "text/html";
      } else if (kind == "notjson") {
        body = "this is not JSON at all";
      } else if (kind == "nul") {
        body = chat_json("\"before\"");
        body.insert(body.find("before") + 3, std::string("\0\0\0", 3));
      } else if (kind == "escapednul") {
        body = chat_json(R"("a\u0000b")");
      } else if (kind == "invalidutf8") {
        body = chat_json("\"caf\xe9 \xff\xfe\"");
      } else if (kind == "deepnesting") {
        body = std::string(100000, '[') + std::string(100000, ']');
      } else if (kind == "wrongtypes") {
        body = R"({"choices":[{"message":{"content":42},"finish_reason":7}],"usage":{"prompt_tokens":"many"}})";
      } else if (kind == "emptychoices") {
        body = R"({"choices":[]})";
      } else if (kind == "sse") {
        type = "text/event-stream";
        body = "data: {\"choices\":[{\"delta\":{\"content\":\"a\\u0000\xff\"}}]}\n\ndata: \x01\x02\x03\n\ndata: [DONE]\n\n";
      } else if (kind == "empty") {
        body = "";
      }
      response.set_content(body, type.c_str());
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HostileServer() {
    server.stop();
    thread.join();
  }
};

}  // namespace

TEST_CASE("hostile: huge, binary, non-JSON and NUL-laden responses each end as one record", "[hostile]") {
  HostileServer server;
  ExecutorOptions options;
  options.concurrency = 4;
  options.retries = 1;
  options.timeout_s = 20;
  options.backoff_base_s = 0.01;
  options.backoff_max_s = 0.02;
  Executor executor(options);
  const std::vector<std::string> kinds = {"huge",       "hugegarbage", "binary",       "html",
                                          "notjson",    "nul",         "escapednul",   "invalidutf8",
                                          "deepnesting", "wrongtypes", "emptychoices", "sse",
                                          "empty"};
  std::vector<int> calls(kinds.size(), 0);
  std::vector<RequestRecord> records(kinds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    for (Stream stream : {Stream::no, Stream::yes}) {
      ApiRequest request;
      request.endpoint.provider = "hostile";
      request.endpoint.base_url = "http://127.0.0.1:" + std::to_string(server.port) + "/" + kinds[i] + "/v1";
      request.model = "m";
      request.messages = {{"user", "hi"}};
      request.stream = stream;
      executor.submit(request, [&, i](RequestRecord&& record) {
        ++calls[i];
        records[i] = std::move(record);
      });
    }
  }
  executor.run();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    INFO(kinds[i] << ": " << to_string(records[i].outcome) << " " << records[i].error);
    CHECK(calls[i] == 2);  // one record per request (non-streamed and streamed)
    CHECK(records[i].outcome != Outcome::cancelled);
    CHECK(records[i].error.size() < 1024);
    if (records[i].ok()) CHECK(records[i].http_status == 200);
  }
  // The well-formed huge answer is read whole; garbage is a parse error, not a crash.
  CHECK(executor.stats().completed == 2 * kinds.size());
}
