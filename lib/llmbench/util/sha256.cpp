#include "llmbench/util/sha256.hpp"

#include <sodium.h>

namespace llmbench::util {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  std::string out(2 * sizeof digest + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), digest, sizeof digest);
  out.pop_back();  // the terminating NUL sodium_bin2hex writes
  return out;
}

}  // namespace llmbench::util
