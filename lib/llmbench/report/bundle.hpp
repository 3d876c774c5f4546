#pragma once
// Signed result bundles: one run, packed so that anyone holding the signer's public key can
// check that nothing in it changed.
//
// A bundle is a zip (util/zip.hpp: stored members, fixed 1980-01-01 times, so the same run and
// key give the same bytes) whose members are, in this order:
//   benchmark_runs.json     the run's record alone, as a one-element report (so the unpacked
//                           bundle is an output directory `llmbench report` can read)
//   runs/<id>/...           every file of the run's folder (item log, battles, votes, ...), sorted
//   report.html             the HTML report of this run alone
//   manifest.json           {"format": "llmbench-bundle", "version": 1, "run_id",
//                            "files": [{"name", "size", "sha256"}]}: the members above, in order
//   manifest.sig            the Ed25519 signature (64 raw bytes, libsodium's detached
//                           crypto_sign) of manifest.json's bytes; absent in an unsigned bundle
//
// Keys (libsodium Ed25519) are text files of hex digits and a newline: the public key 64
// digits, the private key 128 (libsodium's secret key: seed and public key). A private key
// file that group or others may access is refused.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::report {

inline constexpr const char* kManifestName = "manifest.json";
inline constexpr const char* kSignatureName = "manifest.sig";

struct KeyPair {
  std::filesystem::path private_key;  // PREFIX, mode 0600
  std::filesystem::path public_key;   // PREFIX.pub
};

// Writes a new key pair. Throws Error when either file exists (never overwritten) or cannot be
// written.
KeyPair generate_key_pair(const std::filesystem::path& prefix);

// The public key in `path` (32 bytes). Throws Error naming the file when it is missing or not
// 64 hex digits.
std::string load_public_key(const std::filesystem::path& path);

// The private key in `path` (64 bytes). Throws Error when group or others may access the file
// (saying `chmod 600 FILE`), or it is missing or not 128 hex digits.
std::string load_private_key(const std::filesystem::path& path);

// The public key as hex, for people.
std::string key_hex(std::string_view key);

struct BundleResult {
  std::vector<std::string> members;  // in order, manifest and signature included
  bool is_signed = false;
};

// Writes the bundle of run `run_id` of the report in `output_dir` to `zip` (atomically).
// `private_key` empty: no signature. Throws InputError when there is no such run.
BundleResult write_bundle(const std::filesystem::path& output_dir, const std::string& run_id,
                          const std::filesystem::path& zip, const std::string& private_key);

struct VerifiedFile {
  std::string name;
  std::size_t size = 0;
  std::string sha256;
};

struct Verification {
  std::string run_id;
  std::vector<VerifiedFile> files;  // the manifest's files, each matched
};

// Checks `archive` (the bytes of a bundle; `name` is how errors call it) against `public_key`:
// the zip reads exactly, manifest.sig is a valid signature of manifest.json, the members are
// the manifest's files in its order, each with its size and SHA-256, and the zip's bytes are
// exactly what those members make (no header was edited). Throws Error with
// ExitCode::failures saying the first thing that does not hold: the file that does not match,
// a member missing, extra or out of order, the signature wrong, the zip damaged.
Verification verify_bundle(std::string_view archive, const std::string& name, const std::string& public_key);

}  // namespace llmbench::report
