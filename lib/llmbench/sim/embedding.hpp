#pragma once
// Deterministic text embeddings for the simulator: a hashed bag of lower-cased word tokens
// in kEmbeddingDims dimensions, plus a small model-dependent component, L2-normalised.
// Texts that share words have a higher cosine similarity than texts that share none,
// which is what retrieval tests need; it is not a semantic model.
//
// Tokens: maximal runs of ASCII letters/digits and bytes >= 0x80 (so any UTF-8 letter,
// Cyrillic included, is part of a word). ASCII A-Z and Cyrillic А-Я, Ё are lower-cased.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::sim {

inline constexpr int kEmbeddingDims = 256;

// The lower-cased word tokens of `text`, in order.
std::vector<std::string> word_tokens(std::string_view text);

// The unit-length embedding of `text` for `model`; an empty text gets a fixed unit vector.
std::vector<float> embed_text(std::string_view text, std::string_view model, std::uint64_t seed);

}  // namespace llmbench::sim
