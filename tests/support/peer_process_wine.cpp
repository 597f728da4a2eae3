// The machine's Unix programs, started by a Windows test program under Wine
// (see peer_process_windows.cpp for why stdin and stdout are loopback TCP
// connections and the program runs under /bin/sh).

#include <winsock2.h>
#include <windows.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "support/peer_process.hpp"
#include "support/peer_process_windows.hpp"
#include "support/test_paths.hpp"

namespace duplex::test {
namespace {

// Prints its PID, leaves a watcher that ends the program when stdin reaches
// EOF (TERM, then KILL 2 s later), and becomes the program ("$@"). Wine keeps
// its sockets non-blocking, so the watcher cannot be `cat` (it stops at
// EAGAIN): a select() loop in Perl (perl-base is essential on Debian) waits.
constexpr char peer_script[] =
    "echo \"PID $$\"; exec 3<&0; "
    "(perl -e 'use IO::Select; my $s = IO::Select->new(0); "
    "while (1) { $s->can_read; my $n = sysread(STDIN, my $b, 4096); last if defined $n && $n == 0 }'; "
    "kill $$ 2>/dev/null; sleep 2; kill -9 $$ 2>/dev/null) <&3 >/dev/null 2>&1 & "
    "exec 3<&-; exec \"$@\"";

// Runs the program with its stdout on stderr and reports its exit code.
constexpr char run_script[] = "\"$@\" </dev/null >&2; echo \"EXIT $?\"";

std::runtime_error socket_error(const std::string& what) {
  return std::runtime_error(what + ": Winsock error " + std::to_string(::WSAGetLastError()));
}

void ensure_winsock() {
  static const bool started = [] {
    WSADATA data;
    return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }();
  if (!started) throw std::runtime_error("WSAStartup failed");
}

void close_socket(SOCKET& s) noexcept {
  if (s != INVALID_SOCKET) ::closesocket(s);
  s = INVALID_SOCKET;
}

// A connected pair of loopback TCP sockets, not overlapped (a Unix program
// gets the descriptor behind one of them).
void socket_pair(SOCKET& parent, SOCKET& child) {
  ensure_winsock();
  SOCKET listener = ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, 0);
  if (listener == INVALID_SOCKET) throw socket_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int length = sizeof address;
  parent = child = INVALID_SOCKET;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close_socket(listener);
    throw socket_error("loopback listener");
  }
  parent = ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, 0);
  if (parent == INVALID_SOCKET || ::connect(parent, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      (child = ::accept(listener, nullptr, nullptr)) == INVALID_SOCKET) {
    close_socket(parent);
    close_socket(listener);
    throw socket_error("loopback connection");
  }
  close_socket(listener);
}

// Starts argv (Unix program, local paths) under /bin/sh with `script`; the
// child's stdin and stdout are the given sockets. Wine gives no handle back.
void start_under_shell(const char* script, const std::vector<std::string>& argv, SOCKET in, SOCKET out) {
  std::vector<std::string> command = {local_path("/bin/sh"), "-c", script, "duplex-test-peer"};
  for (const auto& arg : argv) command.push_back(peer_path(arg));
  std::wstring line = windows_command_line(command);
  const std::wstring application = widen_text(command[0]);
  STARTUPINFOW info{};
  info.cb = sizeof info;
  info.dwFlags = STARTF_USESTDHANDLES;
  info.hStdInput = reinterpret_cast<HANDLE>(in);
  info.hStdOutput = reinterpret_cast<HANDLE>(out);
  info.hStdError = ::GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION process{};
  if (!::CreateProcessW(application.c_str(), line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &info,
                        &process))
    throw std::runtime_error("cannot start " + join_command(argv) + ": Windows error " +
                             std::to_string(::GetLastError()));
  if (process.hProcess) ::CloseHandle(process.hProcess);  // a Windows program after all (not expected)
  if (process.hThread) ::CloseHandle(process.hThread);
}

// Waits until `deadline` for bytes on `s`.
ChildProcess::Read receive(SOCKET s, std::string& out, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ChildProcess::Read::timeout;
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(s, &readable);
    timeval wait{static_cast<long>(left.count() / 1000000), static_cast<long>(left.count() % 1000000)};
    const int ready = ::select(0, &readable, nullptr, nullptr, &wait);
    if (ready < 0) throw socket_error("select");
    if (ready == 0) continue;
    char buffer[4096];
    const int n = ::recv(s, buffer, sizeof buffer, 0);
    if (n <= 0) return ChildProcess::Read::eof;
    out.append(buffer, static_cast<std::size_t>(n));
    return ChildProcess::Read::data;
  }
}

class WineUnixChild final : public ChildProcess {
 public:
  explicit WineUnixChild(const std::vector<std::string>& argv) : command_(join_command(argv)) {
    SOCKET child_in = INVALID_SOCKET;
    SOCKET child_out = INVALID_SOCKET;
    try {
      socket_pair(stdin_, child_in);
      socket_pair(stdout_, child_out);
      start_under_shell(peer_script, argv, child_in, child_out);
    } catch (...) {
      close_socket(child_in);
      close_socket(child_out);
      close_channels();
      throw;
    }
    close_socket(child_in);
    close_socket(child_out);
    read_pid();
  }
  ~WineUnixChild() override { stop(); }

  Read read(std::string& out, std::chrono::steady_clock::time_point deadline) override {
    if (!early_.empty()) {
      out += std::exchange(early_, {});
      return Read::data;
    }
    if (stdout_ == INVALID_SOCKET) return Read::eof;
    return receive(stdout_, out, deadline);
  }

  // Wine tells nothing of how a Unix program ended.
  std::optional<int> wait_exit(std::chrono::milliseconds) override { return std::nullopt; }

  std::optional<int> stop() noexcept override {
    if (stdout_ == INVALID_SOCKET && stdin_ == INVALID_SOCKET) return std::nullopt;
    close_socket(stdin_);  // the watcher sends SIGTERM
    try {
      if (!drained_within(std::chrono::seconds(3)) && pid_ > 0) {
        run_process({"/bin/kill", "-KILL", std::to_string(pid_)});
        drained_within(std::chrono::seconds(2));
      }
    } catch (...) {
    }
    close_channels();
    pid_ = -1;
    return std::nullopt;
  }

  long id() const noexcept override { return pid_; }

 private:
  // Stdout reaches EOF once the program (which alone holds it) has ended.
  bool drained_within(std::chrono::milliseconds timeout) {
    if (stdout_ == INVALID_SOCKET) return true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string ignored;
    for (;;) {
      const Read read = receive(stdout_, ignored, deadline);
      ignored.clear();
      if (read == Read::eof) return true;
      if (read == Read::timeout) return false;
    }
  }

  void read_pid() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    std::string::size_type eol;
    while ((eol = early_.find('\n')) == std::string::npos) {
      if (receive(stdout_, early_, deadline) != Read::data) {
        close_channels();
        throw std::runtime_error("cannot start " + command_ + " under /bin/sh (Wine)");
      }
    }
    pid_ = std::stol(early_.substr(4, eol - 4));  // "PID <n>"
    early_.erase(0, eol + 1);
  }

  void close_channels() noexcept {
    close_socket(stdin_);
    close_socket(stdout_);
  }

  std::string command_;
  SOCKET stdin_ = INVALID_SOCKET;
  SOCKET stdout_ = INVALID_SOCKET;
  std::string early_;  // what came after the PID line with it
  long pid_ = -1;
};

}  // namespace

std::wstring widen_text(const std::string& text) {
  if (text.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n);
  return out;
}

std::string narrow_text(const std::wstring& text) {
  if (text.empty()) return {};
  const int n =
      ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n, nullptr, nullptr);
  return out;
}

// The quoting CommandLineToArgvW undoes: backslashes are literal except
// before a quote, where they (doubled) and the escaped quote are.
std::wstring windows_command_line(const std::vector<std::string>& argv) {
  std::wstring line;
  for (const auto& arg : argv) {
    if (!line.empty()) line += L' ';
    const std::wstring wide = widen_text(arg);
    if (!wide.empty() && wide.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
      line += wide;
      continue;
    }
    line += L'"';
    std::size_t backslashes = 0;
    for (wchar_t c : wide) {
      if (c == L'\\') {
        ++backslashes;
        continue;
      }
      if (c == L'"') line.append(backslashes * 2 + 1, L'\\');
      else line.append(backslashes, L'\\');
      backslashes = 0;
      line += c;
    }
    line.append(backslashes * 2, L'\\');
    line += L'"';
  }
  return line;
}

bool is_windows_executable(const std::string& path) {
  std::ifstream file(std::filesystem::path(widen_text(path)), std::ios::binary);
  char magic[2] = {};
  return file.read(magic, 2) && magic[0] == 'M' && magic[1] == 'Z';
}

std::unique_ptr<ChildProcess> start_wine_unix_child(const std::vector<std::string>& argv) {
  return std::make_unique<WineUnixChild>(argv);
}

int run_wine_unix_program(const std::vector<std::string>& argv) {
  SOCKET in = INVALID_SOCKET;
  SOCKET child_in = INVALID_SOCKET;
  SOCKET out = INVALID_SOCKET;
  SOCKET child_out = INVALID_SOCKET;
  socket_pair(in, child_in);
  socket_pair(out, child_out);
  try {
    start_under_shell(run_script, argv, child_in, child_out);
  } catch (...) {
    for (SOCKET* s : {&in, &child_in, &out, &child_out}) close_socket(*s);
    throw;
  }
  for (SOCKET* s : {&in, &child_in, &child_out}) close_socket(*s);
  std::string output;
  const auto forever = std::chrono::steady_clock::now() + std::chrono::hours(1);
  while (receive(out, output, forever) == ChildProcess::Read::data) {
  }
  close_socket(out);
  const auto at = output.rfind("EXIT ");
  if (at == std::string::npos) throw std::runtime_error(join_command(argv) + " ended without an exit code (Wine)");
  return std::stoi(output.substr(at + 5));
}

}  // namespace duplex::test
