#pragma once
// Finished request records kept out of memory for the rest of a run. A SharedRequests table
// (tiers/rag_requests.hpp) keeps every finished request, since any of them a later job may
// ask again: some 16,000 in a sweep of every tier, about 19 MB of its peak when held as
// records. Here each is encoded (every field of http::RequestRecord, numbers bit for bit) and
// appended to an unnamed temporary file in $TMPDIR or /tmp (unlinked once made, so it goes
// when closed, or when the process ends however it ends), and read back when asked; the table keeps a 16-byte slot a
// record. Where no temporary file can be made (no writable $TMPDIR), the encoded records stay
// in memory: more memory, never a failed run.
//
// Threading: one thread (the executor's loop), like the table.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/http/types.hpp"

namespace llmbench::tiers {

// Every field of `record`, in a compact binary form only decode_record reads.
std::string encode_record(const http::RequestRecord& record);
// The record encode_record was given. Throws Error(internal) on bytes it did not write.
http::RequestRecord decode_record(std::string_view bytes);

class RecordSpill {
 public:
  struct Slot {
    std::uint64_t offset = 0;
    std::uint32_t size = 0;
  };

  RecordSpill();
  ~RecordSpill();
  RecordSpill(const RecordSpill&) = delete;
  RecordSpill& operator=(const RecordSpill&) = delete;

  // Stores `record`; throws Error(internal) when the file cannot be written (disk full).
  Slot put(const http::RequestRecord& record);
  // The record stored at `slot`.
  http::RequestRecord get(Slot slot);

  bool on_disk() const { return file_ != nullptr; }

 private:
  std::FILE* file_ = nullptr;  // null: kept in memory_
  std::uint64_t end_ = 0;
  std::string memory_;
  std::string scratch_;
};

}  // namespace llmbench::tiers
