#include "llmbench/sim/embedding.hpp"

#include <cmath>

#include "llmbench/util/hash.hpp"

namespace llmbench::sim {

using util::fnv1a64;
using util::Hasher;
using util::mix64;
namespace {

constexpr double kModelWeight = 0.25;  // the model-dependent share of each token's vector

bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// Lower-cases ASCII and the Cyrillic capitals А-Я (U+0410-U+042F) and Ё (U+0401) in UTF-8.
void lower_into(std::string_view word, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == 0xD0 && i + 1 < word.size()) {
      auto d = static_cast<unsigned char>(word[i + 1]);
      if (d >= 0x90 && d <= 0x9F) {         // А-П -> а-п (D0 B0-BF)
        out.push_back(static_cast<char>(0xD0));
        out.push_back(static_cast<char>(d + 0x20));
      } else if (d >= 0xA0 && d <= 0xAF) {  // Р-Я -> р-я (D1 80-8F)
        out.push_back(static_cast<char>(0xD1));
        out.push_back(static_cast<char>(d - 0x20));
      } else if (d == 0x81) {               // Ё -> ё (D1 91)
        out.push_back(static_cast<char>(0xD1));
        out.push_back(static_cast<char>(0x91));
      } else {
        out.push_back(static_cast<char>(c));
        out.push_back(static_cast<char>(d));
      }
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

}  // namespace

std::vector<std::string> word_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) {
      tokens.emplace_back();
      lower_into(text.substr(start, i - start), tokens.back());
    }
  }
  return tokens;
}

std::vector<float> embed_text(std::string_view text, std::string_view model, std::uint64_t seed) {
  std::vector<double> v(kEmbeddingDims, 0.0);
  const std::uint64_t model_hash = Hasher(seed).add(model).value();
  for (const std::string& token : word_tokens(text)) {
    std::uint64_t h = fnv1a64(token);
    v[h % kEmbeddingDims] += (h >> 32) & 1 ? 1.0 : -1.0;
    std::uint64_t m = mix64(h ^ model_hash);
    v[m % kEmbeddingDims] += ((m >> 32) & 1 ? 1.0 : -1.0) * kModelWeight;
  }
  double norm = 0;
  for (double x : v) norm += x * x;
  std::vector<float> out(kEmbeddingDims, 0.0f);
  if (norm == 0) {
    out[model_hash % kEmbeddingDims] = 1.0f;
    return out;
  }
  norm = std::sqrt(norm);
  for (int i = 0; i < kEmbeddingDims; ++i) out[i] = static_cast<float>(v[i] / norm);
  return out;
}

}  // namespace llmbench::sim
