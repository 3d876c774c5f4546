// Signed result bundles (report/bundle.hpp): `llmbench keygen` writes an Ed25519 key pair,
// `llmbench bundle RUN_ID` packs a run (record, logs, HTML report, manifest of SHA-256s) into a
// zip signed over its manifest, `llmbench verify run.zip` checks one against a public key.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "llmbench/error.hpp"
#include "llmbench/report/bundle.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::app {
namespace {

struct BundleOptions {
  std::string run_id;
  std::string output_dir = "benchmarks/reports";
  std::string output_file;  // "" = <run_id>.zip
  std::string sign_key;     // "" = unsigned
};

struct VerifyOptions {
  std::string zip;
  std::string public_key;
};

int run_bundle(const BundleOptions& o) {
  // The key first: a key others can read is refused before anything is written.
  const std::string key = o.sign_key.empty() ? std::string() : report::load_private_key(o.sign_key);
  const std::string out = o.output_file.empty() ? o.run_id + ".zip" : o.output_file;
  const report::BundleResult result = report::write_bundle(o.output_dir, o.run_id, out, key);
  std::printf("wrote %s: run %s, %zu members (%s)\n", util::terminal_safe(out).c_str(),
              util::terminal_safe(o.run_id).c_str(), result.members.size(),
              result.is_signed ? "signed over manifest.json" : "unsigned: pass --sign-key FILE to sign it");
  for (const std::string& m : result.members) std::printf("  %s\n", util::terminal_safe(m).c_str());
  return 0;
}

int run_verify(const VerifyOptions& o) {
  const std::string key = report::load_public_key(o.public_key);
  std::ifstream in(o.zip, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}", o.zip));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const report::Verification v = report::verify_bundle(bytes.str(), o.zip, key);
  std::printf("verified %s: run %s, signed by public key %s; %zu files match the signed manifest:\n",
              util::terminal_safe(o.zip).c_str(), util::terminal_safe(v.run_id).c_str(), report::key_hex(key).c_str(),
              v.files.size());
  for (const auto& f : v.files) {
    std::printf("  %s  %zu bytes  sha256 %s\n", util::terminal_safe(f.name).c_str(), f.size, f.sha256.c_str());
  }
  return 0;
}

}  // namespace

Runner setup_bundle(CLI::App& app) {
  auto o = std::make_shared<BundleOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bundle", "Pack a run (its record, logs, HTML report and a manifest of SHA-256s) into a zip, signed with Ed25519");
  cmd->add_option("RUN_ID", o->run_id, "The run to pack (an id in <output-dir>/benchmark_runs.json)")->required();
  cmd->add_option("--output-dir", o->output_dir, "Directory holding benchmark_runs.json and runs/")->capture_default_str();
  cmd->add_option("-o,--output", o->output_file, "Zip file to write (default: RUN_ID.zip)");
  cmd->add_option("--sign-key", o->sign_key, "Private key file from `llmbench keygen` (mode 0600); default: unsigned");
  return [o] { return run_bundle(*o); };
}

Runner setup_keygen(CLI::App& app) {
  auto prefix = std::make_shared<std::string>("llmbench-key");
  CLI::App* cmd = app.add_subcommand("keygen", "Write an Ed25519 key pair for signing bundles: PREFIX (private, "
                                               "mode 0600) and PREFIX.pub");
  cmd->add_option("-o,--output", *prefix, "File name prefix")->capture_default_str();
  return [prefix] {
    const report::KeyPair pair = report::generate_key_pair(*prefix);
    std::printf("wrote %s (private key, mode 0600: keep it secret) and %s (public key: give it to whoever "
                "verifies)\n",
                util::terminal_safe(pair.private_key.string()).c_str(),
                util::terminal_safe(pair.public_key.string()).c_str());
    return 0;
  };
}

Runner setup_verify(CLI::App& app) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check a bundle's signature and every file against its manifest (exit 0 verified, 1 not)");
  cmd->add_option("ZIP", o->zip, "The bundle (from llmbench bundle)")->required();
  cmd->add_option("--public-key", o->public_key, "Public key file of the signer (PREFIX.pub from llmbench keygen)")
      ->required();
  return [o] { return run_verify(*o); };
}

}  // namespace llmbench::app
