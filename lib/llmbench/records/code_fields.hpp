#pragma once
// Field names of a code answer's item record (scorer code; tiers/standard_code.hpp writes them,
// the report page shows them), beside the shared names in fields.hpp: the code taken from the
// answer, how its program ended, the end of its stderr, its exit status and wall time, and
// which of --samples answers it is.

namespace llmbench::records::field {

inline constexpr const char* kCode = "code";
inline constexpr const char* kTestOutcome = "test_outcome";
inline constexpr const char* kStderr = "stderr";
inline constexpr const char* kExitStatus = "exit_status";
inline constexpr const char* kRunMs = "run_ms";
inline constexpr const char* kSample = "sample";

}  // namespace llmbench::records::field
