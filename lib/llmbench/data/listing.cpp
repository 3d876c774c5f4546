#include "llmbench/data/listing.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "llmbench/data/rag_dataset.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::data {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// Display width of UTF-8 text: code points, not bytes (good enough for the names we show).
std::size_t width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Rows as a left-aligned table; column `numeric_column` is right-aligned. Cells hold text from
// tasks files (descriptions, licenses, file names): each goes through terminal_safe.
std::string render_rows(std::vector<std::vector<std::string>> rows, std::size_t numeric_column) {
  for (auto& row : rows) {
    for (auto& cell : row) cell = util::terminal_safe(cell);
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - width(row[c]), ' ');
      if (c > 0) line += "  ";
      line += c == numeric_column ? pad + row[c] : (c + 1 == row.size() ? row[c] : row[c] + pad);
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::vector<TaskListing> list_tasks(const std::string& data_dir,
                                    const std::vector<CustomTask>& custom) {
  std::vector<TaskListing> listing;
  for (const TaskSpec& info : standard_tasks()) {
    const Dataset ds = load_task(info.name, data_dir);
    listing.push_back({info, TaskOrigin::standard, ds.items.size(), ds.fewshot_pool.size()});
  }
  for (const CustomTask& task : custom) {
    listing.push_back({task.info, TaskOrigin::custom, task.dataset.items.size(),
                       task.dataset.fewshot_pool.size()});
  }
  return listing;
}

std::string render_listing_table(const std::vector<TaskListing>& listing) {
  std::vector<std::vector<std::string>> rows = {
      {"task", "items", "split", "few-shot", "scorer", "license", "files"}};
  for (const TaskListing& t : listing) {
    const std::string fewshot =
        t.fewshot_count == 0 ? "-" : fmt::format("{} ({})", t.fewshot_count, t.info.fewshot_split);
    rows.push_back({t.info.name + (t.origin == TaskOrigin::custom ? " (custom)" : ""),
                    std::to_string(t.item_count), t.info.split, fewshot,
                    std::string(to_string(t.info.scorer)),
                    t.info.license.empty() ? "-" : t.info.license, join(t.info.files, ", ")});
  }
  return render_rows(rows, 1);
}

std::vector<RagFileListing> list_rag_files(const std::string& data_dir) {
  std::vector<RagFileListing> rag;
  const auto relative = [&](const std::string& path) {
    return std::filesystem::path(path).lexically_relative(data_dir).generic_string();
  };
  for (const std::string& lang : std::vector<std::string>{"en", "ru"}) {
    const RagFiles files = default_rag_files(data_dir, lang);
    std::error_code ec;
    const auto add = [&](const std::string& kind, const std::string& path, auto count) {
      if (!std::filesystem::exists(path, ec)) return;
      RagFileListing row{lang, kind, relative(path), 0, 0};
      count(path, row);
      rag.push_back(std::move(row));
    };
    const auto count_items = [](const std::string& p, RagFileListing& row) {
      row.records = load_rag_dataset(p).size();
    };
    add("synthetic", files.synthetic, count_items);
    add("manual", files.manual, count_items);
    add("chunks", files.chunks,
        [](const std::string& p, RagFileListing& row) { row.records = load_chunks(p).size(); });
    add("judge_pipeline", files.judge_pipeline, [](const std::string& p, RagFileListing& row) {
      const auto items = load_judge_pipeline(p);
      row.records = items.size();
      row.show = static_cast<std::size_t>(
          std::count_if(items.begin(), items.end(),
                        [](const JudgePipelineItem& i) { return i.ground_truth_show; }));
    });
  }
  return rag;
}

std::string render_rag_table(const std::vector<RagFileListing>& rag) {
  if (rag.empty()) return {};
  std::vector<std::vector<std::string>> rows = {{"rag dataset", "records", "file"}};
  for (const RagFileListing& r : rag) {
    std::string records = std::to_string(r.records);
    if (r.kind == "judge_pipeline") {
      records = fmt::format("{} ({} show / {} not)", r.records, r.show, r.records - r.show);
    }
    rows.push_back({r.kind + " (" + r.lang + ")", records, r.file});
  }
  return render_rows(rows, 1);
}

nlohmann::json listing_json(const std::vector<TaskListing>& listing, const std::string& data_dir,
                            const std::vector<RagFileListing>& rag) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const TaskListing& t : listing) {
    tasks.push_back({{"name", t.info.name},
                     {"origin", t.origin == TaskOrigin::custom ? "custom" : "standard"},
                     {"description", t.info.description},
                     {"split", t.info.split},
                     {"items", t.item_count},
                     {"items_expected", t.info.item_count_expected},
                     {"fewshot_split", t.info.fewshot_split},
                     {"fewshot_items", t.fewshot_count},
                     {"scorer", std::string(to_string(t.info.scorer))},
                     {"license", t.info.license},
                     {"files", t.info.files}});
  }
  nlohmann::json rag_files = nlohmann::json::array();
  for (const RagFileListing& r : rag) {
    nlohmann::json row = {
        {"lang", r.lang}, {"kind", r.kind}, {"file", r.file}, {"records", r.records}};
    if (r.kind == "judge_pipeline") {
      row["show"] = r.show;
      row["no_show"] = r.records - r.show;
    }
    rag_files.push_back(std::move(row));
  }
  return {{"data_dir", data_dir}, {"tasks", tasks}, {"rag", rag_files}};
}

}  // namespace llmbench::data
