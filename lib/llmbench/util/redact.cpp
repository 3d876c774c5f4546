#include "llmbench/util/redact.hpp"

#include <algorithm>

namespace llmbench::util {

bool Redactor::add(std::string_view secret) {
  if (secret.size() < 4) return false;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return false;
  secrets_.emplace_back(secret);
  if (secret.size() < kMinPiece) {
    short_secrets_.emplace_back(secret);
    return true;
  }
  for (std::size_t i = 0; i + kMinPiece <= secret.size(); ++i) pieces_.emplace(secret.substr(i, kMinPiece));
  return true;
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  apply(out);
  return out;
}

void Redactor::apply(std::string& text) const {
  if (secrets_.empty() || text.empty()) return;
  if (!pieces_.empty() && text.size() >= kMinPiece) {
    // Mark every byte covered by an 8-byte window that is a piece of a secret: any substring
    // of 8+ bytes of a secret is covered by its windows.
    std::vector<bool> covered(text.size(), false);
    bool any = false;
    std::string window;
    for (std::size_t i = 0; i + kMinPiece <= text.size(); ++i) {
      window.assign(text, i, kMinPiece);
      if (pieces_.count(window) == 0) continue;
      any = true;
      std::fill(covered.begin() + static_cast<std::ptrdiff_t>(i),
                covered.begin() + static_cast<std::ptrdiff_t>(i + kMinPiece), true);
    }
    if (any) {
      std::string out;
      out.reserve(text.size());
      for (std::size_t i = 0; i < text.size();) {
        if (!covered[i]) {
          out += text[i++];
          continue;
        }
        while (i < text.size() && covered[i]) ++i;
        out += kRedacted;
      }
      text = std::move(out);
    }
  }
  for (const auto& secret : short_secrets_) {
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kRedacted.size())) {
      text.replace(at, secret.size(), kRedacted);
    }
  }
}

}  // namespace llmbench::util
