#include "llmbench/run/request_timeout.hpp"

#include <map>

#include <fmt/format.h>

namespace llmbench::run {

std::string apply_timeout_rule(const std::vector<config::ResolvedModel*>& models, double timeout_s, bool flag_given) {
  std::map<std::string, double> providers;  // provider -> its timeout_s, where set (stable order)
  for (config::ResolvedModel* m : models) {
    if (m->endpoint.timeout_s > 0) providers[m->endpoint.provider] = m->endpoint.timeout_s;
    if (flag_given) m->endpoint.timeout_s = 0;
  }
  std::string list;
  for (const auto& [name, seconds] : providers) {
    list += fmt::format("{}provider {}: {:g} s", list.empty() ? "" : ", ", name, seconds);
  }
  if (flag_given) {
    return providers.empty() ? fmt::format("timeout: {:g} s from --timeout", timeout_s)
                             : fmt::format("timeout: {:g} s from --timeout (it overrides timeout_s of {})", timeout_s, list);
  }
  return providers.empty() ? fmt::format("timeout: {:g} s (the default; --timeout sets it)", timeout_s)
                           : fmt::format("timeout: {:g} s (the default); {} from its timeout_s", timeout_s, list);
}

}  // namespace llmbench::run
