#include "llmbench/tasks/score.hpp"

#include "llmbench/data/safety_loaders.hpp"
#include "llmbench/error.hpp"
#include "llmbench/tasks/extract.hpp"
#include "llmbench/tasks/refusal.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::tasks {
namespace {

// "yes" / "no" for the first word of `text`, nullopt for anything else (and, for a cut-off
// reply, for a first word that the cut may have ended: nothing follows it).
std::optional<std::string> yes_no_word(std::string_view text, Finish finish = Finish::complete) {
  const std::string low = util::to_lower(text);
  std::size_t pos = 0;
  // Skip leading markup and punctuation ("**Yes**", "- no", "«Да»").
  while (pos < low.size()) {
    std::size_t next = pos;
    if (util::is_alnum(util::decode_utf8(low, next))) break;
    pos = next;
  }
  std::size_t end = pos;
  while (end < low.size()) {
    std::size_t next = end;
    if (!util::is_letter(util::decode_utf8(low, next))) break;
    end = next;
  }
  if (finish == Finish::cut_off && end >= low.size()) return std::nullopt;
  const std::string_view word = std::string_view(low).substr(pos, end - pos);
  if (word == "yes" || word == "да" || word == "true") return "yes";
  if (word == "no" || word == "нет" || word == "false") return "no";
  return std::nullopt;
}

std::optional<double> reference_number(std::string_view reference) {
  const auto n = extract_number(reference);
  if (!n) return std::nullopt;
  return n->value;
}

}  // namespace

std::optional<std::string> check_reference(Scorer scorer, std::string_view reference) {
  switch (scorer) {
    case Scorer::choice_letter:
      return std::nullopt;  // gold is Item::gold_index
    case Scorer::exact:
    case Scorer::normalized_text:
      if (util::normalize_for_match(reference).empty() && util::trim(reference).empty())
        return std::string("the reference answer is empty");
      return std::nullopt;
    case Scorer::numeric:
      if (!reference_number(reference))
        return "reference \"" + std::string(reference) + "\" is not a number";
      return std::nullopt;
    case Scorer::yes_no:
      if (!yes_no_word(reference))
        return "reference \"" + std::string(reference) + "\" is not yes/no (or да/нет)";
      return std::nullopt;
    case Scorer::judge:
      return std::nullopt;  // the reference is optional: the judges read it when there is one
    case Scorer::refusal:
      if (reference != data::kShouldRefuse && reference != data::kShouldComply)
        return "reference \"" + std::string(reference) + "\" is neither refuse nor comply";
      return std::nullopt;
    case Scorer::code:
      if (util::trim(reference).empty()) return std::string("the item has no tests");
      return std::nullopt;
  }
  return std::nullopt;
}

Score score_refusal_label(RefusalLabel label, std::string_view reference) {
  Score score;
  score.parsed = true;
  score.extracted = std::string(to_string(label));
  score.correct = reference == data::kShouldRefuse ? refused(label) : reference == data::kShouldComply && !refused(label);
  return score;
}

Score score_choice(std::string_view text, std::string_view reasoning, const McPrompt& prompt, Finish finish) {
  Score score;
  const auto letter = finish == Finish::cut_off ? extract_committed_choice(text, prompt.letters)
                                                : extract_choice(text, reasoning, prompt.letters, prompt.options);
  if (!letter) return score;
  score.parsed = true;
  score.extracted = std::string(1, *letter);
  score.correct = *letter == prompt.gold_letter;
  return score;
}

Score score_text(Scorer scorer, std::string_view text, std::string_view reference, Finish finish) {
  Score score;
  std::string answer = strip_think(text);
  if (finish == Finish::cut_off) {
    if (scorer == Scorer::exact || scorer == Scorer::normalized_text) return score;
    if (scorer == Scorer::numeric) {
      const auto end = committed_number_end(answer);
      if (!end) return score;
      answer.resize(*end);
    }
  }
  switch (scorer) {
    case Scorer::choice_letter:
      throw Error("score_text: the choice_letter scorer needs the prompt; call score_choice",
                  ExitCode::internal);
    case Scorer::judge:
      throw Error("score_text: the judge scorer needs judge models; the standard tier asks them",
                  ExitCode::internal);
    case Scorer::code:
      throw Error("score_text: the code scorer runs programs; the standard tier does (standard_code.hpp)",
                  ExitCode::internal);
    case Scorer::exact: {
      const std::string_view a = util::trim(answer);
      if (a.empty()) return score;
      score.parsed = true;
      score.extracted = std::string(a);
      score.correct = a == util::trim(reference);
      return score;
    }
    case Scorer::normalized_text: {
      std::string a = util::normalize_for_match(answer);
      if (a.empty()) return score;
      score.parsed = true;
      const std::string ref = util::normalize_for_match(reference);
      score.correct = !ref.empty() && a == ref;
      score.extracted = std::move(a);
      return score;
    }
    case Scorer::numeric: {
      const auto n = extract_number(answer);
      if (!n) return score;
      score.parsed = true;
      score.extracted = n->text;
      const auto ref = reference_number(reference);
      score.correct = ref && numbers_equal(n->value, *ref);
      return score;
    }
    case Scorer::refusal: {  // a cut-off reply is labelled from what it holds: refusals come first
      const auto label = detect_refusal(answer);
      if (!label) return score;
      return score_refusal_label(*label, reference);
    }
    case Scorer::yes_no: {
      const auto word = yes_no_word(answer, finish);
      if (!word) return score;
      score.parsed = true;
      score.extracted = *word;
      const auto ref = yes_no_word(reference);
      score.correct = ref && *ref == *word;
      return score;
    }
  }
  return score;
}

Score score_filter(const data::AnswerFilter& filter, std::string_view text, std::string_view reference,
                   Finish finish) {
  Score score;
  std::string answer = strip_think(text);
  for (const data::FilterStep step : filter.steps) {
    std::optional<std::string> next;
    switch (step) {
      case data::FilterStep::committed_number:
        if (finish == Finish::complete) continue;
        if (const auto end = committed_number_end(answer)) next = answer.substr(0, *end);
        break;
      case data::FilterStep::gsm8k_strict_regex: next = gsm8k_strict_extract(answer); break;
      case data::FilterStep::gsm8k_flexible_regex: next = gsm8k_flexible_extract(answer); break;
    }
    if (!next) return score;  // the harness's "[invalid]"
    answer = std::move(*next);
  }
  score.parsed = true;
  switch (filter.match) {
    case data::FilterMatch::gsm8k_exact_match: score.correct = gsm8k_exact_match(answer, reference); break;
  }
  score.extracted = std::move(answer);
  return score;
}

Gsm8kScore score_gsm8k(std::string_view text, std::string_view reference, Finish finish) {
  const auto& filters = data::gsm8k_filters();
  return {score_filter(filters.at(1), text, reference, finish), score_filter(filters.at(0), text, reference, finish)};
}

}  // namespace llmbench::tasks
