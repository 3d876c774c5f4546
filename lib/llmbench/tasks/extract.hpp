#pragma once
// Answer extraction from chat answers (chat APIs give no log-probabilities, so the answer is
// read from text). Pure functions, thread-safe, never throw on any model output.
//
// Reasoning is never an answer: `<think>`/`<thinking>` blocks are stripped from the
// content (again, defensively: the executor already moves them to `reasoning`), and the
// separate reasoning text is accepted only so that call sites state what they have; it is
// never read.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace llmbench::tasks {

// `text` without reasoning blocks: every <think>...</think> (and <thinking>...</thinking>,
// tags matched case-insensitively) is removed; an unclosed opening tag removes everything
// after it; a closing tag with no opening tag before it removes everything before it (a
// server that swallowed the opening tag). Not trimmed.
std::string strip_think(std::string_view text);

// The letter a model chose, or nullopt when the answer cannot be read without guessing.
// `letters`: the letters the prompt offered, in order, uppercase ASCII ("ABCD"); only these
// count. `option_texts`: the option texts as shown (same order as letters), used only when
// the answer holds no letter at all (an answer repeating an option's text maps to it).
//
// Precedence, on the content with reasoning stripped:
//  1. an explicit statement, the LAST one in the text: "Answer: B", "answer is (B)",
//     "The correct answer is **B**", "\boxed{B}", "B is correct", "Ответ: B",
//     "Правильный ответ — B" (Cyrillic look-alikes А В С Е count as A B C E here when they
//     stand alone). A last statement naming two letters ("answer is A or B") -> nullopt;
//  2. a letter standing alone on the last non-empty line: "B", "(B)", "**B.**", "Option B",
//     or "B. <text>" (unless the text lists several options that way); failing that, on
//     the first non-empty line (an answer followed by its explanation);
//  3. the only letter mentioned anywhere as a standalone capital ("I'd go with C.");
//     several different letters ("A and B") -> nullopt;
//  4. no letter at all: the answer (or what follows its last "answer is") equals one
//     option's text after normalize_for_match -> that option's letter.
std::optional<char> extract_choice(std::string_view text, std::string_view reasoning,
                                   std::string_view letters,
                                   std::span<const std::string> option_texts = {});

// ---- Replies cut off by the token budget (finish_reason "length") ----
// A cut-off reply is unfinished text: its tail may name a letter or a number the model had
// not settled on ("...the one that said B", "...so far 12 + 7"). Only a final-answer
// statement that is complete before the cut counts. A statement is complete when what
// follows it (after closing markup * _ ` " ') is a closing bracket ) ] }, a line end,
// sentence punctuation (. ! ? ; : ,) or a space and then one more whole word that is not
// "and"/"or"/"и"/"или". For a number, a '.' or ',' right after it must be followed by a
// non-digit (the cut may have split "3.5" or "1,250").

// The letter of the LAST explicit statement of extract_choice's rule 1 ("Answer: B.",
// "The answer is (B)", "B is correct.", "Ответ: В\n") when it is complete; nullopt when
// there is none, when it names two letters, or when it runs into the cut. Rules 2-4 (a lone
// letter, a mention, an option's text) never apply to a cut-off reply.
std::optional<char> extract_committed_choice(std::string_view text, std::string_view letters);

// The byte offset in `text` (reasoning blocks already stripped) just after the number of the
// LAST final-answer statement ("#### 42", "\boxed{42}", "answer is 42", "answer: 42",
// "Ответ: 42": the first number after the marker on its line) when that number is complete;
// nullopt when there is none or it runs into the cut. The answer a cut-off reply committed
// to is text.substr(0, offset), scored like any answer.
std::optional<std::size_t> committed_number_end(std::string_view text);

// ---- GSM8K, reproducing lm-evaluation-harness (tasks/gsm8k/gsm8k.yaml, version 3.x) ----
// The harness's fallback for "no match" is the string "[invalid]"; here it is nullopt
// (the caller counts it as unparsed).

// "strict-match": regex `#### (\-?[0-9\.\,]+)`, first match, group 1 (then .strip()).
std::optional<std::string> gsm8k_strict_extract(std::string_view text);
// "flexible-extract": regex `(-?[$0-9.,]{2,})|(-?[0-9]+)`, group_select -1 (the last
// findall match), of which the non-empty group (then .strip()).
std::optional<std::string> gsm8k_flexible_extract(std::string_view text);
// exact_match's preprocessing, applied to prediction and reference alike: re.sub with
// regexes_to_ignore [",", "\\$", "(?s).*#### ", "\\.$"] in that order (Python `$`: end of
// string or before a final "\n"), then ignore_case (lowercase). ignore_punctuation: false.
std::string gsm8k_normalize(std::string_view s);
// gsm8k_normalize(prediction) == gsm8k_normalize(reference).
bool gsm8k_exact_match(std::string_view prediction, std::string_view reference);

// ---- Friendlier numbers, for the custom `numeric` scorer ----

struct ExtractedNumber {
  double value = 0;
  std::string text;  // as written, without currency: "-1,234.5"
};

// The answer number of a free-form reply: after the last "####", else inside the last
// \boxed{...}, else the first number after the last "answer is"/"answer:"/"ответ" on its
// line, else the last number in the text. Numbers: optional sign ('-' or U+2212, not glued
// to a preceding letter or digit), digits with optional ",ddd" thousands groups and an
// optional ".ddd" fraction; a '$' before is skipped; a sentence's final '.' is not part of
// it. "$1,234" -> 1234, "-3.5" -> -3.5. Reasoning blocks are stripped first.
std::optional<ExtractedNumber> extract_number(std::string_view text);

// Relative tolerance 1e-9: |a - b| <= 1e-9 * max(|a|, |b|) (so 0 equals only 0).
bool numbers_equal(double a, double b);

}  // namespace llmbench::tasks
