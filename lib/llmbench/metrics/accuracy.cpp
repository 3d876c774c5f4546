#include "llmbench/metrics/accuracy.hpp"

#include <map>

namespace llmbench::metrics {

void AccuracyTally::add(Verdict verdict) {
  switch (verdict) {
    case Verdict::correct: ++correct_; break;
    case Verdict::wrong: ++wrong_; break;
    case Verdict::unparsed: ++unparsed_; break;
    case Verdict::error: ++errors_; break;
  }
}

Accuracy AccuracyTally::result() const {
  Accuracy a;
  a.n = correct_ + wrong_ + unparsed_;
  a.n_correct = correct_;
  a.n_unparsed = unparsed_;
  a.n_errors = errors_;
  if (a.n > 0) {
    a.accuracy = static_cast<double>(correct_) / static_cast<double>(a.n);
    a.ci95 = wilson_interval(correct_, a.n);
  }
  return a;
}

Accuracy accuracy_of(std::span<const Verdict> verdicts) {
  AccuracyTally tally;
  for (const Verdict v : verdicts) tally.add(v);
  return tally.result();
}

SubjectBreakdown accuracy_by_subject(std::span<const SubjectVerdict> verdicts) {
  SubjectTally tally;
  for (const auto& v : verdicts) tally.add(v.subject, v.verdict);
  return tally.result();
}

void SubjectTally::add(const std::string& subject, Verdict verdict) {
  auto it = by_subject_.find(subject);
  if (it == by_subject_.end()) it = by_subject_.emplace(subject, AccuracyTally{}).first;
  it->second.add(verdict);
  pooled_.add(verdict);
}

SubjectBreakdown SubjectTally::result() const {
  SubjectBreakdown out;
  out.micro = pooled_.result();
  double sum = 0;
  for (const auto& [subject, tally] : by_subject_) {
    out.subjects.push_back({subject, tally.result()});
    if (const auto& acc = out.subjects.back().accuracy.accuracy) {
      sum += *acc;
      ++out.macro_subjects;
    }
  }
  if (out.macro_subjects > 0) out.macro = sum / static_cast<double>(out.macro_subjects);
  return out;
}

nlohmann::json to_json(const Accuracy& a) {
  nlohmann::json j = {{"n", a.n},
                      {"n_correct", a.n_correct},
                      {"n_unparsed", a.n_unparsed},
                      {"n_errors", a.n_errors},
                      {"accuracy", nullptr},
                      {"ci95", nullptr}};
  if (a.accuracy) j["accuracy"] = *a.accuracy;
  if (a.ci95) j["ci95"] = {{"low", a.ci95->low}, {"high", a.ci95->high}};
  return j;
}

nlohmann::json to_json(const SubjectBreakdown& b) {
  nlohmann::json subjects = nlohmann::json::object();
  for (const auto& s : b.subjects) subjects[s.subject] = to_json(s.accuracy);
  nlohmann::json j = {{"subjects", subjects},
                      {"micro", to_json(b.micro)},
                      {"macro", nullptr},
                      {"macro_subjects", b.macro_subjects}};
  if (b.macro) j["macro"] = *b.macro;
  return j;
}

}  // namespace llmbench::metrics
