#include "llmbench/util/zip.hpp"

#include <array>
#include <limits>

#include "llmbench/error.hpp"

namespace llmbench::util {
namespace {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22;
constexpr std::uint16_t kVersionNeeded = 10;        // 1.0: stored members
constexpr std::uint16_t kVersionMadeBy = 0x0300 | 20;  // Unix, 2.0
constexpr std::uint16_t kUtf8Names = 1 << 11;
constexpr std::uint16_t kEncrypted = 1 << 0;
constexpr std::uint16_t kDataDescriptor = 1 << 3;
constexpr std::uint32_t kRegularFile0644 = 0100644u << 16;
constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();

std::array<std::uint32_t, 256> crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((v >> shift) & 0xff);
}

// The fields a local header and a central directory entry share, from "version needed" to the
// extra field's length (sizes checked by the caller).
void put_common_fields(std::string& out, const ZipMember& m, std::uint32_t crc) {
  put16(out, kVersionNeeded);
  put16(out, kUtf8Names);
  put16(out, 0);  // stored
  put16(out, m.dos_time);
  put16(out, m.dos_date);
  put32(out, crc);
  put32(out, static_cast<std::uint32_t>(m.data.size()));  // compressed
  put32(out, static_cast<std::uint32_t>(m.data.size()));
  put16(out, static_cast<std::uint16_t>(m.name.size()));
  put16(out, 0);  // extra field
}

// Little-endian reads from a buffer whose bounds the caller has checked.
std::uint16_t get16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}

std::uint32_t get32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(get16(b, at)) | static_cast<std::uint32_t>(get16(b, at + 2)) << 16;
}

// True when [at, at + length) lies within a buffer of `size` bytes (no overflow).
bool fits(std::size_t size, std::uint64_t at, std::uint64_t length) { return at <= size && length <= size - at; }

std::string member_label(std::size_t index, std::string_view name) {
  return "member " + std::to_string(index + 1) + (name.empty() ? "" : " (" + std::string(name) + ")");
}

// The end-of-central-directory record: the last "PK\5\6" whose comment runs exactly to the end.
std::size_t find_end_record(std::string_view archive) {
  if (archive.size() < kEndSize) throw Error("truncated: shorter than a zip's end record (22 bytes)");
  const std::size_t last = archive.size() - kEndSize;
  const std::size_t first = last > 0xffff ? last - 0xffff : 0;
  for (std::size_t at = last + 1; at-- > first;) {
    if (get32(archive, at) == kEndSignature && at + kEndSize + get16(archive, at + 20) == archive.size()) return at;
  }
  throw Error("truncated or not a zip: no end-of-central-directory record at the end");
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> table = crc_table();
  std::uint32_t c = 0xffffffffu;
  for (char ch : bytes) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::string write_zip(const std::vector<ZipMember>& members) {
  if (members.size() >= 0xffff) throw Error("zip: too many members (" + std::to_string(members.size()) + ")");
  std::string out, central;
  for (const ZipMember& m : members) {
    if (m.name.empty() || m.name.size() > 0xffff) throw Error("zip: a member name must be 1-65535 bytes");
    if (m.data.size() >= kMax32 || out.size() >= kMax32) throw Error("zip: " + m.name + ": past 4 GiB (no zip64)");
    const auto offset = static_cast<std::uint32_t>(out.size());
    const std::uint32_t crc = crc32(m.data);
    put32(out, kLocalSignature);
    put_common_fields(out, m, crc);
    out += m.name;
    out += m.data;

    put32(central, kCentralSignature);
    put16(central, kVersionMadeBy);
    put_common_fields(central, m, crc);
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, kRegularFile0644);
    put32(central, offset);
    central += m.name;
  }
  if (out.size() + central.size() >= kMax32) throw Error("zip: the archive would pass 4 GiB (no zip64)");
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, kEndSignature);
  put16(out, 0);  // this disk
  put16(out, 0);  // the central directory's disk
  put16(out, static_cast<std::uint16_t>(members.size()));
  put16(out, static_cast<std::uint16_t>(members.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, central_offset);
  put16(out, 0);  // comment
  return out;
}

std::vector<ZipMember> read_zip(std::string_view archive) {
  const std::size_t end = find_end_record(archive);
  const std::uint16_t count = get16(archive, end + 10);
  const std::uint32_t central_size = get32(archive, end + 12);
  const std::uint32_t central_offset = get32(archive, end + 16);
  if (get16(archive, end + 4) != 0 || get16(archive, end + 6) != 0 || get16(archive, end + 8) != count) {
    throw Error("zip: a multi-disk archive is not supported");
  }
  if (count == 0xffff || central_size == kMax32 || central_offset == kMax32) {
    throw Error("zip: a zip64 archive is not supported");
  }
  if (static_cast<std::uint64_t>(central_offset) + central_size != end) {
    throw Error("truncated or damaged: the central directory does not end where the end record begins");
  }
  std::vector<ZipMember> members;
  members.reserve(count);
  std::size_t at = central_offset;
  std::uint64_t data_end = 0;  // where the previous member's data ends
  for (std::size_t i = 0; i < count; ++i) {
    if (!fits(end, at, kCentralSize) || get32(archive, at) != kCentralSignature) {
      throw Error("damaged: " + member_label(i, "") + ": no central directory entry where one should be");
    }
    const std::uint16_t flags = get16(archive, at + 8), method = get16(archive, at + 10);
    ZipMember m;
    m.dos_time = get16(archive, at + 12);
    m.dos_date = get16(archive, at + 14);
    m.crc = get32(archive, at + 16);
    const std::uint32_t packed = get32(archive, at + 20), size = get32(archive, at + 24);
    const std::size_t name_size = get16(archive, at + 28), extra = get16(archive, at + 30),
                      comment = get16(archive, at + 32);
    const std::uint32_t local = get32(archive, at + 42);
    if (!fits(end, at + kCentralSize, name_size + extra + comment)) {
      throw Error("damaged: " + member_label(i, "") + ": its central directory entry runs past the directory");
    }
    m.name = std::string(archive.substr(at + kCentralSize, name_size));
    const std::string label = member_label(i, m.name);
    at += kCentralSize + name_size + extra + comment;
    if (m.name.empty() || m.name.find('\0') != std::string::npos) throw Error("damaged: " + label + ": a bad name");
    if (flags & kEncrypted) throw Error("zip: " + label + ": encrypted members are not supported");
    if (method != 0 || packed != size) throw Error("zip: " + label + ": compressed members are not supported");
    if (flags & kDataDescriptor) throw Error("zip: " + label + ": data descriptors are not supported");
    if (local < data_end || !fits(central_offset, local, kLocalSize) || get32(archive, local) != kLocalSignature) {
      throw Error("damaged: " + label + ": no local header where the central directory points");
    }
    const std::size_t local_name = get16(archive, local + 26), local_extra = get16(archive, local + 28);
    const std::uint64_t data = static_cast<std::uint64_t>(local) + kLocalSize + local_name + local_extra;
    if (!fits(central_offset, local + kLocalSize, local_name) ||
        archive.substr(local + kLocalSize, local_name) != m.name || get16(archive, local + 8) != method ||
        get32(archive, local + 18) != packed || get32(archive, local + 22) != size) {
      throw Error("damaged: " + label + ": its local header disagrees with the central directory");
    }
    if (!fits(central_offset, data, size)) throw Error("truncated: " + label + ": its data runs past the archive");
    m.data = std::string(archive.substr(static_cast<std::size_t>(data), size));
    data_end = data + size;
    members.push_back(std::move(m));
  }
  if (at != end) throw Error("damaged: the central directory holds more than its entries");
  return members;
}

}  // namespace llmbench::util
