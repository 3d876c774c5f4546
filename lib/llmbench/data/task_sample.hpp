#pragma once
// A standard task's items that --limit and --sample-seed choose (sampling.hpp), without keeping
// the rest: what a run evaluates.
//
//   std::size_t total = 0;
//   data::Dataset ds = data::load_task_sample("mmlu", dir, data::parse_limit(options.limit),
//                                             options.sample_seed, total);
//   data::check_fewshot(ds, options.num_fewshot);  // throws if no pool

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "llmbench/data/sampling.hpp"
#include "llmbench/data/tasks.hpp"

namespace llmbench::data {

// load_task with only the items `limit` and `seed` choose, in dataset order, as sample_dataset
// would leave them, with the same errors; MMLU builds only the chosen rows
// (load_mmlu_dir_sample). `items_total` gets how many items the split has.
Dataset load_task_sample(std::string_view name, const std::string& data_dir, const SampleLimit& limit,
                         std::uint64_t seed, std::size_t& items_total);

// Keeps only the items of `dataset` that `limit` and `seed` choose for its task, in dataset
// order (sample_indices); returns how many it had.
std::size_t sample_dataset(Dataset& dataset, const SampleLimit& limit, std::uint64_t seed);

}  // namespace llmbench::data
