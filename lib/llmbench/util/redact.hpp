#pragma once
// Redaction of secrets (API key values) from untrusted text before it is stored or shown.
// A model or server that echoes a key (whole, in part, or as "Bearer <key>") must not get it
// into a journal, cache, report or terminal.

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace llmbench::util {

inline constexpr std::string_view kRedacted = "[redacted]";

// Replaces, in text, every run of bytes covered by a substring of 8 or more bytes of one of
// the secrets with "[redacted]" (so the whole key, any 8+ byte piece of it and the Bearer form
// are all caught). Secrets shorter than 8 bytes are replaced only whole, and only if at least
// 4 bytes long (shorter "keys" such as "x" are placeholders, not secrets).
// Not thread-safe for add(); redact() is const.
class Redactor {
 public:
  static constexpr std::size_t kMinPiece = 8;

  // Adds a secret; returns true when it was new.
  bool add(std::string_view secret);
  bool empty() const { return secrets_.empty(); }
  std::string redact(std::string_view text) const;
  // Redacts in place; a no-op without secrets.
  void apply(std::string& text) const;

 private:
  std::vector<std::string> secrets_;
  std::unordered_set<std::string> pieces_;  // every 8-byte substring of the long secrets
  std::vector<std::string> short_secrets_;
};

}  // namespace llmbench::util
