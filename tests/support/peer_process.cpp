#include "support/peer_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace duplex::test {
namespace {

std::runtime_error system_error(const std::string& what, int err) {
  return std::runtime_error(what + ": " + std::strerror(err));
}

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// Owns posix_spawn's attribute and file-action objects.
class SpawnSetup {
 public:
  SpawnSetup() {
    if (int err = posix_spawn_file_actions_init(&actions_)) throw system_error("posix_spawn_file_actions_init", err);
    if (int err = posix_spawnattr_init(&attr_)) {
      posix_spawn_file_actions_destroy(&actions_);
      throw system_error("posix_spawnattr_init", err);
    }
  }
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attr_);
    posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // stdin/stdout come from the given descriptors (-1: /dev/null for stdin,
  // inherited for stdout); every descriptor above 2 is closed in the child;
  // the signal mask is emptied and the signals a peer is stopped with get
  // their default action back.
  void configure(int stdin_fd, int stdout_fd) {
    if (stdin_fd >= 0) {
      check(posix_spawn_file_actions_adddup2(&actions_, stdin_fd, STDIN_FILENO), "adddup2");
    } else {
      check(posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0), "addopen");
    }
    if (stdout_fd >= 0) {
      check(posix_spawn_file_actions_adddup2(&actions_, stdout_fd, STDOUT_FILENO), "adddup2");
    }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    check(posix_spawn_file_actions_addclosefrom_np(&actions_, 3), "addclosefrom_np");
#endif
    sigset_t mask;
    sigemptyset(&mask);
    check(posix_spawnattr_setsigmask(&attr_, &mask), "setsigmask");
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP}) sigaddset(&defaults, sig);
    check(posix_spawnattr_setsigdefault(&attr_, &defaults), "setsigdefault");
    check(posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF), "setflags");
  }

  pid_t spawn(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const bool search_path = argv[0].find('/') == std::string::npos;
    int err = search_path ? posix_spawnp(&pid, args[0], &actions_, &attr_, args.data(), environ)
                          : posix_spawn(&pid, args[0], &actions_, &attr_, args.data(), environ);
    if (err) throw system_error("cannot start " + join(argv), err);
    return pid;
  }

 private:
  static void check(int err, const char* what) {
    if (err) throw system_error(std::string("posix_spawn ") + what, err);
  }

  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

// waitpid() that retries on EINTR; returns the pid, 0, or -1.
pid_t wait_child(pid_t pid, int* status, int options) noexcept {
  for (;;) {
    pid_t r = ::waitpid(pid, status, options);
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = ::strsignal(sig);
    return "killed by signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
  }
  return "wait status " + std::to_string(status);
}

PeerProcess::PeerProcess(std::vector<std::string> argv) : argv_(std::move(argv)) {
  if (argv_.empty()) throw std::runtime_error("PeerProcess: empty command");
  int out_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw system_error("pipe2", errno);
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
    const int err = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw system_error("pipe2", err);
  }
  stdout_fd_ = out_pipe[0];
  stdin_fd_ = in_pipe[1];
  int child_out = out_pipe[1];
  int child_in = in_pipe[0];
  try {
    SpawnSetup setup;
    setup.configure(child_in, child_out);
    pid_ = setup.spawn(argv_);
  } catch (...) {
    close_fd(child_out);
    close_fd(child_in);
    close_pipes();
    throw;
  }
  close_fd(child_out);
  close_fd(child_in);
}

PeerProcess::PeerProcess(PeerProcess&& other) noexcept
    : argv_(std::move(other.argv_)),
      pid_(std::exchange(other.pid_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)),
      pending_(std::move(other.pending_)),
      port_(std::exchange(other.port_, std::nullopt)),
      wait_status_(std::exchange(other.wait_status_, std::nullopt)) {}

PeerProcess& PeerProcess::operator=(PeerProcess&& other) noexcept {
  if (this != &other) {
    stop();
    argv_ = std::move(other.argv_);
    pid_ = std::exchange(other.pid_, -1);
    stdout_fd_ = std::exchange(other.stdout_fd_, -1);
    stdin_fd_ = std::exchange(other.stdin_fd_, -1);
    pending_ = std::move(other.pending_);
    port_ = std::exchange(other.port_, std::nullopt);
    wait_status_ = std::exchange(other.wait_status_, std::nullopt);
  }
  return *this;
}

PeerProcess::~PeerProcess() { stop(); }

std::string PeerProcess::command_line() const { return join(argv_); }

std::uint16_t PeerProcess::wait_for_port(std::chrono::milliseconds timeout) {
  if (port_) return *port_;
  if (pid_ < 0 || stdout_fd_ < 0) throw std::runtime_error("wait_for_port: process not running: " + command_line());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  constexpr std::string_view marker = "LISTENING ";
  for (;;) {
    for (auto eol = pending_.find('\n'); eol != std::string::npos; eol = pending_.find('\n')) {
      std::string line = pending_.substr(0, eol);
      pending_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind(marker, 0) != 0) continue;
      const std::string digits = line.substr(marker.size());
      int port = 0;
      try {
        port = std::stoi(digits);
      } catch (const std::exception&) {
        port = 0;
      }
      if (port <= 0 || port > 65535) throw std::runtime_error("bad port line '" + line + "' from " + command_line());
      port_ = static_cast<std::uint16_t>(port);
      return *port_;
    }
    const Read read = read_more(deadline);
    if (read == Read::timeout) {
      throw std::runtime_error("timed out after " + std::to_string(timeout.count()) +
                               " ms waiting for 'LISTENING <port>' from " + command_line());
    }
    if (read == Read::data) continue;
    // EOF: the child closed stdout, most likely because it exited.
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 200 && r == 0; ++i) {
      r = wait_child(pid_, &status, WNOHANG);
      if (r == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (r == pid_) {
      wait_status_ = status;
      pid_ = -1;
      close_pipes();
      throw std::runtime_error(command_line() + " exited before listening: " + describe_wait_status(status));
    }
    throw std::runtime_error(command_line() + " closed stdout before printing 'LISTENING <port>'");
  }
}

std::optional<std::string> PeerProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto eol = pending_.find('\n'); eol != std::string::npos) {
      std::string line = pending_.substr(0, eol);
      pending_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (stdout_fd_ < 0) return std::nullopt;
    if (read_more(deadline) != Read::data) return std::nullopt;  // timed out, or EOF: no further line
  }
}

PeerProcess::Read PeerProcess::read_more(std::chrono::steady_clock::time_point deadline) {
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
      throw system_error("read from " + command_line(), errno);
    }
    if (n == 0) return Read::eof;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return Read::data;
  }
}

void PeerProcess::stop() noexcept {
  if (pid_ > 0) {
    int status = 0;
    pid_t r = wait_child(pid_, &status, WNOHANG);
    if (r == 0) {
      ::kill(pid_, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while ((r = wait_child(pid_, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (r == 0) {
        ::kill(pid_, SIGKILL);
        r = wait_child(pid_, &status, 0);
      }
    }
    if (r == pid_) wait_status_ = status;
    pid_ = -1;
  }
  close_pipes();
}

void PeerProcess::close_pipes() noexcept {
  close_fd(stdout_fd_);
  close_fd(stdin_fd_);
}

int run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) throw std::runtime_error("run_process: empty command");
  SpawnSetup setup;
  setup.configure(-1, -1);
  const pid_t pid = setup.spawn(argv);
  int status = 0;
  if (wait_child(pid, &status, 0) != pid) throw system_error("waitpid for " + join(argv), errno);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace duplex::test
