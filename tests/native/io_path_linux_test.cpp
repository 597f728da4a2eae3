// The I/O paths of the native backend on Linux: io_uring where the kernel
// allows it, epoll otherwise or when asked for, and the fallback when
// io_uring cannot be set up.

#include "duplex/native/asio_backend.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <duplex/duplex.hpp>
#include <linux/io_uring.h>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/deny_io_uring.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using native::IoPath;

native::AsioBackendConfig taking(IoPath path) {
  native::AsioBackendConfig config;
  config.io_path = path;
  return config;
}

// Messages that fit one provided buffer, span several, and need several sends.
const std::vector<std::size_t> echo_sizes = {16, 1024, 100 * 1024, 1024 * 1024};

std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return bytes;
}

struct EchoResult {
  bool opened = false;
  std::vector<bool> intact;  // per message: the echo equals what was sent
  std::optional<CloseEvent> closed;
};

// Sends each size in turn on one connection, each after the previous echo,
// then closes; runs `io` until the connection is closed.
EchoResult echo_through(native::AsioBackend& backend, const Peer& peer) {
  auto& io = backend.context();
  EchoResult result;
  WebSocket ws(backend, peer.url("/"));
  std::size_t next = 0;
  auto send_next = [&] {
    if (next == echo_sizes.size()) return ws.close(1000);
    ws.send(pattern(echo_sizes[next]));
  };
  ws.onopen([&](const Event&) {
    result.opened = true;
    send_next();
  });
  ws.onmessage([&](const MessageEvent& e) {
    result.intact.push_back(e.text() == pattern(echo_sizes[next]));
    ++next;
    send_next();
  });
  ws.onclose([&](const CloseEvent& e) { result.closed = e; });
  io.run_for(std::chrono::seconds(20));
  return result;
}

void check_echo(const EchoResult& result) {
  CHECK(result.opened);
  CHECK(result.intact == std::vector<bool>(echo_sizes.size(), true));
  REQUIRE(result.closed);
  CHECK(result.closed->was_clean());
  CHECK(result.closed->code() == 1000);
}

// Captures what is written to file descriptor 2 during its life.
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(::dup(2)) {
    std::fflush(stderr);
    ::dup2(::fileno(file_), 2);
  }
  ~StderrCapture() {
    restore();
    std::fclose(file_);
  }
  /// Stops capturing; returns what was written.
  std::string text() {
    restore();
    std::string captured;
    std::rewind(file_);
    for (int c; (c = std::fgetc(file_)) != EOF;) captured += static_cast<char>(c);
    return captured;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_;
};

// Sets an environment variable for the scope (each test runs in a process of its own).
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnvironment() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("a backend asked for io_uring takes it where the kernel allows it, and echoes", "[native][io_path]") {
  // Linux 6.0+ with io_uring permitted (this machine: see docs/toolchain.md).
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io, taking(IoPath::io_uring));
  REQUIRE(backend.io_path() == IoPath::io_uring);
  check_echo(echo_through(backend, peer));
  CHECK(io.stopped());  // the ring's wait ends with the last request: run() returns
}

TEST_CASE("a backend asked for epoll takes it, whatever DUPLEX_IO says", "[native][io_path]") {
  ScopedEnvironment environment("DUPLEX_IO", "io_uring");
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io, taking(IoPath::epoll));
  REQUIRE(backend.io_path() == IoPath::epoll);
  check_echo(echo_through(backend, peer));
}

TEST_CASE("DUPLEX_IO chooses the path of a backend that leaves it automatic", "[native][io_path]") {
  boost::asio::io_context io;
  {
    ScopedEnvironment environment("DUPLEX_IO", "epoll");
    CHECK(native::AsioBackend(io).io_path() == IoPath::epoll);
  }
  {
    ScopedEnvironment environment("DUPLEX_IO", "io_uring");
    CHECK(native::AsioBackend(io).io_path() == IoPath::io_uring);
  }
  {
    ScopedEnvironment environment("DUPLEX_IO", "kqueue");  // unknown: automatic (a note on stderr)
    CHECK(native::AsioBackend(io).io_path() == IoPath::io_uring);
  }
}

TEST_CASE("io_uring forbidden as in a container: the backend falls back to epoll and works", "[native][io_path]") {
  auto peer = start_ws_peer();
  // On a thread of its own: the seccomp filter stays with the thread.
  bool denied = false;
  int setup_errno = 0;
  std::optional<IoPath> forced, automatic;
  std::string note;
  EchoResult echo;
  std::thread([&] {
    denied = deny_io_uring_setup_in_this_thread();
    if (!denied) return;
    io_uring_params params{};
    if (::syscall(__NR_io_uring_setup, 4, &params) < 0) setup_errno = errno;
    boost::asio::io_context io;
    StderrCapture capture;
    native::AsioBackend asked(io, taking(IoPath::io_uring));
    forced = asked.io_path();
    automatic = native::AsioBackend(io).io_path();
    note = capture.text();
    echo = echo_through(asked, peer);
  }).join();
  REQUIRE(denied);
  CHECK(setup_errno == EPERM);  // the kernel refused the ring, as Docker's default profile makes it
  CHECK(forced == IoPath::epoll);
  CHECK(automatic == IoPath::epoll);
  // Asked for by name: one line says it is not taken, and why; chosen automatically: nothing more.
  CHECK(note == "duplex: io_uring asked for, but io_uring_setup: Operation not permitted: using epoll\n");
  check_echo(echo);
}

TEST_CASE("an io_context destroyed with a connection open on io_uring frees it", "[native][io_path]") {
  // The ring's requests keep their session alive until their last
  // completion; the io_context's shutdown cancels them and lets the session
  // go (a leak here fails the ASan preset).
  auto peer = start_ws_peer();
  bool opened = false;
  {
    boost::asio::io_context io;
    native::AsioBackend backend(io, taking(IoPath::io_uring));
    auto ws = std::make_unique<WebSocket>(backend, peer.url("/"));
    ws->onopen([&](const Event&) {
      opened = true;
      ws->send(pattern(64 * 1024));
      io.stop();
    });
    io.run_for(std::chrono::seconds(20));
    ws.reset();  // a Close frame queued on the ring, never submitted
  }
  CHECK(opened);
}

}  // namespace duplex::test
