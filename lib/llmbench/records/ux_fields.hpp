#pragma once
// Field names of tier_ux's item records (tiers/ux_tier.hpp writes them, docs/report-format.md
// describes them), beside the shared names in fields.hpp: the log's turn, and what the cache
// rule or the judge found.

namespace llmbench::records::field {

inline constexpr const char* kUxSession = "session_id";
inline constexpr const char* kUxTurn = "turn";
inline constexpr const char* kUxAnswer = "answer";                    // the logged answer (judge records)
inline constexpr const char* kUxThreshold = "similarity_threshold";  // --ux-similarity
inline constexpr const char* kUxSimilarity = "similarity";           // to the nearest earlier question; null for the first
inline constexpr const char* kUxNearest = "nearest_item_id";         // that question's "<session>#<turn>"
inline constexpr const char* kUxHit = "hit";                         // similarity >= threshold
inline constexpr const char* kUxLoggedCached = "logged_cached";      // the log's `cached` flag, or null
inline constexpr const char* kUxPreserved = "preserved";             // the judge's Yes (true) / No (false); null on error

}  // namespace llmbench::records::field
