#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/report/bundle.hpp"
#include "llmbench/util/zip.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using llmbench::test::run_cli;
using llmbench::test::temp_dir;
using llmbench::test::write_text_file;
namespace report = llmbench::report;
namespace util = llmbench::util;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An output directory holding one arena record (from `arena rate`) and its run folder; returns
// the run id.
std::string make_run(const std::string& dir) {
  std::string battles;
  for (int i = 0; i < 6; ++i) battles += R"({"model_a": "x", "model_b": "y", "winner": "a"})" "\n";
  battles += R"({"model_a": "x", "model_b": "y", "winner": "b"})" "\n";
  const std::string file = write_text_file(dir, "battles.jsonl", battles);
  const auto r = run_cli({"arena", "rate", "--battles", file, "--bootstrap", "20", "--output-dir", dir + "/out"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(slurp(dir + "/out/benchmark_runs.json"))[0]["id"].get<std::string>();
}

struct Keys {
  std::string private_key, public_key;
};

Keys keygen(const std::string& dir, const std::string& name = "key") {
  const auto r = run_cli({"keygen", "-o", dir + "/" + name});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return {dir + "/" + name, dir + "/" + name + ".pub"};
}

// A run bundled and signed in a fresh directory.
struct SignedBundle {
  std::string dir, id, zip;
  Keys keys;
  std::string archive;  // the zip's bytes
  std::string key;      // the public key's bytes
};

SignedBundle signed_bundle() {
  SignedBundle b;
  b.dir = temp_dir();
  b.id = make_run(b.dir);
  b.keys = keygen(b.dir);
  b.zip = b.dir + "/run.zip";
  const auto r = run_cli({"bundle", b.id, "--output-dir", b.dir + "/out", "-o", b.zip, "--sign-key", b.keys.private_key});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  b.archive = slurp(b.zip);
  b.key = report::load_public_key(b.keys.public_key);
  return b;
}

// The message verify_bundle throws for `archive`, or "" when it verifies.
std::string verify_error(const std::string& archive, const std::string& public_key) {
  try {
    report::verify_bundle(archive, "run.zip", public_key);
    return "";
  } catch (const llmbench::Error& e) {
    CHECK(e.code() == llmbench::ExitCode::failures);
    return e.what();
  }
}

}  // namespace

TEST_CASE("bundle: keygen writes a private key only its owner can read, and never overwrites one", "[bundle]") {
  const std::string dir = temp_dir();
  const Keys keys = keygen(dir);
  struct stat st {};
  REQUIRE(::stat(keys.private_key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(slurp(keys.public_key).size() == 65);
  CHECK(slurp(keys.private_key).size() == 129);
  const auto again = run_cli({"keygen", "-o", dir + "/key"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("never overwritten") != std::string::npos);
}

TEST_CASE("bundle: a signed bundle verifies, lists what it checked, and unpacks to a report directory", "[bundle]") {
  const std::string dir = temp_dir();
  const std::string id = make_run(dir);
  const Keys keys = keygen(dir);
  const std::string zip = dir + "/run.zip";
  const auto b = run_cli({"bundle", id, "--output-dir", dir + "/out", "-o", zip, "--sign-key", keys.private_key});
  INFO(b.out << b.err);
  REQUIRE(b.exit_code == 0);
  CHECK(b.out.find("signed over manifest.json") != std::string::npos);
  const auto v = run_cli({"verify", zip, "--public-key", keys.public_key});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("verified " + zip + ": run " + id) != std::string::npos);
  CHECK(v.out.find("benchmark_runs.json") != std::string::npos);
  CHECK(v.out.find("runs/" + id + "/imported_battles.jsonl") != std::string::npos);
  CHECK(v.out.find("report.html") != std::string::npos);

  const auto members = util::read_zip(slurp(zip));
  std::vector<std::string> names;
  for (const auto& m : members) names.push_back(m.name);
  CHECK(names == std::vector<std::string>{"benchmark_runs.json", "runs/" + id + "/imported_battles.jsonl", "report.html",
                                          "manifest.json", "manifest.sig"});
  CHECK(json::parse(members[0].data)[0]["id"] == id);
  CHECK(members[1].data == slurp(dir + "/battles.jsonl"));
  CHECK(members[2].data.find("<!DOCTYPE html>") != std::string::npos);
  // The same run and key make the same bytes (Ed25519 signatures are deterministic).
  const std::string again = dir + "/again.zip";
  REQUIRE(run_cli({"bundle", id, "--output-dir", dir + "/out", "-o", again, "--sign-key", keys.private_key}).exit_code == 0);
  CHECK(slurp(again) == slurp(zip));
}

TEST_CASE("bundle: a changed byte anywhere in any member is caught, naming the member or the signature", "[bundle]") {
  const SignedBundle b = signed_bundle();
  const std::string& archive = b.archive;
  const std::string& key = b.key;
  REQUIRE(verify_error(archive, key).empty());

  // Where each member's data starts in the archive: after its 30-byte local header and name.
  std::size_t at = 0;
  for (const auto& m : util::read_zip(archive)) {
    const std::size_t data = at + 30 + m.name.size();
    const bool signed_part = m.name == "manifest.json" || m.name == "manifest.sig";
    for (std::size_t offset : {std::size_t{0}, std::size_t{1}, m.data.size() / 3, m.data.size() / 2, m.data.size() - 1}) {
      std::string tampered = archive;
      tampered[data + offset] = static_cast<char>(tampered[data + offset] ^ 0x20);
      const std::string error = verify_error(tampered, key);
      INFO(m.name << " offset " << offset << ": " << error);
      if (signed_part) CHECK(error.find("the signature is wrong") != std::string::npos);
      else CHECK(error.find(m.name + " does not match the manifest") != std::string::npos);
    }
    // Every byte of its local header, too.
    for (std::size_t k = at; k < data; ++k) {
      std::string tampered = archive;
      tampered[k] = static_cast<char>(tampered[k] ^ 0x01);
      INFO(m.name << " header byte " << k - at);
      CHECK_FALSE(verify_error(tampered, key).empty());
    }
    at = data + m.data.size();
  }
  // And every byte of the central directory and end record.
  for (std::size_t k = at; k < archive.size(); ++k) {
    std::string tampered = archive;
    tampered[k] = static_cast<char>(tampered[k] ^ 0x01);
    INFO("directory byte " << k - at);
    CHECK_FALSE(verify_error(tampered, key).empty());
  }
}

TEST_CASE("bundle: a reordered, extra or missing member, a wrong key and a truncated zip each fail clearly",
          "[bundle]") {
  const SignedBundle b = signed_bundle();
  const std::string& archive = b.archive;
  const std::string& key = b.key;
  const auto members = util::read_zip(archive);

  auto remade = [&](std::vector<util::ZipMember> ms) {
    for (auto& m : ms) m.crc = 0;
    return util::write_zip(ms);
  };
  std::vector<util::ZipMember> reordered = members;
  std::swap(reordered[0], reordered[1]);
  CHECK(verify_error(remade(reordered), key).find("members out of order: runs/" + b.id) != std::string::npos);

  std::vector<util::ZipMember> extra = members;
  extra.insert(extra.begin() + 2, util::ZipMember{"notes.txt", "hello"});
  CHECK(verify_error(remade(extra), key).find("extra member notes.txt") != std::string::npos);

  std::vector<util::ZipMember> missing = members;
  missing.erase(missing.begin() + 2);
  CHECK(verify_error(remade(missing), key).find("missing member report.html") != std::string::npos);

  std::vector<util::ZipMember> unsigned_ = members;
  unsigned_.pop_back();
  CHECK(verify_error(remade(unsigned_), key).find("not signed") != std::string::npos);

  const Keys other = keygen(b.dir, "other");
  const auto wrong = run_cli({"verify", b.zip, "--public-key", other.public_key});
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("the signature is wrong") != std::string::npos);

  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, archive.size() / 2, archive.size() - 23, archive.size() - 1}) {
    const std::string error = verify_error(archive.substr(0, cut), key);
    INFO(cut << ": " << error);
    CHECK(error.find("run.zip: ") == 0);
  }
  write_text_file(b.dir, "cut.zip", archive.substr(0, archive.size() / 2));
  const auto truncated = run_cli({"verify", b.dir + "/cut.zip", "--public-key", b.keys.public_key});
  CHECK(truncated.exit_code == 1);
  CHECK(truncated.err.find("truncated") != std::string::npos);
}

TEST_CASE("bundle: a private key that others can read is refused, saying how to fix it", "[bundle]") {
  const std::string dir = temp_dir();
  const std::string id = make_run(dir);
  const Keys keys = keygen(dir);
  REQUIRE(::chmod(keys.private_key.c_str(), 0644) == 0);
  const auto r = run_cli({"bundle", id, "--output-dir", dir + "/out", "-o", dir + "/run.zip", "--sign-key",
                          keys.private_key});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("may be read by other users (mode 0644)") != std::string::npos);
  CHECK(r.err.find("chmod 600 " + keys.private_key) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/run.zip"));
  const auto unknown = run_cli({"bundle", "no-such-run", "--output-dir", dir + "/out"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no run with id \"no-such-run\"") != std::string::npos);
}

TEST_CASE("zip: what write_zip writes, read_zip reads back, and a CRC is zip's", "[bundle]") {
  CHECK(util::crc32("123456789") == 0xcbf43926u);
  const std::vector<util::ZipMember> members = {{"a.txt", "alpha"}, {"dir/b.bin", std::string("\0\1\2", 3)}, {"e", ""}};
  const std::string archive = util::write_zip(members);
  const auto back = util::read_zip(archive);
  REQUIRE(back.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back[i].name == members[i].name);
    CHECK(back[i].data == members[i].data);
    CHECK(back[i].crc == util::crc32(members[i].data));
  }
  CHECK(util::read_zip(util::write_zip({})).empty());
  CHECK_THROWS_AS(util::read_zip("PK"), llmbench::Error);
}
