#include "llmbench/http/request_identity.hpp"

#include <nlohmann/json.hpp>

#include "llmbench/http/sha256.hpp"

namespace llmbench::http {
namespace {

using nlohmann::json;

constexpr int kIdentityVersion = 1;  // the "v" of the canonical text

}  // namespace

std::string canonical_request_json(const ApiRequest& request) {
  json messages = json::array();
  for (const auto& message : request.messages) messages.push_back({message.role, message.content});
  // json objects keep keys sorted, so equal requests dump to equal text.
  const json canonical = {{"v", kIdentityVersion},
                          {"base_url", request.endpoint.cache_url.empty() ? request.endpoint.base_url : request.endpoint.cache_url},
                          {"model", request.model},
                          {"kind", to_string(request.kind)},
                          {"messages", std::move(messages)},
                          {"inputs", request.inputs},
                          {"params", request.params.is_null() ? json::object() : request.params},
                          {"repeat_index", request.repeat_index}};
  // replace: the same substitution the request body gets (openai.cpp), so the identity
  // describes what is actually sent.
  return canonical.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string request_key(const ApiRequest& request) { return sha256_hex(canonical_request_json(request)); }

}  // namespace llmbench::http
