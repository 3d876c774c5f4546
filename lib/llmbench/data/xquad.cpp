#include "llmbench/data/xquad.hpp"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "llmbench/data/sampling.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/atomic_file.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::data {
namespace {

constexpr std::string_view kSquadFix =
    "expected SQuAD v1.1 JSON: {\"data\": [{\"title\", \"paragraphs\": [{\"context\", \"qas\": "
    "[{\"id\", \"question\", \"answers\": [{\"text\", \"answer_start\"}]}]}]}]}";

// Field `key` of `object` (at JSON location `where`), which must have `type`.
const Json& squad_field(const Json& object, std::string_view key, Json::value_t type,
                        const std::string& where, const std::string& path) {
  if (!object.is_object()) {
    throw InputError(
        path, 0,
        fmt::format("{} is {}, expected an object; {}", where, json_type_name(object), kSquadFix));
  }
  const auto it = object.find(key);
  if (it == object.end()) {
    throw InputError(path, 0, fmt::format("{}: missing field \"{}\"; {}", where, key, kSquadFix));
  }
  const bool ok =
      type == Json::value_t::number_integer ? it->is_number_integer() : it->type() == type;
  if (!ok) {
    Json expected(type);
    throw InputError(path, 0,
                     fmt::format("{}.{} is {}, expected {}; {}", where, key, json_type_name(*it),
                                 type == Json::value_t::number_integer ? std::string("an integer")
                                                                       : json_type_name(expected),
                                 kSquadFix));
  }
  return *it;
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string trimmed(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// A question with the paragraph it belongs to, in file order.
struct FlatQuestion {
  const SquadArticle* article;
  const SquadParagraph* paragraph;
  const SquadQuestion* question;
};

std::vector<FlatQuestion> flatten(const std::vector<SquadArticle>& articles) {
  std::vector<FlatQuestion> flat;
  for (const SquadArticle& article : articles) {
    for (const SquadParagraph& paragraph : article.paragraphs) {
      for (const SquadQuestion& question : paragraph.questions) {
        flat.push_back({&article, &paragraph, &question});
      }
    }
  }
  return flat;
}

std::string chunk_id_of(const SquadParagraph& paragraph) {
  return fmt::format("xquad-{}-{}", paragraph.article_index, paragraph.paragraph_index);
}

// Positions into `flat` ordered by sample_key(seed, task, id); ties keep file order.
std::vector<std::size_t> ranked(const std::vector<FlatQuestion>& flat, std::uint64_t seed,
                                std::string_view task) {
  std::vector<std::uint64_t> keys;
  keys.reserve(flat.size());
  for (const FlatQuestion& q : flat) keys.push_back(sample_key(seed, task, q.question->id));
  std::vector<std::size_t> order(flat.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  return order;
}

Json rag_record(const FlatQuestion& q, const std::string& lang) {
  const std::string chunk_id = chunk_id_of(*q.paragraph);
  const std::string url = xquad_article_url(lang, q.article->title);
  Json record;
  record["id"] = q.question->id;
  record["question"] = q.question->question;
  record["ground_truth_answer"] = q.question->answer;
  record["chunk_id"] = chunk_id;
  record["chunk_text"] = q.paragraph->context;
  record["relevant_chunk_ids"] = Json::array({chunk_id});
  record["relevant_urls"] = Json::array({url});
  record["confluence_url"] = url;
  return record;
}

std::string jsonl(const std::vector<Json>& records) {
  std::string out;
  for (const Json& record : records) out += record.dump(-1, ' ', false) + "\n";
  return out;
}

// Index into `flat` of the donor of a wrong answer for flat[target]: scanning cyclically from
// a seeded start, the first question about another paragraph whose answer differs from the
// gold answer and does not occur (ASCII case-insensitively) in the gold context.
std::size_t pick_donor(const std::vector<FlatQuestion>& flat, std::size_t target,
                       std::uint64_t seed, const std::string& path) {
  const FlatQuestion& q = flat[target];
  const std::string context = ascii_lower(q.paragraph->context);
  const std::string gold = ascii_lower(trimmed(q.question->answer));
  const std::size_t start = sample_key(seed, "xquad_judge_donor", q.question->id) % flat.size();
  for (std::size_t step = 0; step < flat.size(); ++step) {
    const std::size_t k = (start + step) % flat.size();
    const FlatQuestion& donor = flat[k];
    if (donor.paragraph == q.paragraph) continue;
    const std::string answer = ascii_lower(trimmed(donor.question->answer));
    if (answer.empty() || answer == gold || context.find(answer) != std::string::npos) continue;
    return k;
  }
  throw InputError(path, 0,
                   fmt::format("cannot build a wrong-answer item for question \"{}\": no question "
                               "about another paragraph has an answer absent from its context; "
                               "the input needs more paragraphs",
                               q.question->id));
}

}  // namespace

std::vector<SquadArticle> parse_squad(std::string_view text, const std::string& path) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InputError(path, util::line_of_offset(text, e.byte > 0 ? e.byte - 1 : 0),
                     fmt::format("bad JSON ({}); {}", e.what(), kSquadFix));
  }
  const Json& data = squad_field(doc, "data", Json::value_t::array, "the top level", path);
  std::vector<SquadArticle> articles;
  std::set<std::string> ids;
  for (std::size_t a = 0; a < data.size(); ++a) {
    const std::string at = fmt::format("data[{}]", a);
    SquadArticle article;
    article.title =
        squad_field(data[a], "title", Json::value_t::string, at, path).get<std::string>();
    const Json& paragraphs = squad_field(data[a], "paragraphs", Json::value_t::array, at, path);
    for (std::size_t p = 0; p < paragraphs.size(); ++p) {
      const std::string pat = fmt::format("{}.paragraphs[{}]", at, p);
      SquadParagraph paragraph;
      paragraph.article_index = a;
      paragraph.paragraph_index = p;
      paragraph.context = squad_field(paragraphs[p], "context", Json::value_t::string, pat, path)
                              .get<std::string>();
      // Seven of XQuAD's Russian paragraphs start with a stray U+FEFF; drop it (and shift
      // answer_start below, which counts code points).
      const bool had_bom = paragraph.context.rfind(kUtf8Bom, 0) == 0;
      if (had_bom) paragraph.context.erase(0, kUtf8Bom.size());
      if (trimmed(paragraph.context).empty()) {
        throw InputError(path, 0, fmt::format("{}.context is empty; {}", pat, kSquadFix));
      }
      const Json& qas = squad_field(paragraphs[p], "qas", Json::value_t::array, pat, path);
      for (std::size_t k = 0; k < qas.size(); ++k) {
        const std::string qat = fmt::format("{}.qas[{}]", pat, k);
        SquadQuestion question;
        question.id =
            squad_field(qas[k], "id", Json::value_t::string, qat, path).get<std::string>();
        question.question =
            squad_field(qas[k], "question", Json::value_t::string, qat, path).get<std::string>();
        const Json& answers = squad_field(qas[k], "answers", Json::value_t::array, qat, path);
        if (answers.empty()) {
          throw InputError(path, 0,
                           fmt::format("{}.answers is empty; every question needs a "
                                       "gold answer (SQuAD v1.1, not v2.0)",
                                       qat));
        }
        const std::string aat = qat + ".answers[0]";
        question.answer =
            squad_field(answers[0], "text", Json::value_t::string, aat, path).get<std::string>();
        question.answer_start =
            squad_field(answers[0], "answer_start", Json::value_t::number_integer, aat, path)
                .get<long>();
        if (had_bom && question.answer_start > 0) --question.answer_start;
        if (question.id.empty() || trimmed(question.question).empty() ||
            trimmed(question.answer).empty()) {
          throw InputError(
              path, 0, fmt::format("{}: empty id, question or answer text; {}", qat, kSquadFix));
        }
        if (!ids.insert(question.id).second) {
          throw InputError(path, 0,
                           fmt::format("{}: duplicate question id \"{}\"; question "
                                       "ids must be unique",
                                       qat, question.id));
        }
        paragraph.questions.push_back(std::move(question));
      }
      article.paragraphs.push_back(std::move(paragraph));
    }
    articles.push_back(std::move(article));
  }
  if (ids.empty()) throw InputError(path, 0, "no questions; " + std::string(kSquadFix));
  return articles;
}

std::string xquad_article_url(const std::string& lang, const std::string& title) {
  std::string encoded;
  for (const char c : title) {
    const auto byte = static_cast<unsigned char>(c);
    const bool keep = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                      (byte >= '0' && byte <= '9') ||
                      std::string_view("-._~,()'").find(c) != std::string_view::npos;
    encoded += keep ? std::string(1, c) : fmt::format("%{:02X}", byte);
  }
  return fmt::format("https://xquad.example/{}/{}", lang, encoded);
}

Json build_judge_pipeline(const std::vector<SquadArticle>& articles, std::uint64_t seed,
                          std::size_t judge_count, const std::string& path) {
  const std::vector<FlatQuestion> flat = flatten(articles);
  std::set<const SquadParagraph*> paragraphs;
  for (const FlatQuestion& q : flat) paragraphs.insert(q.paragraph);
  if (paragraphs.size() < 2) {
    throw InputError(path, 0,
                     "the judge set needs questions about at least two paragraphs "
                     "(wrong answers come from another paragraph)");
  }
  const std::size_t n = std::min(judge_count, flat.size());
  const std::size_t positives = n - n / 2;
  const std::size_t wrong_answers = n / 2 - n / 4;
  const std::vector<std::size_t> order = ranked(flat, seed, "xquad_judge");
  // kind of each chosen question, by its position in `flat`
  std::vector<int> kind(flat.size(), -1);
  for (std::size_t r = 0; r < n; ++r) {
    kind[order[r]] = r < positives ? 0 : (r < positives + wrong_answers ? 1 : 2);
  }

  Json items = Json::array();
  for (std::size_t k = 0; k < flat.size(); ++k) {
    if (kind[k] < 0) continue;
    const FlatQuestion& q = flat[k];
    Json item;
    item["id"] = q.question->id;
    item["question"] = q.question->question;
    if (kind[k] == 0) {
      item["answer"] = q.question->answer;
      item["context"] = q.paragraph->context;
      item["ground_truth_show"] = true;
      item["rationale"] = fmt::format(
          "The answer is the human-written XQuAD answer to this question and is a span of the "
          "context (character {}), so the context supports it: show it.",
          q.question->answer_start);
      item["kind"] = "gold";
    } else if (kind[k] == 1) {
      const FlatQuestion& donor = flat[pick_donor(flat, k, seed, path)];
      item["answer"] = donor.question->answer;
      item["context"] = q.paragraph->context;
      item["ground_truth_show"] = false;
      item["rationale"] = fmt::format(
          "The answer belongs to another XQuAD question ({}, about a different paragraph) and "
          "does not occur in the context, so nothing supports it as an answer to this "
          "question: do not show it.",
          donor.question->id);
      item["kind"] = "answer_from_other_question";
    } else {
      item["answer"] = q.question->answer;
      item["context"] = "";
      item["ground_truth_show"] = false;
      item["rationale"] =
          "The context is empty, so nothing supports the answer (even though it is the gold "
          "answer); an answer without supporting context should not be shown.";
      item["kind"] = "empty_context";
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<RagBuildFile> build_rag_files(const std::vector<SquadArticle>& articles,
                                          const std::string& lang, const RagBuildOptions& options,
                                          const std::string& path) {
  const std::vector<FlatQuestion> flat = flatten(articles);
  std::vector<Json> chunks;
  for (const SquadArticle& article : articles) {
    for (const SquadParagraph& paragraph : article.paragraphs) {
      Json chunk;
      chunk["chunk_id"] = chunk_id_of(paragraph);
      chunk["text"] = paragraph.context;
      chunk["url"] = xquad_article_url(lang, article.title);
      chunks.push_back(std::move(chunk));
    }
  }
  std::vector<Json> synthetic;
  for (const FlatQuestion& q : flat) synthetic.push_back(rag_record(q, lang));

  const std::vector<std::size_t> order = ranked(flat, options.seed, "xquad_manual");
  std::vector<std::size_t> chosen(
      order.begin(),
      order.begin() + static_cast<long>(std::min(options.manual_count, flat.size())));
  std::sort(chosen.begin(), chosen.end());
  std::vector<Json> manual;
  for (const std::size_t k : chosen) {
    Json record = rag_record(flat[k], lang);
    record["annotation_source"] = "xquad";
    record["article_title"] = flat[k].article->title;
    record["answer_start"] = flat[k].question->answer_start;
    manual.push_back(std::move(record));
  }
  const Json judge = build_judge_pipeline(articles, options.seed, options.judge_count, path);

  const std::string stem = "rag/xquad_" + lang;
  return {
      {stem + "_chunks.jsonl", jsonl(chunks), chunks.size()},
      {stem + "_synthetic.jsonl", jsonl(synthetic), synthetic.size()},
      {stem + "_manual.jsonl", jsonl(manual), manual.size()},
      {"dataset_judge_pipeline_" + lang + ".json", judge.dump(2, ' ', false) + "\n", judge.size()},
  };
}

XquadBuildSummary build_xquad_rag(const std::string& xquad_dir, const std::string& out_dir,
                                  const std::vector<std::string>& langs,
                                  const RagBuildOptions& options) {
  XquadBuildSummary summary;
  for (const std::string& lang : langs) {
    const std::string input = xquad_dir + "/xquad." + lang + ".json";
    std::error_code ec;
    if (!std::filesystem::exists(input, ec)) {
      throw InputError(input, 0,
                       "file not found; pass --xquad-dir with the directory holding "
                       "XQuAD's xquad.en.json and xquad.ru.json (see "
                       "benchmarks/data/rag/SOURCE.md)");
    }
    const std::vector<SquadArticle> articles =
        parse_squad(util::read_text_file(input, util::LineLimit::none), input);
    summary.inputs.push_back(input);
    for (RagBuildFile& file : build_rag_files(articles, lang, options, input)) {
      summary.files.push_back(std::move(file));
    }
  }
  for (RagBuildFile& file : summary.files) {
    util::write_file_atomically(std::filesystem::path(out_dir) / file.relative_path,
                                  file.content);
  }
  return summary;
}

std::string default_xquad_dir() {
  std::error_code ec;
  const std::filesystem::path root =
      std::filesystem::is_directory("benchmarks/data", ec) ? "." : LLMBENCH_SOURCE_DIR;
  return (root / "../shared/datasets/xquad_ru").lexically_normal().string();
}

}  // namespace llmbench::data
