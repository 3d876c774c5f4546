#include "llmbench/report/bundle.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/report/html.hpp"
#include "llmbench/report/perf_distributions.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/util/atomic_file.hpp"
#include "llmbench/util/sha256.hpp"
#include "llmbench/util/zip.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kFormat = "llmbench-bundle";
constexpr int kVersion = 1;

void init_sodium() {
  if (sodium_init() < 0) throw Error("libsodium could not be initialised", ExitCode::internal);
}

std::string hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.pop_back();
  return out;
}

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The key of `bytes` bytes in the hex text file `path`.
std::string load_key(const fs::path& path, std::size_t bytes, const char* what) {
  std::string text = read_whole(path);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::string key(bytes, '\0');
  std::size_t used = 0;
  const char* end = nullptr;
  if (text.size() != bytes * 2 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), bytes, text.data(), text.size(), nullptr, &used,
                     &end) != 0 ||
      used != bytes) {
    throw Error(fmt::format("{}: not an Ed25519 {} key ({} hex digits expected; `llmbench keygen` writes one)",
                            path.string(), what, bytes * 2));
  }
  return key;
}

// Creates `path` with `text` and mode `mode`; never replaces an existing file.
void create_new_file(const fs::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    throw Error(fmt::format("cannot create {}: {}{}", path.string(), std::strerror(err),
                            err == EEXIST ? " (keys are never overwritten; choose another -o PREFIX)" : ""));
  }
  const bool ok = ::fchmod(fd, mode) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) throw Error(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)), ExitCode::internal);
}

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw Error(name + ": " + what, ExitCode::failures);
}

// The manifest's files, checked for shape.
std::vector<VerifiedFile> manifest_files(const json& manifest, const std::string& name) {
  if (!manifest.is_object() || manifest.value("format", "") != kFormat || !manifest.contains("files") ||
      !manifest["files"].is_array()) {
    fail(name, "manifest.json is not an llmbench bundle manifest");
  }
  if (manifest.value("version", 0) != kVersion) {
    fail(name, fmt::format("manifest version {} is not one this build reads ({})", manifest.value("version", json()).dump(),
                           kVersion));
  }
  std::vector<VerifiedFile> files;
  for (const json& f : manifest["files"]) {
    if (!f.is_object() || !f.value("name", json()).is_string() || !f.value("size", json()).is_number_unsigned() ||
        !f.value("sha256", json()).is_string()) {
      fail(name, "manifest.json lists a file without name, size and sha256");
    }
    files.push_back({f["name"].get<std::string>(), f["size"].get<std::size_t>(), f["sha256"].get<std::string>()});
  }
  return files;
}

// Throws at the first difference between the members' names and the expected order.
void check_order(const std::vector<util::ZipMember>& members, const std::vector<std::string>& expected,
                 const std::string& name) {
  auto has = [](const auto& list, const std::string& x, auto key) {
    return std::any_of(list.begin(), list.end(), [&](const auto& e) { return key(e) == x; });
  };
  auto member_name = [](const util::ZipMember& m) -> const std::string& { return m.name; };
  auto same = [](const std::string& s) -> const std::string& { return s; };
  for (std::size_t i = 0; i < std::max(members.size(), expected.size()); ++i) {
    if (i < members.size() && i < expected.size() && members[i].name == expected[i]) continue;
    if (i < members.size() && !has(expected, members[i].name, same)) {
      fail(name, fmt::format("extra member {}: not in the manifest", members[i].name));
    }
    if (i < expected.size() && !has(members, expected[i], member_name)) {
      fail(name, fmt::format("missing member {}: the manifest lists it", expected[i]));
    }
    fail(name, fmt::format("members out of order: {} where the manifest has {}", members[i].name, expected[i]));
  }
}

}  // namespace

KeyPair generate_key_pair(const fs::path& prefix) {
  init_sodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  KeyPair pair{prefix, fs::path(prefix.string() + ".pub")};
  if (fs::exists(pair.public_key)) {
    throw Error(fmt::format("{} exists (keys are never overwritten; choose another -o PREFIX)", pair.public_key.string()));
  }
  const std::string secret = hex(std::string_view(reinterpret_cast<const char*>(sk), sizeof sk)) + "\n";
  sodium_memzero(sk, sizeof sk);
  create_new_file(pair.private_key, secret, 0600);
  create_new_file(pair.public_key, hex(std::string_view(reinterpret_cast<const char*>(pk), sizeof pk)) + "\n", 0644);
  return pair;
}

std::string load_public_key(const fs::path& path) {
  init_sodium();
  return load_key(path, crypto_sign_PUBLICKEYBYTES, "public");
}

std::string load_private_key(const fs::path& path) {
  init_sodium();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  if ((st.st_mode & 077) != 0) {
    throw Error(fmt::format("{}: the private key may be read by other users (mode {:04o}); make it yours alone with "
                            "`chmod 600 {}`",
                            path.string(), st.st_mode & 07777, path.string()));
  }
  return load_key(path, crypto_sign_SECRETKEYBYTES, "private");
}

std::string key_hex(std::string_view key) { return hex(key); }

BundleResult write_bundle(const fs::path& output_dir, const std::string& run_id, const fs::path& zip,
                          const std::string& private_key) {
  init_sodium();
  const fs::path report_file = output_dir / kReportFileName;
  const json all = read_runs(report_file);
  json runs = json::array();
  for (const json& run : all) {
    if (run.value("id", std::string()) == run_id) runs.push_back(run);
  }
  if (runs.empty()) throw InputError(report_file.string(), 0, fmt::format("no run with id \"{}\"", run_id));

  std::vector<util::ZipMember> members;
  members.push_back({kReportFileName, runs.dump(2, ' ', false, json::error_handler_t::replace) + "\n"});
  const records::OutputLayout layout(output_dir);
  std::vector<std::string> logs;
  std::error_code ec;
  if (fs::is_directory(layout.run_dir(run_id), ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(layout.run_dir(run_id))) {
      if (entry.is_regular_file()) logs.push_back(fs::relative(entry.path(), output_dir).generic_string());
    }
  }
  std::sort(logs.begin(), logs.end());
  for (const std::string& log : logs) members.push_back({log, read_whole(output_dir / log)});
  members.push_back({"report.html", render_html(runs, collect_items(runs, output_dir), collect_perf(runs, output_dir))});

  json manifest = {{"format", kFormat}, {"version", kVersion}, {"run_id", run_id}, {"files", json::array()}};
  for (const util::ZipMember& m : members) {
    manifest["files"].push_back({{"name", m.name}, {"size", m.data.size()}, {"sha256", util::sha256_hex(m.data)}});
  }
  members.push_back({kManifestName, manifest.dump(2) + "\n"});
  BundleResult result;
  if (!private_key.empty()) {
    const std::string& text = members.back().data;
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                         reinterpret_cast<const unsigned char*>(private_key.data()));
    members.push_back({kSignatureName, std::string(reinterpret_cast<const char*>(signature), sizeof signature)});
    result.is_signed = true;
  }
  util::write_file_atomically(zip, util::write_zip(members));
  for (const auto& m : members) result.members.push_back(m.name);
  return result;
}

Verification verify_bundle(std::string_view archive, const std::string& name, const std::string& public_key) {
  init_sodium();
  std::vector<util::ZipMember> members;
  try {
    members = util::read_zip(archive);
  } catch (const Error& e) {
    fail(name, e.what());
  }
  std::set<std::string> seen;
  for (const auto& m : members) {
    if (!seen.insert(m.name).second) fail(name, fmt::format("member {} appears twice", m.name));
  }
  auto find = [&](const std::string& member) -> const util::ZipMember* {
    for (const auto& m : members) {
      if (m.name == member) return &m;
    }
    return nullptr;
  };
  const util::ZipMember* manifest = find(kManifestName);
  if (manifest == nullptr) fail(name, "no manifest.json: not an llmbench bundle");
  const util::ZipMember* signature = find(kSignatureName);
  if (signature == nullptr) fail(name, "not signed (no manifest.sig); `llmbench bundle --sign-key FILE` signs one");
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature->data.size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data.data()),
                                  reinterpret_cast<const unsigned char*>(manifest->data.data()), manifest->data.size(),
                                  reinterpret_cast<const unsigned char*>(public_key.data())) != 0) {
    fail(name, "the signature is wrong: manifest.sig is not this public key's signature of manifest.json "
               "(the manifest was changed, or another key signed it)");
  }
  const json parsed = json::parse(manifest->data, nullptr, false);
  Verification out;
  out.files = manifest_files(parsed, name);
  out.run_id = parsed.value("run_id", std::string());

  std::vector<std::string> expected;
  for (const auto& f : out.files) expected.push_back(f.name);
  expected.push_back(kManifestName);
  expected.push_back(kSignatureName);
  check_order(members, expected, name);
  for (std::size_t i = 0; i < out.files.size(); ++i) {
    const VerifiedFile& f = out.files[i];
    const std::string sha = util::sha256_hex(members[i].data);
    if (members[i].data.size() != f.size || sha != f.sha256) {
      fail(name, fmt::format("{} does not match the manifest ({} bytes, SHA-256 {}; the manifest says {} bytes, {})",
                             f.name, members[i].data.size(), sha, f.size, f.sha256));
    }
  }
  // Every member matches; the archive's own bytes (headers, CRCs, times) must be what they make.
  std::vector<util::ZipMember> canonical;
  for (const auto& m : members) canonical.push_back({m.name, m.data});
  const std::string remade = util::write_zip(canonical);
  if (remade != archive) {
    const auto diff = std::mismatch(remade.begin(), remade.end(), archive.begin(), archive.end());
    fail(name, fmt::format("the zip's headers were edited at byte {} (its members match the manifest, but the archive "
                           "is not the one they make)",
                           diff.first - remade.begin()));
  }
  return out;
}

}  // namespace llmbench::report
