#pragma once
// What `llmbench datasets list` shows: every task with the counts found by actually loading it.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/data/custom_task.hpp"
#include "llmbench/data/tasks.hpp"

namespace llmbench::data {

enum class TaskOrigin { standard, custom };

struct TaskListing {
  TaskSpec info;
  TaskOrigin origin = TaskOrigin::standard;
  std::size_t item_count = 0;     // loaded, not taken from SOURCE.md
  std::size_t fewshot_count = 0;  // size of the few-shot pool (0: none ships)
};

// Loads every standard task from `data_dir` (throws on the first problem), then appends the
// already loaded custom tasks.
std::vector<TaskListing> list_tasks(const std::string& data_dir,
                                    const std::vector<CustomTask>& custom = {});

// A fixed-width text table: task, items, split, few-shot, license, files.
std::string render_listing_table(const std::vector<TaskListing>& listing);

// One shipped RAG file (see rag_dataset.hpp), counted by loading it.
struct RagFileListing {
  std::string lang;          // "en" | "ru"
  std::string kind;          // "synthetic" | "manual" | "chunks" | "judge_pipeline"
  std::string file;          // relative to the data directory
  std::size_t records = 0;
  std::size_t show = 0;      // judge_pipeline only: items with ground_truth_show = true
};

// The RAG files of default_rag_files(data_dir, lang) for "en" and "ru" that exist (a data
// directory without them gives an empty list); each one is loaded, so a malformed file throws.
std::vector<RagFileListing> list_rag_files(const std::string& data_dir);

// A fixed-width text table: rag file, records, file ("" when `rag` is empty).
std::string render_rag_table(const std::vector<RagFileListing>& rag);

// {"data_dir": ..., "tasks": [{"name", "origin", "description", "split", "items",
//   "items_expected", "fewshot_split", "fewshot_items", "scorer", "license", "files"}],
//  "rag": [{"lang", "kind", "file", "records"[, "show", "no_show"]}]}
nlohmann::json listing_json(const std::vector<TaskListing>& listing, const std::string& data_dir,
                            const std::vector<RagFileListing>& rag = {});

}  // namespace llmbench::data
