#include <catch2/catch.hpp>

#include <fstream>

#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "support/cli.hpp"

using namespace llmbench::config;

namespace {

ModelsConfig config_with_openai() {
  const std::string path = llmbench::test::temp_dir() + "/models.yaml";
  std::ofstream(path) << "providers:\n"
                         "  openai:\n"
                         "    base_url: https://api.openai.com/v1\n"
                         "    api_key_env: OPENAI_API_KEY\n"
                         "    rpm: 100\n"
                         "  sim:\n"
                         "    base_url: sim://\n"
                         "models:\n"
                         "  - id: gpt-4o-mini\n"
                         "    provider: openai\n"
                         "    params: {temperature: 0}\n"
                         "  - id: sim-a\n"
                         "    provider: sim\n"
                         "    sim_accuracy: 0.4\n"
                         "roles:\n"
                         "  generation: [sim-a]\n";
  return load_models_config(path);
}

std::string resolve_error(const Registry& registry, Role role, const std::string& id) {
  try {
    registry.resolve(role, id);
  } catch (const llmbench::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("registry: split_list trims and drops empty items", "[config]") {
  CHECK(split_list("a,b, c") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_list(" ,a,, ") == std::vector<std::string>{"a"});
  CHECK(split_list("").empty());
}

TEST_CASE("registry: a configured model resolves to its provider with the provider's key", "[config]") {
  const Registry registry(config_with_openai(), Env::from_map({{"OPENAI_API_KEY", "sk-test-openai"}}));
  const ResolvedModel m = registry.resolve(Role::judge, "gpt-4o-mini");
  CHECK(m.endpoint.base_url == "https://api.openai.com/v1");
  CHECK(m.endpoint.api_key == "sk-test-openai");
  CHECK(m.endpoint.api_key_env == "OPENAI_API_KEY");
  CHECK(m.endpoint.provider == "openai");
  CHECK(m.limits.rpm == 100);
  CHECK(m.params["temperature"] == 0);
  CHECK(m.role == Role::judge);
  CHECK(m.defined_at.find("models.yaml:9") != std::string::npos);
  const ResolvedModel sim = registry.resolve(Role::generation, "sim-a");
  CHECK(sim.endpoint.api_key.empty());
  CHECK(sim.sim_accuracy == Approx(0.4));
}

TEST_CASE("registry: a configured model whose key variable is unset names the variable, not a value", "[config]") {
  // Another provider's key is set: it must be neither used nor shown.
  const Registry registry(config_with_openai(), Env::from_map({{"MISTRAL_API_KEY", "sk-mistral-secret"}}));
  const std::string e = resolve_error(registry, Role::generation, "gpt-4o-mini");
  CHECK(e == "model \"gpt-4o-mini\" (provider openai) needs OPENAI_API_KEY: set it in "
             ".env.benchmark-models or the environment");
}

TEST_CASE("registry: model-lab variables give each role its own endpoint and key", "[config]") {
  const Registry registry(ModelsConfig{}, Env::from_map({
      {"MISTRAL_API_URL", "https://api.mistral.ai/v1/chat/completions"},
      {"MISTRAL_API", "gen-key"},
      {"MISTRAL_MODEL", "mistral-small-latest, mistral-large-latest"},
      {"JUDGE_BASE_URL", "https://judge.example.com/v1"},
      {"JUDGE_API", "prod-judge-key"},
      {"JUDGE_MODEL", "prod-judge"},
      {"BENCHMARKS_JUDGE_BASE_URL", "https://bench.example.com/v1"},
      {"BENCHMARKS_JUDGE_API_KEY", "bench-judge-key"},
      {"BENCHMARKS_JUDGE_MODEL", "bench-judge"},
  }));
  CHECK(registry.default_models(Role::generation) ==
        std::vector<std::string>{"mistral-small-latest", "mistral-large-latest"});
  CHECK(registry.default_models(Role::judge) == std::vector<std::string>{"bench-judge"});
  CHECK(registry.default_models(Role::production_judge) == std::vector<std::string>{"prod-judge"});

  const ResolvedModel gen = registry.resolve(Role::generation, "mistral-small-latest");
  CHECK(gen.endpoint.base_url == "https://api.mistral.ai/v1");  // the legacy full path is trimmed
  CHECK(gen.endpoint.api_key == "gen-key");
  CHECK(gen.endpoint.api_key_env == "MISTRAL_API");
  CHECK(gen.defined_at == "env MISTRAL_API_URL");
  CHECK(gen.api_model == "mistral-small-latest");

  const ResolvedModel judge = registry.resolve(Role::judge, "bench-judge");
  CHECK(judge.endpoint.base_url == "https://bench.example.com/v1");
  CHECK(judge.endpoint.api_key == "bench-judge-key");
  CHECK(judge.endpoint.api_key_env == "BENCHMARKS_JUDGE_API_KEY");

  const ResolvedModel prod = registry.resolve(Role::production_judge, "prod-judge");
  CHECK(prod.endpoint.base_url == "https://judge.example.com/v1");
  CHECK(prod.endpoint.api_key == "prod-judge-key");
  CHECK(prod.endpoint.api_key_env == "JUDGE_API");

  // Embedding falls back to the generation URL and key, as a pair.
  const ResolvedModel embed = registry.resolve(Role::embedding, "mistral-embed");
  CHECK(embed.endpoint.base_url == "https://api.mistral.ai/v1");
  CHECK(embed.endpoint.api_key == "gen-key");
  CHECK(embed.kind == ModelKind::embedding);
}

TEST_CASE("registry: GENERATION_* variables win over the MISTRAL_* aliases", "[config]") {
  const Registry registry(ModelsConfig{}, Env::from_map({
      {"GENERATION_API_URL", "http://gen.example.com/v1"}, {"GENERATION_API_KEY", "new"},
      {"GENERATION_MODEL", "m-new"}, {"MISTRAL_API_URL", "https://old.example.com/v1"},
      {"MISTRAL_API", "old"}, {"MISTRAL_MODEL", "m-old"}}));
  CHECK(registry.default_models(Role::generation) == std::vector<std::string>{"m-new"});
  const ResolvedModel m = registry.resolve(Role::generation, "anything");
  CHECK(m.endpoint.base_url == "http://gen.example.com/v1");
  CHECK(m.endpoint.api_key == "new");
}

TEST_CASE("registry: a judge never gets the generation key", "[config]") {
  const Env env = Env::from_map({{"GENERATION_API_URL", "https://gen.example.com/v1"},
                                 {"GENERATION_API_KEY", "gen-secret"},
                                 {"JUDGE_BASE_URL", "https://judge.example.com/v1"}});
  const Registry registry(ModelsConfig{}, env);
  // Judge URL without its key: an error naming JUDGE_API, never the generation key.
  const std::string prod = resolve_error(registry, Role::production_judge, "j");
  CHECK(prod.find("JUDGE_API is not set") != std::string::npos);
  CHECK(prod.find("gen-secret") == std::string::npos);
  // Benchmark judge without any URL: no fallback to the generation endpoint.
  const std::string bench = resolve_error(registry, Role::judge, "j");
  CHECK(bench.find("BENCHMARKS_JUDGE_BASE_URL") != std::string::npos);
  CHECK(bench.find("gen-secret") == std::string::npos);
}

TEST_CASE("registry: a loopback role URL needs no key", "[config]") {
  const Registry registry(ModelsConfig{}, Env::from_map({{"EMBEDDING_API_URL", "http://127.0.0.1:11434/v1"},
                                                         {"GENERATION_API_KEY", "gen-secret"},
                                                         {"GENERATION_API_URL", "https://x.io/v1"}}));
  const ResolvedModel m = registry.resolve(Role::embedding, "nomic-embed-text");
  CHECK(m.endpoint.base_url == "http://127.0.0.1:11434/v1");
  CHECK(m.endpoint.api_key.empty());  // not the generation key
  CHECK(m.endpoint.api_key_env == "EMBEDDING_API_KEY");
}

TEST_CASE("registry: an unknown model with no role endpoint says what to define or set", "[config]") {
  const Registry registry(config_with_openai(), Env::from_map({}));
  const std::string e = resolve_error(registry, Role::generation, "gpt-4o-mimi");
  CHECK(e.find("did you mean \"gpt-4o-mini\"") != std::string::npos);
  CHECK(e.find("GENERATION_API_URL") != std::string::npos);
  CHECK(e.find("models:") != std::string::npos);
}

TEST_CASE("registry: a configured model without its key uses the role endpoint when one is set", "[config]") {
  const Registry registry(config_with_openai(), Env::from_map({{"GENERATION_API_URL", "http://127.0.0.1:9/v1"}}));
  const ResolvedModel m = registry.resolve(Role::generation, "gpt-4o-mini");
  CHECK(m.endpoint.base_url == "http://127.0.0.1:9/v1");
  CHECK(m.endpoint.api_key_env == "GENERATION_API_KEY");
  CHECK(m.endpoint.api_key.empty());
}

TEST_CASE("registry: role defaults come from the config when no model-lab variable is set", "[config]") {
  const Registry registry(config_with_openai(), Env::from_map({}));
  CHECK(registry.default_models(Role::generation) == std::vector<std::string>{"sim-a"});
  CHECK(registry.default_models(Role::judge).empty());
}

TEST_CASE("registry: endpoint_host keeps scheme, host and port only", "[config]") {
  CHECK(endpoint_host("https://user:pw@api.example.com:8443/v1?x=1") == "https://api.example.com:8443");
  CHECK(endpoint_host("http://127.0.0.1:11434/v1") == "http://127.0.0.1:11434");
  CHECK(endpoint_host("sim://?latency_ms=5") == "sim://");
  CHECK(is_loopback_url("http://localhost:8000/v1"));
  CHECK_FALSE(is_loopback_url("https://api.openai.com/v1"));
}
