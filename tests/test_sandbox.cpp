// The code sandbox against hostile programs: each is contained and classified, the run ends in
// bounded time, nothing is left on disk and no process is left behind. Real bwrap, real python.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "llmbench/sandbox/sandbox.hpp"

using namespace llmbench::sandbox;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// This process's parent of the sandbox's host temp dirs: other tests running programs at the same
// time (ctest -j) make theirs elsewhere. Readable by nobody, as the system temp dir is.
// Removed (with anything left in it) when the process exits.
const fs::path& temp_parent() {
  struct Parent {
    fs::path path;
    Parent() {
      std::string pattern = (fs::temp_directory_path() / "llmbench-sandbox-test-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
      path = pattern;
      fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
    }
    ~Parent() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static const Parent parent;
  return parent.path;
}

// The host temp dirs the sandbox makes (llmbench-code-*), to check none is left behind.
std::set<std::string> code_dirs() {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(temp_parent(), ec)) {
    if (e.path().filename().string().rfind("llmbench-code-", 0) == 0) out.insert(e.path().string());
  }
  return out;
}

// Whether a process whose command line contains `needle` exists (scans /proc).
bool process_running(const std::string& needle) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(needle) != std::string::npos && cmdline.find("python") == std::string::npos) return true;
  }
  return false;
}

bool eventually_gone(const std::string& needle) {
  const auto until = Clock::now() + std::chrono::seconds(2);
  while (Clock::now() < until) {
    if (!process_running(needle)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

SandboxOptions quick(double timeout_s = 5) {
  SandboxOptions options;
  options.timeout_s = timeout_s;
  options.temp_parent = temp_parent();
  return options;
}

struct Timed {
  ProgramResult result;
  double seconds = 0;
};

Timed run_checked(const std::string& program, const SandboxOptions& options) {
  const auto before = code_dirs();
  const auto start = Clock::now();
  Timed t{run_python(program, options), 0};
  t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto after = code_dirs();
  for (const auto& dir : after) {
    INFO("left on disk: " << dir);
    CHECK(before.count(dir) == 1);
  }
  INFO("stderr: " << t.result.stderr_tail);
  return t;
}

// A loopback listener on a free port; accepted() says whether anyone connected.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }
  bool accepted() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("sandbox: bubblewrap is available on this machine", "[sandbox]") {
  CHECK(unavailable_reason(quick()) == "");
}

TEST_CASE("sandbox: a program whose tests pass, fail or raise is classified so", "[sandbox]") {
  auto t = run_checked("def f(x):\n    return x + 1\nassert f(1) == 2\nprint('ok')\n", quick());
  CHECK(t.result.outcome == Outcome::passed);
  CHECK(t.result.stdout_head == "ok\n");
  t = run_checked("assert 1 + 1 == 3, 'arithmetic'\n", quick());
  CHECK(t.result.outcome == Outcome::failed);
  CHECK(t.result.stderr_tail.find("AssertionError: arithmetic") != std::string::npos);
  t = run_checked("def f(:\n", quick());
  CHECK(t.result.outcome == Outcome::error);
  CHECK(t.result.stderr_tail.find("SyntaxError") != std::string::npos);
  t = run_checked("import sys\nsys.exit(3)\n", quick());
  CHECK(t.result.outcome == Outcome::error);
  CHECK(t.result.exit_status == 3);
}

TEST_CASE("sandbox: a program that writes outside its directory changes nothing on the host", "[sandbox][hostile]") {
  // /tmp inside is private (the write lands there and vanishes); everything else is read-only
  // or absent.
  const fs::path victim = fs::temp_directory_path() / fmt::format("llmbench-victim-{}", ::getpid());
  const fs::path home_victim = fs::path("/root") / fmt::format("llmbench-victim-{}", ::getpid());
  const fs::path tree_victim = fs::path(LLMBENCH_SOURCE_DIR) / fmt::format("llmbench-victim-{}", ::getpid());
  const std::string program = fmt::format(
      "import os\n"
      "open('local.txt', 'w').write('mine')\n"
      "open('{}', 'w').write('private tmp')\n"
      "errors = 0\n"
      "for path in ['{}', '{}', '/usr/llmbench-victim', '/etc/llmbench-victim']:\n"
      "    try:\n"
      "        open(path, 'w').write('escaped')\n"
      "    except OSError:\n"
      "        errors += 1\n"
      "assert errors == 4, errors\n",
      victim.string(), home_victim.string(), tree_victim.string());
  const auto t = run_checked(program, quick());
  CHECK(t.result.outcome == Outcome::passed);
  CHECK_FALSE(fs::exists(victim));
  CHECK_FALSE(fs::exists(home_victim));
  CHECK_FALSE(fs::exists(tree_victim));
  CHECK_FALSE(fs::exists("/usr/llmbench-victim"));
  CHECK(t.seconds < 5);
}

TEST_CASE("sandbox: a program cannot connect to a loopback port of the host", "[sandbox][hostile]") {
  Listener listener;
  const auto t = run_checked(fmt::format("import socket\n"
                                         "s = socket.create_connection(('127.0.0.1', {}), timeout=2)\n"
                                         "s.sendall(b'hello')\n",
                                         listener.port()),
                             quick());
  CHECK(t.result.outcome == Outcome::error);
  CHECK(t.result.stderr_tail.find("Error") != std::string::npos);  // refused or unreachable
  CHECK_FALSE(listener.accepted());
  CHECK(t.seconds < 5);
}

TEST_CASE("sandbox: a fork bomb is stopped by the process limit and the timeout", "[sandbox][hostile]") {
  const std::string marker = fmt::format("{}.{}", 900 + ::getpid() % 97, ::getpid());
  const auto t = run_checked(fmt::format("import os, subprocess\n"
                                         "children = 0\n"
                                         "for _ in range(10000):\n"
                                         "    try:\n"
                                         "        subprocess.Popen(['sleep', '{}'])\n"
                                         "        children += 1\n"
                                         "    except OSError:\n"
                                         "        break\n"
                                         "print(children, flush=True)\n"
                                         "while True:\n"
                                         "    os.fork()\n",
                                         marker),
                             quick(3));
  CHECK((t.result.outcome == Outcome::timeout || t.result.outcome == Outcome::error));
  CHECK(std::stoi(t.result.stdout_head) < 64);  // the limit held (32 processes)
  CHECK(t.seconds < 6);
  CHECK(eventually_gone("sleep " + marker));
}

TEST_CASE("sandbox: a detached sleep does not outlive its program", "[sandbox][hostile]") {
  const std::string marker = fmt::format("1000.{}", ::getpid());
  const auto t = run_checked(fmt::format("import os, subprocess\n"
                                         "if os.fork() == 0:\n"
                                         "    os.setsid()\n"
                                         "    if os.fork() == 0:\n"
                                         "        os.execv('/usr/bin/sleep', ['sleep', '{}'])\n"
                                         "    os._exit(0)\n"
                                         "subprocess.Popen(['sleep', '{}'], start_new_session=True)\n"
                                         "import time; time.sleep(0.3)\n",
                                         marker, marker),
                             quick());
  CHECK(t.result.outcome == Outcome::passed);
  CHECK(t.seconds < 5);
  CHECK(eventually_gone("sleep " + marker));
}

TEST_CASE("sandbox: an endless loop ends at the wall timeout as a timeout", "[sandbox][hostile]") {
  const auto t = run_checked("while True:\n    pass\n", quick(1.5));
  CHECK(t.result.outcome == Outcome::timeout);
  CHECK(t.seconds >= 1.4);
  CHECK(t.seconds < 4);
  const auto sleeper = run_checked("import time\ntime.sleep(100)\n", quick(1));
  CHECK(sleeper.result.outcome == Outcome::timeout);
  CHECK(sleeper.seconds < 3);
}

TEST_CASE("sandbox: allocating 8 GB fails inside the address-space limit", "[sandbox][hostile]") {
  const auto t = run_checked("block = bytearray(8 * 1024 ** 3)\n", quick());
  CHECK(t.result.outcome == Outcome::error);
  CHECK(t.result.stderr_tail.find("MemoryError") != std::string::npos);
  CHECK(t.seconds < 5);
}

TEST_CASE("sandbox: printing 1 GB keeps only the cap and ends in bounded time", "[sandbox][hostile]") {
  SandboxOptions options = quick(4);
  const auto t = run_checked("import sys\n"
                             "line = 'x' * 1023 + '\\n'\n"
                             "for _ in range(1024 * 1024):\n"
                             "    sys.stdout.write(line)\n"
                             "sys.stderr.write('y' * 1000000)\n",
                             options);
  CHECK((t.result.outcome == Outcome::passed || t.result.outcome == Outcome::timeout));
  CHECK(t.result.stdout_head.size() == options.output_cap_bytes);
  CHECK(t.result.stderr_tail.size() <= options.output_cap_bytes);
  CHECK(t.result.stdout_bytes > options.output_cap_bytes);
  CHECK(t.seconds < 7);
}

TEST_CASE("sandbox: the environment is scrubbed and stdin is closed", "[sandbox]") {
  ::setenv("LLMBENCH_TEST_SECRET", "sk-do-not-leak", 1);
  const auto t = run_checked("import os, sys\n"
                             "assert 'LLMBENCH_TEST_SECRET' not in os.environ, os.environ\n"
                             "assert sys.stdin.read() == ''\n"
                             "assert not os.path.exists('/root') or not os.listdir('/root')\n",
                             quick());
  ::unsetenv("LLMBENCH_TEST_SECRET");
  CHECK(t.result.outcome == Outcome::passed);
}

TEST_CASE("sandbox: unsandboxed, a program still gets rlimits, a timeout and a removed dir", "[sandbox]") {
  SandboxOptions options = quick(1.5);
  options.isolation = Isolation::unsandboxed;
  auto t = run_checked("open('here.txt', 'w').write('x')\nassert 2 + 2 == 4\n", options);
  CHECK(t.result.outcome == Outcome::passed);
  t = run_checked("block = bytearray(8 * 1024 ** 3)\n", options);
  CHECK(t.result.outcome == Outcome::error);
  t = run_checked("while True:\n    pass\n", options);
  CHECK(t.result.outcome == Outcome::timeout);
  CHECK(t.seconds < 4);
}
