// The standard tier selects MMLU's items (--limit, --sample-seed, --shard) without building the
// rest of the dataset: the same items, with the same fields, in the same order as building every
// item and sampling those. The digests below were recorded from the code that built every item.
#include <catch2/catch.hpp>

#include <string>

#include "llmbench/run/shard.hpp"
#include "llmbench/tiers/standard_tier.hpp"
#include "llmbench/util/hash.hpp"

using namespace llmbench;

namespace {

const std::string kDataDir = LLMBENCH_SOURCE_DIR "/benchmarks/data";

struct Selection {
  std::size_t count = 0;
  std::string first, last;
  std::uint64_t digest = 0;  // FNV-1a over each item's id, subject, question, choices, gold, in order
};

Selection select_mmlu(const std::string& limit, std::uint64_t seed, const std::string& shard) {
  run::RunOptions options;
  options.tasks = {"mmlu"};
  options.limit = limit;
  options.sample_seed = seed;
  if (!shard.empty()) options.shard = run::parse_shard(shard);
  const tiers::StandardTier tier(options, kDataDir);
  const data::PackedItems& items = tier.tasks().at(0).items;
  Selection s;
  s.count = items.size();
  s.digest = util::fnv1a64("");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const data::Item item = items.at(i);
    std::string text = item.id + '\x1f' + item.subject + '\x1f' + item.question;
    for (const std::string& choice : item.choices) text += '\x1f' + choice;
    text += '\x1f' + std::to_string(item.gold_index) + '\n';
    s.digest = util::fnv1a64(text, s.digest);
  }
  if (s.count > 0) {
    s.first = std::string(items.id(0));
    s.last = std::string(items.id(s.count - 1));
  }
  return s;
}

}  // namespace

TEST_CASE("standard tier: MMLU's --limit, --sample-seed and --shard select the same items in the same order",
          "[standard_tier][sampling]") {
  struct Case {
    std::string limit;
    std::uint64_t seed;
    std::string shard;
    std::size_t count;
    std::string first, last;
    std::uint64_t digest;
  };
  // Recorded from commit 0ab9a04, which built all 14,042 items and sampled them.
  const Case cases[] = {
      {"2000", 1234, "", 2000, "abstract_algebra/test/0", "world_religions/test/169", 0x56176446742b8574ULL},
      {"30", 7, "", 30, "business_ethics/test/3", "virology/test/135", 0xf9fe4fb3cb47d2e3ULL},
      {"0.1", 1234, "", 1405, "abstract_algebra/test/2", "world_religions/test/169", 0xa0fdeba93767f667ULL},
      {"2000", 1234, "1/3", 680, "abstract_algebra/test/2", "world_religions/test/147", 0xe4e1aa50cd9737dbULL},
      {"1", 99, "", 1, "clinical_knowledge/test/195", "clinical_knowledge/test/195", 0xee327bf14cd1d207ULL},
      {"", 1234, "", 14042, "abstract_algebra/test/0", "world_religions/test/170", 0x02972f54e4786e31ULL},
  };
  for (const Case& c : cases) {
    INFO("--limit '" << c.limit << "' --sample-seed " << c.seed << " --shard '" << c.shard << "'");
    const Selection s = select_mmlu(c.limit, c.seed, c.shard);
    CHECK(s.count == c.count);
    CHECK(s.first == c.first);
    CHECK(s.last == c.last);
    CHECK(s.digest == c.digest);
  }
}
