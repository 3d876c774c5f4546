#include "llmbench/data/listing.hpp"

#include <algorithm>

#include <fmt/format.h>

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

}  // namespace

std::vector<TaskListing> list_tasks(const std::string& data_dir,
                                    const std::vector<CustomTask>& custom) {
  std::vector<TaskListing> listing;
  for (const TaskInfo& info : standard_tasks()) {
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
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool numeric = c == 1;
      const std::string pad(widths[c] - width(row[c]), ' ');
      if (c > 0) line += "  ";
      line += numeric ? pad + row[c] : (c + 1 == row.size() ? row[c] : row[c] + pad);
    }
    out += line + "\n";
  }
  return out;
}

nlohmann::json listing_json(const std::vector<TaskListing>& listing, const std::string& data_dir) {
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
  return {{"data_dir", data_dir}, {"tasks", tasks}};
}

}  // namespace llmbench::data
