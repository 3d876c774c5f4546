#include "llmbench/sandbox/sandbox.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/util/argv.hpp"
#include "llmbench/util/temp_dir.hpp"

namespace llmbench::sandbox {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The harness exits 101 when an AssertionError escaped, 102 when any other exception did; every
// exit status but 0 and 101 is an error.
constexpr int kExitFailed = 101;
constexpr uid_t kNobody = 65534;
constexpr std::size_t kReadChunk = 64u << 10;
constexpr int kAfterExitGraceMs = 200;  // a pipe still open after the exit is drained this long

// Runs program.py from the working directory as __main__ and turns an escaping exception
// into a traceback on stderr and an exit status the parent classifies.
constexpr const char* kHarness = R"py(import os, sys, traceback
try:
    with open('program.py', encoding='utf-8') as f:
        source = f.read()
    exec(compile(source, 'program.py', 'exec'), {'__name__': '__main__'})
except SystemExit:
    raise
except AssertionError:
    traceback.print_exc()
    sys.stderr.flush()
    os._exit(101)
except BaseException:
    traceback.print_exc()
    sys.stderr.flush()
    os._exit(102)
)py";

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Limit {
  int resource;
  rlim_t soft, hard;
};

// Everything the child needs, built before fork: after fork only async-signal-safe calls.
struct ChildPlan {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<Limit> limits;
  std::string cwd;  // "" = stay
  bool drop_to_nobody = false;
};

rlim_t to_rlim(std::uint64_t v) { return static_cast<rlim_t>(v); }

ChildPlan plan_child(const SandboxOptions& options, const fs::path& dir) {
  ChildPlan plan;
  const auto cpu_s = static_cast<rlim_t>(std::ceil(std::max(options.timeout_s, 0.001))) + 1;
  plan.limits = {{RLIMIT_CPU, cpu_s, cpu_s + 1},
                 {RLIMIT_AS, to_rlim(options.address_space_bytes), to_rlim(options.address_space_bytes)},
                 {RLIMIT_FSIZE, to_rlim(options.file_size_bytes), to_rlim(options.file_size_bytes)},
                 {RLIMIT_NOFILE, to_rlim(options.open_files), to_rlim(options.open_files)},
                 {RLIMIT_CORE, 0, 0}};
  plan.drop_to_nobody = ::geteuid() == 0;
  const std::string home = options.isolation == Isolation::bubblewrap ? "/box" : dir.string();
  plan.env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + home, "TMPDIR=/tmp"};
  const std::vector<std::string> python = {kPythonPath, "-I", "-B", "-c", kHarness};
  if (options.isolation == Isolation::unsandboxed) {
    plan.limits.push_back({RLIMIT_NPROC, to_rlim(options.processes), to_rlim(options.processes)});
    plan.cwd = dir.string();
    plan.args = python;
    return plan;
  }
  const std::string work_size = std::to_string(kWorkBytes);
  plan.args = {kBwrapPath, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"};
  for (const char* top : {"/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"}) {
    std::error_code ec;
    if (fs::is_symlink(top, ec)) {
      const fs::path target = fs::read_symlink(top, ec);
      if (!ec) plan.args.insert(plan.args.end(), {"--symlink", target.string(), top});
    } else if (fs::is_directory(top, ec)) {
      plan.args.insert(plan.args.end(), {"--ro-bind", top, top});
    }
  }
  plan.args.insert(plan.args.end(),
                   {"--proc", "/proc", "--dev", "/dev", "--size", work_size, "--tmpfs", "/tmp", "--size", work_size,
                    "--tmpfs", "/box", "--ro-bind", (dir / "program.py").string(), "/box/program.py", "--chdir",
                    "/box", "--", "/usr/bin/prlimit", fmt::format("--nproc={}:{}", options.processes, options.processes),
                    "--"});
  plan.args.insert(plan.args.end(), python.begin(), python.end());
  return plan;
}

// The child: never returns. Only async-signal-safe calls.
[[noreturn]] void exec_child(const ChildPlan& plan, char* const* argv, char* const* envp, int in, int out, int err) {
  ::setsid();
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(126);
  ::syscall(SYS_close_range, 3u, ~0u, 0u);
  for (const Limit& l : plan.limits) {
    const rlimit value{l.soft, l.hard};
    if (::setrlimit(l.resource, &value) != 0) ::_exit(126);
  }
  if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) ::_exit(126);
  if (plan.drop_to_nobody) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) ::_exit(126);
  }
  ::execve(argv[0], argv, envp);
  ::_exit(127);
}

// What is kept of one output stream.
struct Capture {
  std::string kept;
  std::uint64_t total = 0;
  bool tail = false;  // keep the last bytes (stderr) rather than the first (stdout)

  void add(const char* data, std::size_t n, std::size_t cap) {
    total += n;
    if (!tail) {
      if (kept.size() < cap) kept.append(data, std::min(n, cap - kept.size()));
      return;
    }
    kept.append(data, n);
    if (kept.size() > 2 * cap) kept.erase(0, kept.size() - cap);
  }
  void finish(std::size_t cap) {
    if (tail && kept.size() > cap) kept.erase(0, kept.size() - cap);
  }
};

Outcome classify(bool timed_out, int status, int& exit_status, int& signal_no) {
  if (WIFEXITED(status)) {
    exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    signal_no = WTERMSIG(status);
  }
  if (timed_out) return Outcome::timeout;
  // bwrap reports a program killed by a signal as exit status 128 + the signal.
  if (signal_no == SIGXCPU || exit_status == 128 + SIGXCPU) return Outcome::timeout;
  if (exit_status == 0) return Outcome::passed;
  if (exit_status == kExitFailed) return Outcome::failed;
  return Outcome::error;
}

// Reads both pipes until they close and the child has exited, or the deadline passes (then the
// process group is killed). Returns the wait status.
int supervise(pid_t pid, int out_fd, int err_fd, Clock::time_point deadline, std::size_t cap, Capture& out,
              Capture& err, bool& timed_out) {
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  std::vector<char> buffer(kReadChunk);
  int fds[2] = {out_fd, err_fd};
  Capture* captures[2] = {&out, &err};
  bool exited = false;
  int status = 0;
  std::optional<Clock::time_point> drain_until;
  const auto kill_group = [pid] {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  };
  for (;;) {
    const auto now = Clock::now();
    if (!exited && now >= deadline) {
      kill_group();
      timed_out = true;
    }
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (exited && !drain_until) drain_until = now + std::chrono::milliseconds(kAfterExitGraceMs);
    if (fds[0] < 0 && fds[1] < 0 && exited) break;
    if (drain_until && now >= *drain_until) break;
    std::vector<pollfd> polled;
    for (int fd : fds) {
      if (fd >= 0) polled.push_back({fd, POLLIN, 0});
    }
    if (!exited && pidfd.get() >= 0) polled.push_back({pidfd.get(), POLLIN, 0});
    const auto until = drain_until ? *drain_until : (timed_out ? now + std::chrono::milliseconds(10) : deadline);
    int wait_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(until - now).count());
    if (pidfd.get() < 0 && !exited) wait_ms = std::min(wait_ms, 10);
    ::poll(polled.data(), polled.size(), std::max(wait_ms, 0));
    for (int k = 0; k < 2; ++k) {
      if (fds[k] < 0) continue;
      const ssize_t n = ::read(fds[k], buffer.data(), buffer.size());
      if (n > 0) captures[k]->add(buffer.data(), static_cast<std::size_t>(n), cap);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) fds[k] = -1;
    }
  }
  if (!exited) ::waitpid(pid, &status, 0);
  ::kill(-pid, SIGKILL);  // whatever of its group is left (an unsandboxed program's children)
  return status;
}

}  // namespace

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed: return "passed";
    case Outcome::failed: return "failed";
    case Outcome::error: return "error";
    case Outcome::timeout: return "timeout";
  }
  return "error";
}

ProgramResult run_python(const std::string& program, const SandboxOptions& options) {
  const auto started = Clock::now();
  const util::TempDir dir("llmbench-code", options.temp_parent);
  {
    std::ofstream file(dir.path() / "program.py", std::ios::binary);
    file << program;
    if (!file) throw std::system_error(EIO, std::generic_category(), "sandbox: writing program.py");
  }
  if (::geteuid() == 0) {  // the child runs as nobody: it must reach (unsandboxed: write) its dir
    if (::chown(dir.path().c_str(), kNobody, kNobody) != 0) throw_errno("sandbox: chown");
  }
  ChildPlan plan = plan_child(options, dir.path());
  // Built before fork(): the child may not allocate.
  std::vector<char*> argv = util::exec_array(plan.args);
  std::vector<char*> envp = util::exec_array(plan.env);
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw_errno("sandbox: pipe");
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw_errno("sandbox: pipe");
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
  Fd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (null_in.get() < 0) throw_errno("sandbox: /dev/null");
  // The child's ends must block (the program writes normally).
  ::fcntl(out_write.get(), F_SETFL, 0);
  ::fcntl(err_write.get(), F_SETFL, 0);
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("sandbox: fork");
  if (pid == 0) exec_child(plan, argv.data(), envp.data(), null_in.get(), out_write.get(), err_write.get());
  out_write.reset();
  err_write.reset();
  null_in.reset();

  ProgramResult result;
  Capture out, err;
  err.tail = true;
  bool timed_out = false;
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(std::max(options.timeout_s, 0.0)));
  const int status = supervise(pid, out_read.get(), err_read.get(), deadline, options.output_cap_bytes, out, err,
                               timed_out);
  err.finish(options.output_cap_bytes);
  result.outcome = classify(timed_out, status, result.exit_status, result.signal);
  result.stdout_head = std::move(out.kept);
  result.stderr_tail = std::move(err.kept);
  result.stdout_bytes = out.total;
  result.stderr_bytes = err.total;
  result.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return result;
}

std::string unavailable_reason(const SandboxOptions& options) {
  static std::mutex mutex;
  static std::map<Isolation, std::string> tried;
  const std::lock_guard lock(mutex);
  if (const auto it = tried.find(options.isolation); it != tried.end()) return it->second;
  std::string reason;
  if (::access(kPythonPath, X_OK) != 0) {
    reason = fmt::format("{} not found (apt-get install python3)", kPythonPath);
  } else if (options.isolation == Isolation::bubblewrap && ::access(kBwrapPath, X_OK) != 0) {
    reason = fmt::format("{} not found", kBwrapPath);
  } else {
    SandboxOptions trial = options;
    trial.timeout_s = std::max(options.timeout_s, 10.0);
    const ProgramResult r = run_python("pass\n", trial);
    if (r.outcome != Outcome::passed) {
      std::string said = r.stderr_tail.substr(0, 400);
      while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
      reason = fmt::format("a trial program did not run in the sandbox (exit status {}): {}", r.exit_status,
                           said.empty() ? "no message" : said);
    }
  }
  tried.emplace(options.isolation, reason);
  return reason;
}

void require_available(const SandboxOptions& options) {
  const std::string reason = unavailable_reason(options);
  if (reason.empty()) return;
  if (options.isolation == Isolation::unsandboxed) {
    throw Error(fmt::format("code tasks: cannot run Python programs: {}", reason));
  }
  throw Error(fmt::format(
      "code tasks: refusing to run model code without a sandbox: {}. Install bubblewrap (apt-get install "
      "bubblewrap; scripts/install-deps.sh does) on a kernel that permits unprivileged user namespaces "
      "(sysctl kernel.unprivileged_userns_clone=1 where it exists), or pass --allow-unsandboxed-code to run it "
      "with rlimits and a process-group kill only",
      reason));
}

}  // namespace llmbench::sandbox
