#pragma once
// The cluster of an item record, for clustered standard errors (report/compare.hpp): items of
// one cluster are not independent draws (an MMLU subject's questions, a RAG document's questions
// rise and fall together), so a comparison's standard error sums their residuals before
// squaring. The field names sit beside the shared ones in fields.hpp:
//   subject   MMLU items (fields.hpp kSubject), and any task whose items carry one;
//   document  RAG items (tiers 0-3, judge): the source document, the item's confluence_url, else
//             its first relevant_urls entry; absent when the item names neither.

#include <string>

#include <nlohmann/json.hpp>

namespace llmbench::records {

namespace field {
inline constexpr const char* kDocument = "document";
}  // namespace field

// The record's subject, else its document; "" when it names neither (or not as a string).
std::string cluster_of(const nlohmann::json& record);

}  // namespace llmbench::records
