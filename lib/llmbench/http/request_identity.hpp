#pragma once
// The one identity of a request: what makes two requests the same question, for the response
// cache (its key), the executor's and the tiers' deduplication (one send per identity), and so
// for resume (a resumed run finds its answers in the cache under the same key).
//
// The identity is the content of the request: the endpoint's cache URL (Endpoint::cache_url,
// else base_url), model, kind, messages, inputs, params and repeat_index. The API key, extra
// headers and streaming mode are not part of it: the same question to the same model with the
// same parameters is the same answer whoever pays for it and however it is delivered.
// repeat_index IS part of it, so the repeats of a consistency run stay separate requests.
//
// Stability: response caches on disk are addressed by request_key(); the text of
// canonical_request_json() must stay byte-identical across versions, or every cached answer
// (and with it a resume's saved work) is lost. Change it only with a new "v".

#include <string>

#include "llmbench/http/types.hpp"

namespace llmbench::http {

// The canonical JSON text of a request's identity (keys sorted, compact, invalid UTF-8
// replaced as in the request body); never holds the API key.
std::string canonical_request_json(const ApiRequest& request);

// The SHA-256 of canonical_request_json(): 64 lowercase hex digits.
std::string request_key(const ApiRequest& request);

}  // namespace llmbench::http
