#include "llmbench/util/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace llmbench::util {

namespace {

// SHA-256's implementation, fetched once (null when no provider has it): SHA256() fetches it
// again on every call, some 4,000 instructions, a sixth of hashing a request's identity.
// Fetched methods are immutable and may be shared between threads.
const EVP_MD* sha256_method() {
  static EVP_MD* const method = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return method;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  // OpenSSL's one-shot SHA256() picks the CPU's SHA extensions (or AVX2) when it has them:
  // some 3.5x faster than libsodium's portable code on the 1-2 KB of a request's identity, which
  // is hashed once per request.
  static constexpr unsigned char kNothing = 0;
  const auto* data = bytes.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(bytes.data());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  const EVP_MD* method = sha256_method();
  unsigned int size = 0;
  if (method == nullptr || EVP_Digest(data, bytes.size(), digest, &size, method, nullptr) != 1 ||
      size != sizeof digest) {
    SHA256(data, bytes.size(), digest);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * sizeof digest, '\0');
  for (std::size_t i = 0; i < sizeof digest; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace llmbench::util
