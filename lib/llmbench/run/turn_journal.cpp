#include "llmbench/run/turn_journal.hpp"

#include "llmbench/error.hpp"

namespace llmbench::run {

TurnJournal::TurnJournal(records::JournalWriter& journal, http::Executor& executor,
                         std::function<void(const nlohmann::json& record)> counted)
    : journal_(journal), executor_(executor), counted_(std::move(counted)) {
  held_.reserve(kMaxHeld);
  executor_.on_turn_end([this] { write(); });
}

TurnJournal::~TurnJournal() { executor_.on_turn_end({}); }

void TurnJournal::add(nlohmann::json record) {
  if (!failure_.empty()) return;
  journal_.hold(record);
  held_.push_back(std::move(record));
  if (held_.size() >= kMaxHeld) write();
}

void TurnJournal::write() {
  if (held_.empty()) return;
  try {
    journal_.write_held();
  } catch (const Error& e) {
    failure_ = e.what();
    held_.clear();
    executor_.request_stop();
    return;
  }
  for (const nlohmann::json& record : held_) counted_(record);
  held_.clear();
}

}  // namespace llmbench::run
