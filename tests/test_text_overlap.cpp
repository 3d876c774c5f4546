// ROUGE and BLEU against hand-computed values, in English and in Russian.

#include <catch2/catch.hpp>

#include <cmath>

#include "llmbench/metrics/text_overlap.hpp"

using namespace llmbench::metrics;

TEST_CASE("text overlap: ROUGE-1/2/L on an English pair match the hand count", "[metrics][text_overlap]") {
  // cand: the cat sat on the mat   ref: the cat is on the mat   (6 tokens each)
  // ROUGE-1 clipped matches: the x2, cat, on, mat = 5 -> P = R = F = 5/6
  // ROUGE-2: cand {the cat, cat sat, sat on, on the, the mat}, ref {the cat, cat is, is on,
  //          on the, the mat}: 3 common -> 3/5
  // ROUGE-L: LCS "the cat on the mat" = 5 -> 5/6
  const RougeScores r = rouge("The cat sat on the mat.", "the cat is on the mat");
  CHECK(r.rouge1.f == Approx(5.0 / 6));
  CHECK(r.rouge2.f == Approx(3.0 / 5));
  CHECK(r.rougeL.f == Approx(5.0 / 6));

  // Asymmetric: cand "the cat" vs the 6-token reference.
  // ROUGE-1: P = 2/2, R = 2/6 -> F = 2(1)(1/3)/(4/3) = 1/2
  // ROUGE-2: P = 1/1, R = 1/5 -> F = 2(0.2)/1.2 = 1/3;  ROUGE-L: LCS 2 -> 1/2
  const RougeScores s = rouge("the cat", "the cat is on the mat");
  CHECK(s.rouge1.precision == Approx(1.0));
  CHECK(s.rouge1.recall == Approx(1.0 / 3));
  CHECK(s.rouge1.f == Approx(0.5));
  CHECK(s.rouge2.f == Approx(1.0 / 3));
  CHECK(s.rougeL.f == Approx(0.5));
}

TEST_CASE("text overlap: Cyrillic words count (rouge-score would score them 0)", "[metrics][text_overlap]") {
  // cand: кошка сидит на ковре   ref: кошка лежит на ковре   (4 tokens each; case folded)
  // ROUGE-1: кошка, на, ковре = 3 -> 3/4
  // ROUGE-2: {кошка сидит, сидит на, на ковре} vs {кошка лежит, лежит на, на ковре}: 1 -> 1/3
  // ROUGE-L: LCS "кошка на ковре" = 3 -> 3/4
  const RougeScores r = rouge("КОШКА сидит на ковре.", "Кошка лежит на ковре");
  CHECK(r.rouge1.f == Approx(0.75));
  CHECK(r.rouge2.f == Approx(1.0 / 3));
  CHECK(r.rougeL.f == Approx(0.75));
  CHECK(words("Ёж, ЁЛКА!") == std::vector<std::string>{"ёж", "ёлка"});
}

TEST_CASE("text overlap: empty texts score 0, not NaN", "[metrics][text_overlap]") {
  const RougeScores r = rouge("", "the cat");
  CHECK(r.rouge1.f == 0.0);
  CHECK(r.rougeL.f == 0.0);
  CHECK(sentence_bleu("", "the cat") == 0.0);
  CHECK(sentence_bleu("...", "") == 0.0);
}

TEST_CASE("text overlap: sentence BLEU-4 matches NLTK method1 smoothing by hand", "[metrics][text_overlap]") {
  // NLTK: sentence_bleu([ref], hyp, smoothing_function=SmoothingFunction().method1)
  // hyp: the cat sat on the mat   ref: the cat is on the mat
  // p1 = 5/6, p2 = 3/5, p3 = 1/4 (on the mat), p4 = 0/3 -> (0 + 0.1)/3 (method1, eps 0.1)
  // BP = 1 (equal lengths); BLEU = (5/6 * 3/5 * 1/4 * 1/30)^(1/4) = (1/240)^(1/4) = 0.2540664
  CHECK(sentence_bleu("The cat sat on the mat", "The cat is on the mat") == Approx(0.2540664));
  CHECK(sentence_bleu("the cat sat on the mat", "the cat is on the mat") == Approx(std::pow(1.0 / 240, 0.25)));

  // Brevity: hyp "the cat" (c = 2), ref 6 tokens (r = 6).
  // p1 = 2/2, p2 = 1/1, p3 = 0 of max(1, 0) -> 0.1/1, p4 -> 0.1/1
  // BP = exp(1 - 6/2) = e^-2;  BLEU = e^-2 * (0.1 * 0.1)^(1/4) = e^-2 * sqrt(0.1) = 0.0427968
  CHECK(sentence_bleu("the cat", "the cat is on the mat") == Approx(0.0427968));

  CHECK(sentence_bleu("the cat is on the mat", "the cat is on the mat") == Approx(1.0));
  // No unigram in common: 0 before any smoothing (as NLTK).
  CHECK(sentence_bleu("dogs bark loudly", "the cat is on the mat") == 0.0);
}

TEST_CASE("text overlap: per-item keys and averages use the dashboard names", "[metrics][text_overlap]") {
  const TextOverlap a = text_overlap("the cat sat on the mat", "the cat is on the mat");
  const TextOverlap b = text_overlap("the cat is on the mat", "the cat is on the mat");
  const nlohmann::json item = to_json(a);
  CHECK(item["rouge1_f"].get<double>() == Approx(5.0 / 6));
  CHECK(item.contains("rouge2_f"));
  CHECK(item.contains("rougeL_f"));
  CHECK(item.contains("bleu"));
  const nlohmann::json avg = to_json(summarize({a, b}));
  CHECK(avg["avg_rouge1_f"].get<double>() == Approx((5.0 / 6 + 1) / 2));
  CHECK(avg["avg_rougeL_f"].get<double>() == Approx((5.0 / 6 + 1) / 2));
  CHECK(avg["avg_bleu"].get<double>() == Approx((0.2540664 + 1) / 2));
  CHECK(to_json(summarize({})).empty());
}

TEST_CASE("text overlap: exact-match rate compares trimmed repeated answers", "[metrics][text_overlap]") {
  // item 1 identical after trimming; item 2 differs in case; item 3 ignored (one answer);
  // item 4 identical -> 2 of 3 items.
  const std::vector<std::vector<std::string>> answers{
      {"Paris", "  Paris\n"}, {"Paris", "paris"}, {"alone"}, {"x", "x", "x"}};
  CHECK(*response_exact_match_rate(answers) == Approx(2.0 / 3));
  CHECK_FALSE(response_exact_match_rate({{"only one"}}).has_value());
}

TEST_CASE("text overlap: Greek capitals fold to small letters, final sigma included", "[metrics][text_overlap]") {
  CHECK(words("ΔH της ΑΝΤΙΔΡΑΣΗΣ") == std::vector<std::string>{"δh", "τησ", "αντιδρασησ"});  // ς and Σ fold to σ
  CHECK(words("ΔH της αντίδρασης") == words("δh ΤΗΣ ΑΝΤΊΔΡΑΣΗΣ"));
  const RougeScores r = rouge("Η ΕΝΘΑΛΠΊΑ ΔH ΕΊΝΑΙ αρνητική", "η ενθαλπία δh είναι ΑΡΝΗΤΙΚΉ");
  CHECK(r.rouge1.f == 1.0);
  CHECK(r.rougeL.f == 1.0);
}

TEST_CASE("text overlap: Georgian, Ethiopic and Arabic-Indic digits are words, not separators", "[metrics][text_overlap]") {
  CHECK(words("თბილისი საქართველოს დედაქალაქია") ==
        std::vector<std::string>{"თბილისი", "საქართველოს", "დედაქალაქია"});
  CHECK(words("አዲስ አበባ።") == std::vector<std::string>{"አዲስ", "አበባ"});  // ። is the Ethiopic full stop
  CHECK(words("العدد ٣٤٥ كبير") == std::vector<std::string>{"العدد", "٣٤٥", "كبير"});
  CHECK(rouge("თბილისი დედაქალაქია", "თბილისი არის დედაქალაქია").rouge1.recall == Approx(2.0 / 3));
}

TEST_CASE("text overlap: fullwidth letters and digits count as the letters and digits they stand for",
          "[metrics][text_overlap]") {
  CHECK(words("ＧＰＴ－４ ｉｓ ｈｅｒｅ") == std::vector<std::string>{"gpt", "4", "is", "here"});
  CHECK(rouge("ＧＰＴ ２０２４", "gpt 2024").rouge1.f == 1.0);
}

TEST_CASE("text overlap: an apostrophe inside a word keeps it whole whichever apostrophe is typed",
          "[metrics][text_overlap]") {
  // U+02BC (modifier letter apostrophe), U+2019 and ASCII: one word, spelled with "'".
  CHECK(words("памʼять") == std::vector<std::string>{"пам'ять"});
  CHECK(words("пам’ять") == std::vector<std::string>{"пам'ять"});
  CHECK(words("Пам'ять") == std::vector<std::string>{"пам'ять"});
  CHECK(rouge("Памʼять про минуле", "пам'ять про минуле").rouge1.f == 1.0);
  // At a word's edge it separates: quotes stay out of the words.
  CHECK(words("ʼслово' 'word’") == std::vector<std::string>{"слово", "word"});
}

TEST_CASE("text overlap: each CJK ideograph or kana is a word, Hangul words stay whole", "[metrics][text_overlap]") {
  CHECK(words("東京は大きい") == std::vector<std::string>{"東", "京", "は", "大", "き", "い"});
  CHECK(words("서울은 크다") == std::vector<std::string>{"서울은", "크다"});
}
