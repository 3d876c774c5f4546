#include <catch2/catch.hpp>

#include <fstream>

#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "support/cli.hpp"

using namespace llmbench::config;

namespace {

std::string write_config(const std::string& text) {
  const std::string path = llmbench::test::temp_dir() + "/models.yaml";
  std::ofstream(path) << text;
  return path;
}

const char* kProviders =
    "providers:\n"                               // 1
    "  mistral:\n"                               // 2
    "    base_url: https://api.mistral.ai/v1/\n" // 3
    "    api_key_env: MISTRAL_API_KEY\n"         // 4
    "  openai:\n"                                // 5
    "    base_url: https://api.openai.com/v1\n"  // 6
    "    api_key_env: OPENAI_API_KEY\n"          // 7
    "  sim:\n"                                   // 8
    "    base_url: sim://\n";                    // 9

// Loads `text`; returns the error message (or "" if it loaded).
std::string load_error(const std::string& text) {
  const std::string path = write_config(text);
  try {
    load_models_config(path);
  } catch (const llmbench::Error& e) {
    std::string what = e.what();
    // Replace the temp path by a stable name.
    if (what.rfind(path, 0) == 0) what = "models.yaml" + what.substr(path.size());
    return what;
  }
  return "";
}

}  // namespace

TEST_CASE("models config: the shipped configs/models.yaml loads and defaults to the simulator", "[config]") {
  const ModelsConfig config = load_models_config(LLMBENCH_SOURCE_DIR "/configs/models.yaml");
  for (const char* p : {"sim", "mistral", "openai", "openrouter", "deepseek", "ollama", "vllm", "llamacpp"}) {
    INFO(p);
    CHECK(config.providers.count(p) == 1);
  }
  CHECK(config.providers.at("sim").base_url == "sim://");
  CHECK(config.providers.at("ollama").api_key_env.empty());
  CHECK(config.role_defaults.at(Role::generation) == std::vector<std::string>{"sim-small", "sim-large"});
  CHECK(config.role_defaults.at(Role::embedding) == std::vector<std::string>{"sim-embed"});
  // Every role default is on the simulator, so a fresh checkout runs with no keys.
  const Registry registry(config, Env::from_map({}));
  for (Role role : kAllRoles) {
    for (const auto& id : registry.default_models(role)) {
      INFO(id);
      CHECK(registry.resolve(role, id).endpoint.base_url == "sim://");
    }
  }
}

TEST_CASE("models config: a valid file yields providers, models with defaults, and roles", "[config]") {
  const std::string path = write_config(std::string(kProviders) +
      "    max_concurrency: 4\n"
      "    rpm: 60\n"
      "    timeout_s: 30\n"
      "    headers: {X-Title: bench}\n"
      "models:\n"
      "  - id: small\n"
      "    provider: mistral\n"
      "    model: mistral-small-latest\n"
      "    params: {temperature: 0, max_tokens: 256, stop: [\"\\n\"], tag: \"7\"}\n"
      "    price: {input_per_mtok: 0.1, output_per_mtok: 0.3}\n"
      "  - id: sim-a\n"
      "    provider: sim\n"
      "    sim_accuracy: 0.5\n"
      "roles:\n"
      "  generation: [small, sim-a]\n"
      "  judge: sim-a\n");
  const ModelsConfig config = load_models_config(path);
  const ProviderConfig& mistral = config.providers.at("mistral");
  CHECK(mistral.base_url == "https://api.mistral.ai/v1");  // trailing slash dropped
  CHECK(mistral.line == 2);
  const ProviderConfig& sim = config.providers.at("sim");
  CHECK(sim.limits.max_concurrency == 4);
  CHECK(sim.limits.rpm == 60);
  CHECK(sim.timeout_s == 30);
  REQUIRE(sim.headers.size() == 1);
  CHECK(sim.headers[0].first == "X-Title");
  REQUIRE(config.models.size() == 2);
  const ModelConfig& small = config.models[0];
  CHECK(small.api_model == "mistral-small-latest");
  CHECK(small.params["temperature"] == 0);
  CHECK(small.params["max_tokens"] == 256);
  CHECK(small.params["stop"][0] == "\n");
  CHECK(small.params["tag"] == "7");  // quoted stays a string
  REQUIRE(small.price);
  CHECK(small.price->output_per_mtok == Approx(0.3));
  CHECK(small.line == 15);
  CHECK(config.models[1].api_model == "sim-a");  // defaults to id
  CHECK(config.models[1].sim_accuracy == Approx(0.5));
  CHECK(config.role_defaults.at(Role::generation) == std::vector<std::string>{"small", "sim-a"});
  CHECK(config.role_defaults.at(Role::judge) == std::vector<std::string>{"sim-a"});
}

TEST_CASE("models config: each validation error names file:line, the problem and the fix", "[config]") {
  SECTION("malformed YAML") {
    const auto e = load_error("providers:\n  x: [1, 2\n  y: 3\n");
    CHECK(e.find("models.yaml:") == 0);
    CHECK(e.find("malformed YAML") != std::string::npos);
  }
  SECTION("unknown top-level key suggests the closest one") {
    const auto e = load_error(std::string(kProviders) + "model:\n  - id: a\n");
    CHECK(e.find("models.yaml:10: unknown top-level key \"model\"; did you mean models?") == 0);
  }
  SECTION("unknown provider key suggests the closest one") {
    const auto e = load_error(std::string(kProviders) + "    max_concurency: 3\n");
    CHECK(e.find("models.yaml:10:") == 0);
    CHECK(e.find("\"max_concurency\"; did you mean max_concurrency?") != std::string::npos);
  }
  SECTION("unknown model key") {
    const auto e = load_error(std::string(kProviders) + "models:\n  - id: a\n    provider: sim\n    parms: {}\n");
    CHECK(e.find("models.yaml:13:") == 0);
    CHECK(e.find("did you mean params?") != std::string::npos);
  }
  SECTION("unknown provider lists the known ones") {
    const auto e = load_error(std::string(kProviders) + "models:\n  - id: x\n    provider: mistrall\n");
    CHECK(e.find("models.yaml:12: model \"x\" uses unknown provider \"mistrall\"; known providers: "
                  "mistral, openai, sim") == 0);
    CHECK(e.find("did you mean \"mistral\"") != std::string::npos);
  }
  SECTION("base_url without a scheme") {
    const auto e = load_error("providers:\n  p:\n    base_url: api.openai.com/v1\n");
    CHECK(e.find("models.yaml:3:") == 0);
    CHECK(e.find("http://, https:// or sim://") != std::string::npos);
  }
  SECTION("duplicate model id") {
    const auto e = load_error(std::string(kProviders) +
                              "models:\n  - id: a\n    provider: sim\n  - id: a\n    provider: sim\n");
    CHECK(e.find("models.yaml:13: duplicate model id \"a\" (first defined at line 11)") == 0);
  }
  SECTION("a string for rpm") {
    const auto e = load_error(std::string(kProviders) + "    rpm: sixty\n");
    CHECK(e.find("models.yaml:10:") == 0);
    CHECK(e.find("rpm must be a number") != std::string::npos);
    CHECK(e.find("rpm: 60") != std::string::npos);
  }
  SECTION("a negative limit") {
    const auto e = load_error(std::string(kProviders) + "    max_concurrency: -2\n");
    CHECK(e.find("models.yaml:10:") == 0);
    CHECK(e.find("must not be negative") != std::string::npos);
  }
  SECTION("a role default naming an undefined model") {
    const auto e = load_error(std::string(kProviders) +
                              "models:\n  - id: sim-a\n    provider: sim\nroles:\n  judge: [sim-b]\n");
    CHECK(e.find("models.yaml:14:") == 0);
    CHECK(e.find("roles.judge names model \"sim-b\", which is not defined") != std::string::npos);
    CHECK(e.find("did you mean \"sim-a\"") != std::string::npos);
  }
  SECTION("an unknown role") {
    const auto e = load_error("roles:\n  generator: []\n");
    CHECK(e.find("models.yaml:2:") == 0);
    CHECK(e.find("did you mean generation?") != std::string::npos);
  }
  SECTION("api_key_env holding a key is refused without echoing it") {
    const auto e = load_error("providers:\n  p:\n    base_url: https://x.io/v1\n    api_key_env: sk-abc123secret\n");
    CHECK(e.find("models.yaml:4:") == 0);
    CHECK(e.find("NAME of the variable") != std::string::npos);
    CHECK(e.find("abc123secret") == std::string::npos);
  }
  SECTION("sim_accuracy on a non-sim provider") {
    const auto e = load_error(std::string(kProviders) +
                              "models:\n  - id: a\n    provider: openai\n    sim_accuracy: 0.5\n");
    CHECK(e.find("models.yaml:13:") == 0);
    CHECK(e.find("sim://") != std::string::npos);
  }
  SECTION("an unknown sim:// parameter") {
    const auto e = load_error("providers:\n  s:\n    base_url: sim://?latncy_ms=5\n");
    CHECK(e.find("models.yaml:3:") == 0);
    CHECK(e.find("did you mean \"latency_ms\"") != std::string::npos);
  }
}

TEST_CASE("models config: a missing file is empty when optional and an error when named", "[config]") {
  const std::string path = llmbench::test::temp_dir() + "/nope.yaml";
  const ModelsConfig config = load_models_config(path, FileRequirement::if_present);
  CHECK(config.models.empty());
  CHECK(config.path.empty());
  CHECK_THROWS_WITH(load_models_config(path, FileRequirement::required), Catch::Contains("nope.yaml"));
}
