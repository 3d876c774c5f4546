#include "llmbench/sim/responder.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "llmbench/util/hash.hpp"

namespace llmbench::sim {

using util::Hasher;
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) { return trim_spaces(s); }

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    std::size_t eol = text.find('\n');
    f(trim(text.substr(0, eol)));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
}

const std::array<const char*, 6> kPoolEn = {
    "The main factor here is the balance between cost and reliability.",
    "It depends on the context, but the usual approach is to start with the simplest option.",
    "This is usually handled by splitting the problem into smaller steps.",
    "Both approaches work, each with its own trade-offs.",
    "In most cases the recommended practice is to measure first and optimise second.",
    "The result follows directly from the definitions involved.",
};
const std::array<const char*, 4> kPoolRu = {
    "Главный фактор здесь — баланс между стоимостью и надёжностью.",
    "Обычно задачу решают, разбивая её на несколько простых шагов.",
    "Оба подхода работают, но у каждого свои компромиссы.",
    "Результат прямо следует из определений.",
};

std::string pool_sentence(std::uint64_t h, bool russian) {
  return russian ? kPoolRu[h % kPoolRu.size()] : kPoolEn[h % kPoolEn.size()];
}

// ---- multiple choice ----

struct Option {
  char letter;
  std::string_view text;
};

// Option lines "A. text", "A) text", "A: text", "(A) text" in `text`, first of each letter.
std::vector<Option> parse_options(std::string_view text) {
  std::vector<Option> options;
  for_each_line(text, [&](std::string_view line) {
    char letter = 0;
    std::string_view rest;
    if (line.size() >= 3 && line[0] == '(' && line[1] >= 'A' && line[1] <= 'Z' && line[2] == ')') {
      letter = line[1];
      rest = line.substr(3);
    } else if (line.size() >= 2 && line[0] >= 'A' && line[0] <= 'Z' &&
               (line[1] == '.' || line[1] == ')' || line[1] == ':') &&
               (line.size() == 2 || line[2] == ' ' || line[2] == '\t')) {
      letter = line[0];
      rest = line.substr(2);
    }
    if (letter == 0) return;
    for (const auto& o : options)
      if (o.letter == letter) return;
    options.push_back({letter, trim(rest)});
  });
  return options;
}

std::string mc_text(int style, char letter, char other1, char other2, bool russian,
                    std::string& reasoning) {
  const std::string l(1, letter), o1(1, other1), o2(1, other2);
  const std::string final_ru = "Ответ: " + l;
  switch (style) {
    case 0: return l;
    case 1: return "(" + l + ")";
    case 2: return l + ".";
    case 3: return russian ? final_ru : "Answer: " + l;
    case 4: return "**" + l + "**";
    case 5:
      return russian ? "Вариант " + o1 + " требует 2 лишних шага, а вариант " + o2 +
                           " покрывает лишь 1 случай из 3, поэтому они не подходят. " + final_ru
                     : "Option " + o1 + " would need 2 extra steps and option " + o2 +
                           " covers only 1 case out of 3, so neither fits. The answer is (" + l + ").";
    case 6:
      return "<think>Considering " + o1 + " and " + o2 + " first: " + o1 + " fails for 3 reasons and " +
             o2 + " ignores 1 detail. That leaves " + l + ".</think>\n" +
             (russian ? final_ru : "The answer is " + l + ".");
    default:
      reasoning = "Compare the options: " + o1 + " and " + o2 +
                  " contradict the question, and 4 facts point to " + l + ".";
      return russian ? final_ru : "Answer: " + l;
  }
}
constexpr int kMcStyles = 8;

Reply answer_choice(const BookEntry& e, const SimModel& model, std::uint64_t seed,
                    const DigestSearch& search, bool russian) {
  // Options are read after the question, so few-shot examples before it do not count.
  const std::string_view prompt = search.text();
  std::size_t at = search.find(e.opening);
  std::vector<Option> options = parse_options(at == std::string_view::npos ? prompt : prompt.substr(at));
  char gold = 0;
  for (const auto& o : options)
    if (digest(o.text) == e.gold) gold = o.letter;
  std::vector<char> letters;
  if (gold == 0) {  // no option line matched the gold text: letters follow the data's order
    gold = static_cast<char>('A' + e.gold_index);
    for (std::size_t i = 0; i < e.choices.size(); ++i) letters.push_back(static_cast<char>('A' + i));
  } else {
    for (const auto& o : options) letters.push_back(o.letter);
  }
  std::vector<char> wrong;
  for (char c : letters)
    if (c != gold) wrong.push_back(c);
  for (char c = 'A'; wrong.size() < 2; ++c)
    if (c != gold && std::find(wrong.begin(), wrong.end(), c) == wrong.end()) wrong.push_back(c);

  Hasher base = Hasher(seed).add(model.id).add(e.key);
  const bool correct = Hasher(base).add("correct").unit() < model.accuracy;
  const std::uint64_t pick = Hasher(base).add("wrong").value();
  const char given = correct ? gold : wrong[pick % wrong.size()];
  std::vector<char> others;
  for (char c : wrong)
    if (c != given) others.push_back(c);
  if (given != gold) others.insert(others.begin(), gold);
  Reply r;
  const int style = static_cast<int>(Hasher(base).add("style").value() % kMcStyles);
  r.content = mc_text(style, given, others[0], others.size() > 1 ? others[1] : others[0], russian,
                      r.reasoning);
  r.answer = SimAnswer{model.id, std::string(e.key), std::string(1, gold), std::string(1, given), correct};
  return r;
}

// ---- numbers ----

struct Number {
  double value = 0;
  int decimals = 0;
};

std::optional<Number> parse_number(std::string_view text) {
  std::string clean;
  for (char c : text)
    if (c != ',' && c != '$' && c != ' ') clean.push_back(c);
  if (clean.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || !std::isfinite(v)) return std::nullopt;
  std::size_t dot = clean.find('.');
  int decimals = dot == std::string::npos ? 0 : static_cast<int>(clean.size() - dot - 1);
  return Number{v, std::min(decimals, 6)};
}

std::string format_plain(Number n) {
  char buf[64];
  if (n.decimals == 0)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(n.value)));
  else
    std::snprintf(buf, sizeof buf, "%.*f", n.decimals, n.value);
  return buf;
}

// "1234.5" -> "1,234.5" (non-negative numbers only).
std::string with_commas(const std::string& plain) {
  std::size_t int_end = plain.find('.');
  if (int_end == std::string::npos) int_end = plain.size();
  std::string out;
  for (std::size_t i = 0; i < int_end; ++i) {
    if (i > 0 && (int_end - i) % 3 == 0) out.push_back(',');
    out.push_back(plain[i]);
  }
  return out + plain.substr(int_end);
}

std::string number_text(int style, const std::string& n, bool negative, bool russian,
                        std::string& reasoning) {
  switch (style) {
    case 0: return "There are 3 steps: combine the 2 partial results, then check the total.\n#### " + n;
    case 1: return russian ? "Ответ: " + n : "The answer is " + n + ".";
    case 2:
      if (negative) return "The answer is " + n + ".";
      return "Adding the 2 amounts gives a total of $" + with_commas(n) + ".";
    case 3: return n;
    case 4:
      return "<think>Try 2 approaches: 7 and 9 are partial sums.</think>\n" +
             (russian ? "Ответ: " + n : "The answer is " + n + ".");
    default:
      reasoning = "Working: split the problem into 2 parts, solve each, add them.";
      return "#### " + n;
  }
}
constexpr int kNumberStyles = 6;

Reply answer_number(const BookEntry& e, const SimModel& model, std::uint64_t seed, bool russian) {
  std::optional<Number> gold = parse_number(e.reference);
  Hasher base = Hasher(seed).add(model.id).add(e.key);
  const bool correct = Hasher(base).add("correct").unit() < model.accuracy;
  Reply r;
  if (!gold) {  // not a number after all: answer as text
    r.content = correct ? std::string(e.reference) : pool_sentence(base.value(), russian);
    r.answer = SimAnswer{model.id, std::string(e.key), std::string(e.reference), r.content, correct};
    return r;
  }
  Number given = *gold;
  if (!correct) {
    const std::uint64_t h = Hasher(base).add("wrong").value();
    double delta = static_cast<double>(1 + h % 9);
    given.value += ((h >> 8) & 1) && gold->value - delta >= 0 ? -delta : delta;
  }
  const std::string text = format_plain(given);
  const int style = static_cast<int>(Hasher(base).add("style").value() % kNumberStyles);
  r.content = number_text(style, text, given.value < 0, russian, r.reasoning);
  r.answer = SimAnswer{model.id, std::string(e.key), std::string(e.reference), text, correct};
  return r;
}

// ---- safety prompts ----

const std::array<const char*, 4> kRefusalsEn = {
    "I'm sorry, but I can't help with that.",
    "I can't assist with that request. If you have a question about staying safe, I'm happy to help.",
    "I won't provide that: it could cause real harm to people.",
    "I can't help with that part. However, here's some general background:\n1. Look for reliable, "
    "official sources.\n2. Ask a qualified professional.",  // a partial refusal
};
const std::array<const char*, 3> kRefusalsRu = {
    "Извините, но я не могу помочь с этим запросом.",
    "Я не могу предоставить такую информацию: это может причинить вред.",
    "Я не могу помочь с этим. Вот как можно поступить иначе: 1. обратитесь к специалисту.",
};

// A safety prompt (kind refusal): a safe model refuses what should be refused and answers
// the rest; with probability 1 - accuracy it does the opposite (over-refusal, compliance).
Reply answer_refusal(const BookEntry& e, const SimModel& model, std::uint64_t seed, bool russian) {
  Hasher base = Hasher(seed).add(model.id).add(e.key);
  const bool correct = Hasher(base).add("correct").unit() < model.accuracy;
  const bool refuse = (e.reference == "refuse") == correct;
  const std::uint64_t h = Hasher(base).add("style").value();
  Reply r;
  if (refuse) {
    r.content = russian ? kRefusalsRu[h % kRefusalsRu.size()] : kRefusalsEn[h % kRefusalsEn.size()];
  } else {
    // Compliance, now and then with a phrase a naive refusal detector would misread.
    const char* opener = russian ? "Конечно. " : (h & 4) ? "I can't stress enough how common this question is. " : "Sure. ";
    r.content = opener + pool_sentence(h, russian) + " " + pool_sentence(h >> 8, russian);
  }
  r.answer = SimAnswer{model.id, std::string(e.key), std::string(e.reference), refuse ? "refuse" : "comply", correct};
  return r;
}

// ---- the refusal judge (tasks/refusal_judge.hpp) ----

bool is_refusal_judge(const std::string& lower) {
  return contains(lower, "full_compliance") && contains(lower, "partial_refusal") && contains(lower, "response: \"");
}

// The class of the reply quoted on the prompt's RESPONSE line, in one of the forms the parser
// accepts: the simulator's own refusals are refusals (its partial ones partial), the rest
// complies. Exact, so a test knows every label a simulated run's judge gives.
std::string refusal_class_reply(std::string_view prompt, std::uint64_t h) {
  constexpr std::string_view kOpen = "RESPONSE: \"", kClose = "\"\n\nAnswer with the class";
  const std::size_t open = prompt.find(kOpen);
  const std::size_t close = prompt.rfind(kClose);
  const std::string_view reply =
      open == std::string_view::npos || close == std::string_view::npos || close < open + kOpen.size()
          ? std::string_view()
          : prompt.substr(open + kOpen.size(), close - open - kOpen.size());
  int number = 1;
  std::string label = "full_compliance";
  for (std::size_t i = 0; i < kRefusalsEn.size() + kRefusalsRu.size(); ++i) {
    const bool en = i < kRefusalsEn.size();
    if (reply != (en ? kRefusalsEn[i] : kRefusalsRu[i - kRefusalsEn.size()])) continue;
    const bool partial = en ? i == kRefusalsEn.size() - 1 : i == kRefusalsEn.size() + kRefusalsRu.size() - 1;
    number = partial ? 3 : 2;
    label = partial ? "partial_refusal" : "full_refusal";
  }
  switch (h % 3) {
    case 0: return label;
    case 1: return std::to_string(number) + "_" + label;
    default: return "**" + label + "**";
  }
}

// ---- judges ----

bool is_score_judge(const std::string& lower) {
  return contains(lower, "score") &&
         (contains(lower, "1-5") || contains(lower, "1 to 5") || contains(lower, "1 - 5") ||
          contains(lower, "1\xE2\x80\x93" "5"));  // en dash
}

bool is_yes_no(const std::string& lower) {
  return contains(lower, "\"yes\" or \"no\"") || contains(lower, "'yes' or 'no'") ||
         contains(lower, "\xE2\x80\x9Cyes\xE2\x80\x9D or \xE2\x80\x9Cno\xE2\x80\x9D") ||
         contains(lower, "exactly yes or no") || contains(lower, "only yes or no");
}

bool is_pairwise(const std::string& lower) {
  return contains(lower, "[[a]]") && contains(lower, "[[b]]");
}

std::string score_reply(const SimModel& model, std::uint64_t h) {
  const double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
  const int n = std::clamp(static_cast<int>(std::lround(1.5 + 3 * model.accuracy + (u - 0.5) * 2)), 1, 5);
  static const std::array<const char*, 5> kWhy = {
      "The response does not address the question and contains errors.",
      "The response is mostly off-topic or inaccurate.",
      "The response is partly correct but misses important details.",
      "The response is accurate and relevant, with minor omissions.",
      "The response is accurate, complete and well grounded.",
  };
  return std::string(kWhy[static_cast<std::size_t>(n - 1)]) + "\n{\"score\": " + std::to_string(n) + "}";
}

std::string yes_no_reply(const SimModel& model, std::uint64_t h) {
  const double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
  if (u < 0.35 + 0.6 * model.accuracy) return "Yes";
  static const std::array<const char*, 3> kWhy = {
      "No: the answer leaves out a key part of the question.",
      "No: the answer states a fact the context does not support.",
      "No: the answer does not address what was asked.",
  };
  return kWhy[(h >> 3) % kWhy.size()];
}

std::string pairwise_reply(const std::string& lower, std::uint64_t h) {
  const bool tie_allowed = contains(lower, "[[c]]");
  const double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
  if (tie_allowed && u < 0.15) return "Both answers are equally accurate and helpful.\n\n[[C]]";
  if ((h >> 5) & 1) return "Assistant A gives the more accurate and complete answer.\n\n[[A]]";
  return "Assistant B gives the more accurate and complete answer.\n\n[[B]]";
}

// ---- free text ----

// A wrong answer to a code task whose right one is `fenced` (```python ... ```): its last
// top-level function, returning None.
std::string wrong_code(std::string_view fenced) {
  std::string_view signature;
  for_each_line(fenced, [&](std::string_view line) {
    if (line.substr(0, 4) == "def ") signature = line;
  });
  if (signature.empty()) return "```python\npass\n```";
  return "```python\n" + std::string(signature) + "\n    return None\n```";
}

std::optional<std::string> context_reply(std::string_view prompt, std::uint64_t h) {
  std::string block;
  bool in_block = false;
  for_each_line(prompt, [&](std::string_view line) {
    if (!in_block) {
      for (std::string_view label : {"Context:", "context:", "CONTEXT:", "Контекст:"}) {
        if (line.substr(0, label.size()) == label) {
          in_block = true;
          block.append(trim(line.substr(label.size())));
          block.push_back('\n');
          return;
        }
      }
      return;
    }
    for (std::string_view stop : {"Question", "Вопрос", "Answer", "Ответ"})
      if (line.substr(0, stop.size()) == stop) {
        in_block = false;
        return;
      }
    block.append(line);
    block.push_back('\n');
  });
  std::vector<std::string> sentences;
  std::string current;
  auto flush = [&] {
    std::string_view s = trim(current);
    if (!s.empty() && s.front() == '[') {  // "[1] text" passage markers
      std::size_t close = s.find(']');
      if (close != std::string_view::npos && close < 8) s = trim(s.substr(close + 1));
    }
    if (s.size() >= 3) sentences.emplace_back(s);
    current.clear();
  };
  for (std::size_t i = 0; i < block.size(); ++i) {
    const char c = block[i];
    if (c == '\n') {
      flush();
      continue;
    }
    current.push_back(c);
    if ((c == '.' || c == '!' || c == '?') && (i + 1 == block.size() || is_space(block[i + 1]))) flush();
  }
  flush();
  if (sentences.empty()) return std::nullopt;
  const std::size_t first = h % sentences.size();
  std::string out = sentences[first];
  if (((h >> 7) & 1) && first + 1 < sentences.size()) out += " " + sentences[first + 1];
  return out;
}

}  // namespace

bool has_cyrillic(std::string_view text) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto d = static_cast<unsigned char>(text[i + 1]);
    if ((c == 0xD0 || c == 0xD1) && d >= 0x80 && d <= 0xBF) return true;
  }
  return false;
}

Reply compose_reply(const AnswerBook& book, const SimModel& model, std::uint64_t seed,
                    std::string_view prompt) {
  const std::string lower = ascii_lower(prompt);
  const bool russian = has_cyrillic(prompt);
  const std::uint64_t h = Hasher(seed).add(model.id).add(prompt).value();
  Reply r;
  if (is_refusal_judge(lower)) {
    r.content = refusal_class_reply(prompt, h);
  } else if (is_pairwise(lower)) {
    r.content = pairwise_reply(lower, h);
  } else if (is_score_judge(lower)) {
    r.content = score_reply(model, h);
  } else if (is_yes_no(lower)) {
    r.content = yes_no_reply(model, h);
  } else if (const DigestSearch search(prompt); const BookEntry* e = book.find(search)) {
    if (e->kind == AnswerKind::choice) return answer_choice(*e, model, seed, search, russian);
    if (e->kind == AnswerKind::number) return answer_number(*e, model, seed, russian);
    if (e->kind == AnswerKind::refusal) return answer_refusal(*e, model, seed, russian);
    Hasher base = Hasher(seed).add(model.id).add(e->key);
    const bool correct = Hasher(base).add("correct").unit() < model.accuracy;
    if (correct) {
      r.content = std::string(e->reference);
    } else if (e->reference.rfind("```python\n", 0) == 0) {
      r.content = wrong_code(e->reference);  // a code task: code that runs and fails its tests
    } else {
      r.content = pool_sentence(base.value(), russian);
    }
    r.answer = SimAnswer{model.id, std::string(e->key), std::string(e->reference), r.content, correct};
  } else if (auto from_context = context_reply(prompt, h)) {
    r.content = std::move(*from_context);
  } else {
    r.content = pool_sentence(h, russian);
  }
  return r;
}

}  // namespace llmbench::sim
