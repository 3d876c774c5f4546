// MGSM's native-language prompts (prompt.hpp: build_native_math_prompt).

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/tasks/prompt.hpp"

namespace llmbench::tasks {
namespace {

struct NativeLabels {
  std::string_view language, question, answer;
};

// The MGSM paper's exemplar labels per language (lm-evaluation-harness mgsm/utils.py; its
// Russian answer label lacks a space, "Пошаговоерешение", written here as two words).
constexpr std::array<NativeLabels, 11> kLabels = {{
    {"bn", "প্রশ্ন:", "ধাপে ধাপে উত্তর:"},
    {"de", "Frage:", "Schritt-für-Schritt-Antwort:"},
    {"en", "Question:", "Step-by-Step Answer:"},
    {"es", "Pregunta:", "Respuesta paso a paso:"},
    {"fr", "Question :", "Réponse étape par étape :"},
    {"ja", "問題:", "ステップごとの答え:"},
    {"ru", "Задача:", "Пошаговое решение:"},
    {"sw", "Swali:", "Jibu la Hatua kwa Hatua:"},
    {"te", "ప్రశ్న:", "దశలవారీగా సమాధానం:"},
    {"th", "โจทย์:", "คำตอบทีละขั้นตอน:"},
    {"zh", "问题:", "逐步解答:"},
}};

}  // namespace

std::vector<http::ChatMessage> build_native_math_prompt(const data::Item& item) {
  for (const NativeLabels& labels : kLabels) {
    if (labels.language != item.subject) continue;
    return {{"user", fmt::format("{} {}\n{}", labels.question, item.question, labels.answer)}};
  }
  throw Error(fmt::format("{}: item {}: no native prompt for language \"{}\"; MGSM's languages are bn, de, en, es, "
                          "fr, ja, ru, sw, te, th, zh",
                          item.source, item.id, item.subject));
}

}  // namespace llmbench::tasks
