#pragma once
// A run's item log written a turn of the executor's loop at a time: the records finished in
// one turn are held back and their lines appended with one write() when the turn ends
// (http::Executor::on_turn_end), not one write() each; then each record is handed to
// `counted` (progress, metrics), in order, as if it had been written alone. A crash loses at
// most the items in flight and those of the turn it ended. A failed write (disk full) undoes
// the turn's lines, requests a stop and is kept as failure(): nothing is written or counted
// after it.
//
// Loop thread only. Registers itself with the executor for its lifetime (one per executor).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/http/executor.hpp"
#include "llmbench/records/journal.hpp"

namespace llmbench::run {

class TurnJournal {
 public:
  TurnJournal(records::JournalWriter& journal, http::Executor& executor,
              std::function<void(const nlohmann::json& record)> counted);
  ~TurnJournal();
  TurnJournal(const TurnJournal&) = delete;
  TurnJournal& operator=(const TurnJournal&) = delete;

  // Holds a finished record until the turn ends (or until kMaxHeld are held: a turn that
  // delivers a run's worth of cached answers is written in pieces).
  void add(nlohmann::json record);
  // Writes what is held, then counts it. Called at each turn's end; call it once more after
  // the executor's run() for records added outside it.
  void write();
  // The failed write's error ("" while none failed).
  const std::string& failure() const { return failure_; }

  static constexpr std::size_t kMaxHeld = 64;

 private:
  records::JournalWriter& journal_;
  http::Executor& executor_;
  std::function<void(const nlohmann::json&)> counted_;
  std::vector<nlohmann::json> held_;
  std::string failure_;
};

}  // namespace llmbench::run
