// Child processes on Windows, and on Windows under Wine.
//
// A Windows program is started with CreateProcessW, its stdin and stdout on
// anonymous pipes, in a job object that kills it when the test process ends,
// and stopped by handle (TerminateProcess, WaitForSingleObject).
//
// Under Wine the peers are the machine's Unix programs (node, python3,
// tinyproxy, microsocks). Wine's CreateProcessW starts an ELF file itself
// (fork + execve), but returns no process handle or id, and it can hand the
// child only standard handles that have a Unix descriptor: a pipe from
// CreatePipe has none (the child gets /dev/null), a socket has one. So a Unix
// child gets one loopback TCP connection as stdin and another as stdout, and
// runs under /bin/sh, which first prints "PID <pid>" and then execs the
// program with a watcher beside it that kills the program once stdin reaches
// EOF (stop(), or the test process died). Stopping closes stdin, waits for
// stdout's EOF, and runs /bin/kill -KILL if it does not come.

#include <winsock2.h>
#include <windows.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <utility>

#include "support/child_process.hpp"
#include "support/peer_process.hpp"
#include "support/test_paths.hpp"
#include "support/peer_process_windows.hpp"

namespace duplex::test {
namespace {

std::runtime_error windows_error(const std::string& what, DWORD err = ::GetLastError()) {
  return std::runtime_error(what + ": Windows error " + std::to_string(err));
}

struct Handle {
  HANDLE h = nullptr;
  Handle() = default;
  explicit Handle(HANDLE value) : h(value) {}
  Handle(Handle&& other) noexcept : h(std::exchange(other.h, nullptr)) {}
  Handle& operator=(Handle&& other) noexcept {
    reset();
    h = std::exchange(other.h, nullptr);
    return *this;
  }
  ~Handle() { reset(); }
  void reset() noexcept {
    if (h != nullptr && h != INVALID_HANDLE_VALUE) ::CloseHandle(h);
    h = nullptr;
  }
};

// One job for every child: closed (killing them) when the test process ends.
HANDLE children_job() {
  static const HANDLE job = [] {
    HANDLE created = ::CreateJobObjectW(nullptr, nullptr);
    if (created != nullptr) {
      JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
      limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
      ::SetInformationJobObject(created, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    }
    return created;
  }();
  return job;
}

struct StartedProcess {
  Handle process;
  DWORD id = 0;
};

// Starts a Windows program with the given standard handles, which alone it inherits.
StartedProcess create_process(const std::vector<std::string>& argv, HANDLE in, HANDLE out, HANDLE err) {
  std::wstring command = windows_command_line(argv);
  HANDLE inherit[3];
  DWORD count = 0;
  for (HANDLE h : {in, out, err}) {
    bool seen = false;
    for (DWORD i = 0; i < count; ++i) seen = seen || inherit[i] == h;
    if (!seen && h != nullptr && h != INVALID_HANDLE_VALUE) {
      ::SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
      inherit[count++] = h;
    }
  }
  SIZE_T size = 0;
  ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
  std::vector<char> storage(size);
  auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage.data());
  const bool listed = ::InitializeProcThreadAttributeList(attributes, 1, 0, &size) &&
                      ::UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit,
                                                  count * sizeof(HANDLE), nullptr, nullptr);
  STARTUPINFOEXW info{};
  info.StartupInfo.cb = sizeof info;
  info.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  info.StartupInfo.hStdInput = in;
  info.StartupInfo.hStdOutput = out;
  info.StartupInfo.hStdError = err;
  info.lpAttributeList = listed ? attributes : nullptr;
  PROCESS_INFORMATION process{};
  const std::wstring application = widen_text(argv[0]);
  const BOOL ok = ::CreateProcessW(application.c_str(), command.data(), nullptr, nullptr, TRUE,
                                   (listed ? EXTENDED_STARTUPINFO_PRESENT : 0) | CREATE_SUSPENDED, nullptr, nullptr,
                                   &info.StartupInfo, &process);
  const DWORD error = ::GetLastError();
  if (listed) ::DeleteProcThreadAttributeList(attributes);
  if (!ok) throw windows_error("cannot start " + join_command(argv), error);
  if (HANDLE job = children_job()) ::AssignProcessToJobObject(job, process.hProcess);
  ::ResumeThread(process.hThread);
  ::CloseHandle(process.hThread);
  return {Handle(process.hProcess), process.dwProcessId};
}

// An anonymous pipe; the parent's end is not inheritable.
void make_pipe(Handle& read_end, Handle& write_end, DWORD size = 0) {
  SECURITY_ATTRIBUTES security{sizeof security, nullptr, FALSE};
  HANDLE r = nullptr;
  HANDLE w = nullptr;
  if (!::CreatePipe(&r, &w, &security, size)) throw windows_error("CreatePipe");
  read_end = Handle(r);
  write_end = Handle(w);
}

// Waits up to `timeout` for `process`; its exit code if it ended.
std::optional<int> wait_process(HANDLE process, std::chrono::milliseconds timeout) {
  if (::WaitForSingleObject(process, static_cast<DWORD>(timeout.count())) != WAIT_OBJECT_0) return std::nullopt;
  DWORD code = 0;
  ::GetExitCodeProcess(process, &code);
  return static_cast<int>(code);
}

class WindowsChild final : public ChildProcess {
 public:
  explicit WindowsChild(const std::vector<std::string>& argv) : command_(join_command(argv)) {
    Handle child_out;
    Handle child_in;
    make_pipe(stdout_, child_out);
    make_pipe(child_in, stdin_);
    auto started = create_process(argv, child_in.h, child_out.h, ::GetStdHandle(STD_ERROR_HANDLE));
    process_ = std::move(started.process);
    id_ = started.id;
  }
  ~WindowsChild() override { stop(); }

  // Anonymous pipes have no overlapped reads: poll what is available.
  Read read(std::string& out, std::chrono::steady_clock::time_point deadline) override {
    if (stdout_.h == nullptr) return Read::eof;
    for (;;) {
      DWORD available = 0;
      if (!::PeekNamedPipe(stdout_.h, nullptr, 0, nullptr, &available, nullptr)) return Read::eof;
      if (available > 0) {
        char buffer[4096];
        DWORD n = 0;
        if (!::ReadFile(stdout_.h, buffer, std::min<DWORD>(available, sizeof buffer), &n, nullptr) || n == 0)
          return Read::eof;
        out.append(buffer, n);
        return Read::data;
      }
      if (std::chrono::steady_clock::now() >= deadline) return Read::timeout;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::optional<int> wait_exit(std::chrono::milliseconds timeout) override {
    if (process_.h == nullptr) return status_;
    if ((status_ = wait_process(process_.h, timeout))) process_.reset();
    return status_;
  }

  // A console program has no SIGTERM to be asked with: it is terminated.
  std::optional<int> stop() noexcept override {
    if (process_.h != nullptr) {
      status_ = wait_process(process_.h, std::chrono::milliseconds(0));
      if (!status_) {
        ::TerminateProcess(process_.h, 1);
        status_ = wait_process(process_.h, std::chrono::seconds(2));
      }
      process_.reset();
      id_ = 0;
    }
    stdin_.reset();
    stdout_.reset();
    return status_;
  }

  long id() const noexcept override { return process_.h ? static_cast<long>(id_) : -1; }

 private:
  std::string command_;
  Handle process_;
  DWORD id_ = 0;
  Handle stdout_;
  Handle stdin_;
  std::optional<int> status_;
};

// argv with argv[0] as a path this program can open (see local_path()),
// searched on PATH when it names no directory.
std::vector<std::string> resolved(std::vector<std::string> argv) {
  argv[0] = local_path(argv[0]);
  if (argv[0].find_first_of("/\\") == std::string::npos) {
    wchar_t found[MAX_PATH];
    if (::SearchPathW(nullptr, widen_text(argv[0]).c_str(), L".exe", MAX_PATH, found, nullptr) > 0)
      argv[0] = narrow_text(found);
  }
  return argv;
}

}  // namespace

std::unique_ptr<ChildProcess> start_child(const std::vector<std::string>& argv) {
  auto command = resolved(argv);
  if (running_under_wine() && !is_windows_executable(command[0])) return start_wine_unix_child(command);
  return std::make_unique<WindowsChild>(command);
}

std::string describe_wait_status(int status) { return "exit code " + std::to_string(status); }

int run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) throw std::runtime_error("run_process: empty command");
  auto command = resolved(argv);
  if (running_under_wine() && !is_windows_executable(command[0])) return run_wine_unix_program(command);
  Handle null_in(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, 0,
                               nullptr));
  auto started = create_process(command, null_in.h, ::GetStdHandle(STD_OUTPUT_HANDLE),
                                ::GetStdHandle(STD_ERROR_HANDLE));
  return *wait_process(started.process.h, std::chrono::milliseconds(INFINITE));
}

CapturedRun run_process_capture(const std::vector<std::string>& argv, const std::string& input) {
  if (argv.empty()) throw std::runtime_error("run_process_capture: empty command");
  auto command = resolved(argv);
  Handle in_read;
  Handle in_write;
  Handle out_read;
  Handle out_write;
  // The whole input fits in the pipe: writing it cannot block.
  make_pipe(in_read, in_write, static_cast<DWORD>(input.size() + 4096));
  make_pipe(out_read, out_write);
  auto started = create_process(command, in_read.h, out_write.h, out_write.h);
  in_read.reset();
  out_write.reset();
  DWORD written = 0;
  if (!input.empty()) ::WriteFile(in_write.h, input.data(), static_cast<DWORD>(input.size()), &written, nullptr);
  in_write.reset();
  CapturedRun run;
  char buffer[4096];
  DWORD n = 0;
  while (::ReadFile(out_read.h, buffer, sizeof buffer, &n, nullptr) && n > 0) run.output.append(buffer, n);
  run.exit_code = *wait_process(started.process.h, std::chrono::milliseconds(INFINITE));
  return run;
}

}  // namespace duplex::test
