#pragma once
// SHA-256 (FIPS 180-4) of a byte string, as 64 lowercase hex digits. Used for content keys
// (the response cache's request key); not for anything secret. Pure, thread-safe.

#include <string>
#include <string_view>

namespace llmbench::http {

std::string sha256_hex(std::string_view bytes);

// Which code computes it: the portable one, or the CPU's SHA extensions (x86-64 SHA-NI), which
// sha256_hex(bytes) uses when the CPU has them. The same digest either way.
enum class Sha256Code { portable, cpu_extensions };
bool sha256_uses_cpu_extensions();
// Precondition: cpu_extensions only when sha256_uses_cpu_extensions().
std::string sha256_hex(std::string_view bytes, Sha256Code code);

}  // namespace llmbench::http
