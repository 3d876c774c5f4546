#pragma once
// SHA-256 (FIPS 180-4) of a byte string, as 64 lowercase hex digits, computed by OpenSSL's libcrypto.
// Used for content keys (the response cache's request key, the shard plan's hash) and a
// bundle's member digests; not for anything secret. Pure, thread-safe.

#include <string>
#include <string_view>

namespace llmbench::util {

std::string sha256_hex(std::string_view bytes);

}  // namespace llmbench::util
