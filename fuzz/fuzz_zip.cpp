// zip archives (util/zip.hpp, read by `llmbench verify`): any bytes read or throw
// llmbench::Error; never a crash. What reads must write back to the same members, and an
// archive that is exactly what its members make reads back to them.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/zip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = llmbench::fuzz::as_text(data, size);
  std::vector<llmbench::util::ZipMember> members;
  try {
    members = llmbench::util::read_zip(bytes);
  } catch (const llmbench::Error&) {
    return 0;
  }
  std::size_t total = 0;
  for (const auto& m : members) {
    llmbench::fuzz::require(!m.name.empty(), "a member has a name");
    total += m.data.size();
  }
  llmbench::fuzz::require(total <= size, "members hold no more bytes than the archive");
  const auto again = llmbench::util::read_zip(llmbench::util::write_zip(members));
  llmbench::fuzz::require(again.size() == members.size(), "a rewritten archive keeps its members");
  for (std::size_t i = 0; i < members.size(); ++i) {
    llmbench::fuzz::require(again[i].name == members[i].name && again[i].data == members[i].data,
                            "a rewritten archive keeps each member's name and bytes");
  }
  return 0;
}
