// models.yaml: any file loads into a validated config or throws llmbench::Error naming it.
#include "fuzz_support.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = llmbench::fuzz::write_scratch("models.yaml", llmbench::fuzz::as_text(data, size));
  try {
    const auto config = llmbench::config::load_models_config(path);
    for (const auto& model : config.models) {
      llmbench::fuzz::require(config.providers.count(model.provider) == 1, "a model's provider is defined");
    }
  } catch (const llmbench::Error& e) {
    llmbench::fuzz::require(std::string_view(e.what()).find(path) != std::string_view::npos,
                            "a config error names the file");
  }
  return 0;
}
