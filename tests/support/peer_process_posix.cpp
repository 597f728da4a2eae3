// Child processes on Linux and macOS: pipes for stdin and stdout, stopped by
// PID with SIGTERM then SIGKILL. Linux starts the child with fork + execve so
// that it can ask for PR_SET_PDEATHSIG; macOS uses posix_spawn.

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#else
#include <spawn.h>
#endif

#include "support/child_process.hpp"
#include "support/peer_process.hpp"

extern char** environ;

namespace duplex::test {
namespace {

std::runtime_error system_error(const std::string& what, int err) {
  return std::runtime_error(what + ": " + std::strerror(err));
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// A pipe whose both ends are close-on-exec: the child gets only what is
// dup2'ed onto its 0 and 1, however many threads start children at once.
// (pipe2 is Linux and the BSDs; macOS has only pipe + fcntl, which is fine
// here since every child of the tests is started with these.)
void make_pipe(int fds[2]) {
#ifdef __linux__
  if (::pipe2(fds, O_CLOEXEC) != 0) throw system_error("pipe2", errno);
#else
  if (::pipe(fds) != 0) throw system_error("pipe", errno);
  for (int i = 0; i < 2; ++i) ::fcntl(fds[i], F_SETFD, FD_CLOEXEC);
#endif
}

// argv[0] resolved against PATH when it names no directory ("" if not found).
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string rest = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0;;) {
    const auto colon = rest.find(':', start);
    std::string dir = rest.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) return {};
    start = colon + 1;
  }
}

#ifdef __linux__
// ---- Linux: fork + execve, with the child killed when the test process dies.
// Between fork and execve the child calls only async-signal-safe functions.
// PR_SET_PDEATHSIG fires when the *thread* that forked ends: the tests start
// peers from the thread that runs the test case.
pid_t spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, int stderr_fd = -1) {
  const std::string program = resolve_program(argv[0]);
  if (program.empty()) throw system_error("cannot start " + join_command(argv), ENOENT);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int status_pipe[2];  // reports an exec failure's errno; closed by a successful exec
  make_pipe(status_pipe);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(status_pipe[0]);
    ::close(status_pipe[1]);
    throw system_error("fork", err);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the parent is already gone
    const int in = stdin_fd >= 0 ? stdin_fd : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0 || ::dup2(in, STDIN_FILENO) < 0) ::_exit(127);
    if (stdout_fd >= 0 && ::dup2(stdout_fd, STDOUT_FILENO) < 0) ::_exit(127);
    if (stderr_fd >= 0 && ::dup2(stderr_fd, STDERR_FILENO) < 0) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP}) ::signal(sig, SIG_DFL);
    ::execve(program.c_str(), args.data(), environ);
    const int err = errno;
    [[maybe_unused]] auto n = ::write(status_pipe[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(status_pipe[1]);
  int err = 0;
  ssize_t n;
  while ((n = ::read(status_pipe[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  ::close(status_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof err)) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    throw system_error("cannot start " + join_command(argv), err);
  }
  return pid;
}
#else
// ---- macOS (and other POSIX systems): posix_spawn. Every descriptor the
// tests open for children is close-on-exec, so nothing else is inherited.
pid_t spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, int stderr_fd = -1) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  if (stderr_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
  sigset_t mask;
  sigemptyset(&mask);
  posix_spawnattr_setsigmask(&attr, &mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int err = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (err) throw system_error("cannot start " + join_command(argv), err);
  return pid;
}
#endif

// waitpid() that retries on EINTR; returns the pid, 0, or -1.
pid_t wait_child(pid_t pid, int* status, int options) noexcept {
  for (;;) {
    const pid_t r = ::waitpid(pid, status, options);
    if (r >= 0 || errno != EINTR) return r;
  }
}

// Waits up to `timeout` for `pid` to end; its status if it did.
std::optional<int> reap_within(pid_t pid, std::chrono::milliseconds timeout) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t r = wait_child(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

class PosixChild final : public ChildProcess {
 public:
  explicit PosixChild(const std::vector<std::string>& argv) : command_(join_command(argv)) {
    int out_pipe[2];
    int in_pipe[2];
    make_pipe(out_pipe);
    try {
      make_pipe(in_pipe);
    } catch (...) {
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
      throw;
    }
    stdout_fd_ = out_pipe[0];
    stdin_fd_ = in_pipe[1];
    int child_out = out_pipe[1];
    int child_in = in_pipe[0];
    try {
      pid_ = spawn(argv, child_in, child_out);
    } catch (...) {
      close_fd(child_out);
      close_fd(child_in);
      close_fd(stdout_fd_);
      close_fd(stdin_fd_);
      throw;
    }
    close_fd(child_out);
    close_fd(child_in);
  }
  ~PosixChild() override { stop(); }

  Read read(std::string& out, std::chrono::steady_clock::time_point deadline) override {
    if (stdout_fd_ < 0) return Read::eof;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Read::timeout;
      pollfd pfd{stdout_fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (ready < 0) {
        if (errno == EINTR) continue;
        throw system_error("poll", errno);
      }
      if (ready == 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        throw system_error("read from " + command_, errno);
      }
      if (n == 0) return Read::eof;
      out.append(buffer, static_cast<std::size_t>(n));
      return Read::data;
    }
  }

  std::optional<int> wait_exit(std::chrono::milliseconds timeout) override {
    if (pid_ <= 0) return status_;
    if (auto status = reap_within(pid_, timeout)) {
      status_ = status;
      pid_ = -1;
      close_fd(stdout_fd_);
      close_fd(stdin_fd_);
    }
    return status_;
  }

  std::optional<int> stop() noexcept override {
    if (pid_ > 0) {
      auto status = reap_within(pid_, std::chrono::milliseconds(0));
      if (!status) {
        ::kill(pid_, SIGTERM);
        status = reap_within(pid_, std::chrono::seconds(2));
      }
      if (!status) {
        ::kill(pid_, SIGKILL);
        int raw = 0;
        if (wait_child(pid_, &raw, 0) == pid_) status = raw;
      }
      status_ = status;
      pid_ = -1;
    }
    close_fd(stdout_fd_);
    close_fd(stdin_fd_);
    return status_;
  }

  long id() const noexcept override { return pid_; }

 private:
  std::string command_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> status_;
};

}  // namespace

std::unique_ptr<ChildProcess> start_child(const std::vector<std::string>& argv) {
  return std::make_unique<PosixChild>(argv);
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = ::strsignal(sig);
    return "killed by signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
  }
  return "wait status " + std::to_string(status);
}

int run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) throw std::runtime_error("run_process: empty command");
  const pid_t pid = spawn(argv, -1, -1);
  int status = 0;
  if (wait_child(pid, &status, 0) != pid) throw system_error("waitpid for " + join_command(argv), errno);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

CapturedRun run_process_capture(const std::vector<std::string>& argv, const std::string& input) {
  if (argv.empty()) throw std::runtime_error("run_process_capture: empty command");
  // The input goes to a file: a pipe could fill while the child is not reading.
  char path[] = "/tmp/duplex-input-XXXXXX";
  int input_fd = ::mkstemp(path);
  if (input_fd < 0) throw system_error("mkstemp", errno);
  ::unlink(path);
  ::fcntl(input_fd, F_SETFD, FD_CLOEXEC);
  if (::write(input_fd, input.data(), input.size()) != static_cast<ssize_t>(input.size()) ||
      ::lseek(input_fd, 0, SEEK_SET) != 0) {
    const int err = errno;
    ::close(input_fd);
    throw system_error("writing the input of " + join_command(argv), err);
  }
  int out_pipe[2];
  make_pipe(out_pipe);
  pid_t pid = -1;
  try {
    pid = spawn(argv, input_fd, out_pipe[1], out_pipe[1]);
  } catch (...) {
    ::close(input_fd);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw;
  }
  ::close(input_fd);
  ::close(out_pipe[1]);
  CapturedRun run;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(out_pipe[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out_pipe[0]);
  int status = 0;
  if (wait_child(pid, &status, 0) == pid && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

}  // namespace duplex::test
