#pragma once
// Runs one untrusted Python program (a model's code with a task's tests) and says how it
// ended. Pure of HTTP; nothing here prints.
//
//   sandbox::SandboxOptions options;                  // bubblewrap, 10 s, 1 GiB, ...
//   sandbox::require_available(options);              // throws Error if it cannot isolate
//   sandbox::ProgramResult r = sandbox::run_python(program_text, options);
//
// With Isolation::bubblewrap (the default) the program runs as Debian's /usr/bin/python3 under
// Debian's /usr/bin/bwrap with:
//   - its own user, network, PID, IPC, UTS and cgroup namespaces (--unshare-all): no network
//     (a loopback of its own, down), and nothing it starts outlives it: when the program
//     exits or is killed, the namespace's init dies and the kernel kills every process in it;
//   - a read-only view of the system (/usr and the /bin, /lib, /sbin links; no /home, /root,
//     /etc or working tree), a fresh /dev and /proc, a private /tmp, and its working directory
//     /box: both small tmpfs mounts (kWorkBytes), so nothing it writes reaches the disk;
//   - rlimits set in the child before exec: CPU seconds, address space, file size, open files,
//     no core dumps; processes (RLIMIT_NPROC) inside the namespace, where it counts only the
//     program's own processes (prlimit, before python starts);
//   - when llmbench runs as root, the uid/gid nobody (65534) outside the namespace;
//   - a scrubbed environment, stdin from /dev/null, no inherited descriptor but its pipes,
//     its own session (no terminal signals), killed when llmbench dies (--die-with-parent);
//   - the wall timeout: at timeout_s the whole process group is killed (SIGKILL), which ends
//     the namespace; stdout and stderr are read as they come, output_cap_bytes of each kept
//     and the rest read and discarded.
// With Isolation::unsandboxed (--allow-unsandboxed-code) only the rlimits (NPROC then counts
// every process of the user: nobody's when root), the scrubbed environment, closed stdin,
// capped output and the wall timeout's process-group kill apply; the working directory is a
// host temp dir. A process that leaves the group (setsid) can outlive the program there.
//
// The host temp dir a run creates (the program's file; in unsandboxed mode its working dir) is
// removed before run_python returns, whatever happened. run_python is safe to call from many
// threads at once.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace llmbench::sandbox {

enum class Isolation { bubblewrap, unsandboxed };

inline constexpr const char* kBwrapPath = "/usr/bin/bwrap";
inline constexpr const char* kPythonPath = "/usr/bin/python3";  // Debian's, never a pyenv shim
inline constexpr std::uint64_t kWorkBytes = 64ull << 20;        // /box and /tmp tmpfs sizes

struct SandboxOptions {
  Isolation isolation = Isolation::bubblewrap;
  double timeout_s = 10;                            // wall time per program (--code-timeout)
  std::uint64_t address_space_bytes = 1ull << 30;   // RLIMIT_AS
  std::uint64_t file_size_bytes = 16ull << 20;      // RLIMIT_FSIZE
  std::uint64_t open_files = 64;                    // RLIMIT_NOFILE
  std::uint64_t processes = 32;                     // RLIMIT_NPROC
  std::size_t output_cap_bytes = 64u << 10;         // kept of stdout and of stderr each
  std::filesystem::path temp_parent;                // where each program's host temp dir
                                                    // (llmbench-code-*) is made; empty: the
                                                    // system temp dir
};

// How a program ended.
//   passed   exit status 0
//   failed   an AssertionError escaped (the task's tests failed)
//   error    any other exception, a non-zero exit, a signal, a sandbox failure
//   timeout  the wall timeout or the CPU limit ended it
enum class Outcome { passed, failed, error, timeout };
const char* to_string(Outcome outcome);

struct ProgramResult {
  Outcome outcome = Outcome::error;
  int exit_status = -1;       // the exit code, or -1 if a signal ended it
  int signal = 0;             // the signal that ended it, else 0
  std::string stdout_head;    // the first output_cap_bytes of stdout
  std::string stderr_tail;    // the last output_cap_bytes of stderr (a traceback ends there)
  std::uint64_t stdout_bytes = 0, stderr_bytes = 0;  // written in all (kept or not)
  double wall_ms = 0;
};

// Runs `program` (Python source) and classifies its end. An exception escaping the program is
// printed to stderr (traceback) and sets the outcome: AssertionError -> failed, else error.
// Never throws for what the program does; throws std::system_error if the host cannot create
// a temp dir, a pipe or a process.
ProgramResult run_python(const std::string& program, const SandboxOptions& options);

// Why programs cannot run with `options` ("" if they can): for bubblewrap, bwrap or python3
// missing, or a trial program not passing inside the sandbox (namespaces not permitted, ...),
// with bwrap's own words. Tried once per process and isolation; thread-safe.
std::string unavailable_reason(const SandboxOptions& options);

// Throws Error (bad input) naming the reason and the fix (install bubblewrap, allow user
// namespaces, or --allow-unsandboxed-code) when unavailable_reason() is not empty.
void require_available(const SandboxOptions& options);

}  // namespace llmbench::sandbox
