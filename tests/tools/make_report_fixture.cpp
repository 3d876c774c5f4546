// make_report_fixture DIR [ITEM_RECORDS] [--no-arena] [--perf] [--ux]: writes the report test
// fixture (tests/support/report_fixture.hpp) for the browser test and benchmarks/report_render;
// --perf appends two perf records with their request logs (tests/support/perf_fixture.hpp);
// --ux appends a tier_ux run with its item log (tests/support/ux_fixture.hpp).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/perf_fixture.hpp"
#include "support/report_fixture.hpp"
#include "support/ux_fixture.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: make_report_fixture DIR [ITEM_RECORDS] [--no-arena] [--perf] [--ux]\n");
    return 2;
  }
  llmbench::test::ReportFixtureOptions options;
  bool perf = false, ux = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--no-arena") options.arena = llmbench::test::WithArena::no;
    else if (arg == "--perf") perf = true;
    else if (arg == "--ux") ux = true;
    else options.item_records = std::strtoull(argv[i], nullptr, 10);
  }
  llmbench::test::write_report_fixture(argv[1], options);
  if (perf) llmbench::test::add_perf_fixture(argv[1]);
  if (ux) llmbench::test::add_ux_fixture(argv[1]);
  return 0;
}
