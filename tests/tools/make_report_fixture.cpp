// make_report_fixture DIR [ITEM_RECORDS] [--no-arena]: writes the report test fixture
// (tests/support/report_fixture.hpp) for the browser test and benchmarks/report_render.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/report_fixture.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: make_report_fixture DIR [ITEM_RECORDS] [--no-arena]\n");
    return 2;
  }
  llmbench::test::ReportFixtureOptions options;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--no-arena") options.arena = llmbench::test::WithArena::no;
    else options.item_records = std::strtoull(argv[i], nullptr, 10);
  }
  llmbench::test::write_report_fixture(argv[1], options);
  return 0;
}
