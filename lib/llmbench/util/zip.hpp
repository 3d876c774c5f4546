#pragma once
// A small zip archive writer and reader (PKWARE APPNOTE 6.3): members are stored (method 0, no
// compression), names are UTF-8 (flag bit 11), no zip64, no encryption, no data descriptors.
// The reader takes what the writer writes and any archive of the same kind; it reads from a
// byte buffer, bounds-checks every offset and length, and never trusts a size it has not
// checked against the buffer, so a truncated or hostile archive is an Error, never a crash.
// Pure functions, thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::util {

// The CRC-32 of zip (IEEE 802.3, reflected, init and final xor 0xffffffff).
std::uint32_t crc32(std::string_view bytes);

inline constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, zip's epoch

struct ZipMember {
  std::string name;  // a relative path with '/' separators
  std::string data;
  std::uint16_t dos_time = 0;             // MS-DOS time and date of modification
  std::uint16_t dos_date = kDosDate1980;  // (the writer's default keeps archives reproducible)
  std::uint32_t crc = 0;  // read_zip: the CRC-32 the archive states (not checked); ignored by write_zip
};

// The archive of `members`, in order: local headers and data, then the central directory.
// Throws Error when it cannot be written without zip64 (a member or the archive 4 GiB or more,
// 65,535 members or more) or a name is empty or longer than 65,535 bytes.
std::string write_zip(const std::vector<ZipMember>& members);

// The members of `archive`, in central-directory order. Throws Error ("truncated: ...",
// "member 2 (runs/x/items.jsonl): ...") on anything it cannot read exactly: no end record, a
// record past the end of the buffer, a compressed, encrypted or zip64 member, a local header
// that disagrees with the central directory, members that overlap or are out of order, an
// empty name or one holding a NUL. CRCs are returned as stated, not checked: a caller that
// needs the bytes exact compares write_zip(members) with `archive`.
std::vector<ZipMember> read_zip(std::string_view archive);

}  // namespace llmbench::util
