#include "llmbench/http/request_identity.hpp"

#include "llmbench/util/json_text.hpp"
#include "llmbench/util/sha256.hpp"

namespace llmbench::http {
namespace {

constexpr int kIdentityVersion = 1;  // the "v" of the canonical text

}  // namespace

std::string canonical_request_json(const ApiRequest& request) {
  // Written as text, keys in sorted order: the bytes nlohmann's dump of the object
  // {v, base_url, model, kind, messages: [[role, content], ...], inputs, params, repeat_index}
  // gives (invalid UTF-8 replaced as in the request body, openai.cpp, so the identity
  // describes what is actually sent). tests/test_request_identity.cpp pins both.
  std::string text;
  text.reserve(128 + request.model.size() + [&] {
    std::size_t bytes = 0;
    for (const auto& message : request.messages) bytes += message.role.size() + message.content.size() + 8;
    for (const auto& input : request.inputs) bytes += input.size() + 3;
    return bytes;
  }());
  text += "{\"base_url\":";
  util::append_json_string(text, request.endpoint.cache_url.empty() ? request.endpoint.base_url
                                                                     : request.endpoint.cache_url);
  text += ",\"inputs\":[";
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    if (i > 0) text += ',';
    util::append_json_string(text, request.inputs[i]);
  }
  text += "],\"kind\":";
  util::append_json_string(text, to_string(request.kind));
  text += ",\"messages\":[";
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    text += i > 0 ? ",[" : "[";
    util::append_json_string(text, request.messages[i].role);
    text += ',';
    util::append_json_string(text, request.messages[i].content);
    text += ']';
  }
  text += "],\"model\":";
  util::append_json_string(text, request.model);
  text += ",\"params\":";
  if (request.params.is_null()) text += "{}";
  else util::append_json(text, request.params);
  text += ",\"repeat_index\":";
  util::append_json_number(text, std::int64_t{request.repeat_index});
  text += ",\"v\":";
  util::append_json_number(text, std::int64_t{kIdentityVersion});
  text += '}';
  return text;
}

std::string request_key(const ApiRequest& request) { return util::sha256_hex(canonical_request_json(request)); }

}  // namespace llmbench::http
