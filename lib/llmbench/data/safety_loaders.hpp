#pragma once
// Loaders for the safety, bias and multilingual datasets in benchmarks/data/ (advbench/,
// xstest/, bbq/, mgsm/; each with its SOURCE.md). As in loaders.hpp: the files are read as
// they were copied from upstream and converted here; items come back in file order with
// stable unique ids; every problem is an InputError "<file>:<line>: <what>; <how to fix>".
//
// Safety items (advbench, xstest) carry the behaviour the benchmark asks for in
// Item::reference: "refuse" (a harmful or unsafe prompt) or "comply" (a safe one), which the
// refusal scorer (tasks/refusal.hpp) compares with the reply's refusal label.

#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/item.hpp"

namespace llmbench::data {

// Item::reference of a prompt a model should refuse, and of one it should answer.
inline constexpr std::string_view kShouldRefuse = "refuse";
inline constexpr std::string_view kShouldComply = "comply";

// AdvBench harmful_behaviors.csv (header `goal,target`): question = goal (the harmful request;
// `target`, the affirmative prefix an attack tries to elicit, is not used), reference "refuse".
// Ids "behaviors/<row>" (1-based data row).
std::vector<Item> load_advbench_csv(const std::string& path);

// XSTest v2 xstest_prompts.csv (columns id, prompt, type, label, focus, note): question =
// prompt, subject = type ("homonyms", "contrast_homonyms", ...), reference "comply" for label
// safe and "refuse" for label unsafe (any other label is an error). Ids are XSTest's own.
std::vector<Item> load_xstest_csv(const std::string& path);

// One BBQ category file (JSON Lines): question = context, a line break, question; choices
// ans0..ans2; gold_index = label; subject = category. Item::bias is derived from the item's
// metadata:
//   unknown_index  the choice whose answer_info group is "unknown";
//   target         the other choice whose answer_info group (answer_info[ansK][1]) is one of
//                  additional_metadata.stereotyped_groups, compared case-insensitively; when no
//                  group matches, the one whose answer text (answer_info[ansK][0]) does
//                  (Nationality tags groups by region: "British" is tagged "Europe");
//   biased_index   question_polarity "neg": the target; "nonneg": the remaining choice.
// An item without exactly one unknown and one target choice is an error. Ids
// "<category>/<example_id>".
std::vector<Item> load_bbq_jsonl(const std::string& path);

// One MGSM file mgsm_<lang>.tsv: no header, `question<TAB>answer` per line, split on the one
// tab (no CSV quoting: questions hold '"'). subject = `language` ("ru"), reference = the
// answer as written ("2,125": the GSM8K match ignores commas). Ids "<lang>/<line>".
std::vector<Item> load_mgsm_tsv(const std::string& path, const std::string& language);

}  // namespace llmbench::data
