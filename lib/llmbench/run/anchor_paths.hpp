#pragma once
// The file flags of `llmbench run`, anchored where the run started (run/options.cpp).

#include <filesystem>

#include "llmbench/run/options.hpp"

namespace llmbench::run {

// Makes each file or directory flag of `given_flags` (--config, --env-file, --tasks-file,
// --dataset, --manual-dataset, --chunks, --judge-pipeline-dataset, --prompts-dir, --ux-log,
// --cache-dir, --baselines, --weights) absolute against `base` (the working directory), so the
// record's `flags` name the files the run read wherever `llmbench merge` or `run --resume` is
// started. Defaults are left as they are (their own rules find them).
void anchor_given_paths(RunOptions& options, const std::filesystem::path& base);

}  // namespace llmbench::run
