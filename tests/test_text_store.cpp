// util/text_store.hpp: texts kept end to end in blocks read back as they were kept.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "llmbench/util/text_store.hpp"

using namespace llmbench;

TEST_CASE("text store: texts read back as kept, across blocks, a text longer than a block in one of its own",
          "[aggregation]") {
  util::TextStore store;
  std::vector<util::TextStore::Ref> refs;
  for (int i = 0; i < 5000; ++i) refs.push_back(store.keep("tier_2|item-" + std::to_string(i) + "|gen=sim-small|r0"));
  const std::string long_text(200000, 'x');
  const util::TextStore::Ref long_ref = store.keep(long_text);
  const util::TextStore::Ref empty = store.keep("");
  for (int i = 0; i < 5000; ++i) {
    REQUIRE(store.at(refs[static_cast<std::size_t>(i)]) == "tier_2|item-" + std::to_string(i) + "|gen=sim-small|r0");
  }
  CHECK(store.at(long_ref) == long_text);
  CHECK(store.at(empty).empty());
  // The texts end to end, in blocks of 64 KiB: no allocation a text.
  CHECK(store.bytes() <= 5000 * 40 + 200000 + 3 * 64 * 1024);
}
