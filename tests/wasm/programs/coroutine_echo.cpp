// A coroutine program without -sASYNCIFY: main() spawns a task and returns;
// the host's event loop runs the task (node stays alive for the pending
// socket, a page for as long as it is open), and the task's result becomes
// the program's exit status through emscripten_force_exit.
//
// Usage: coroutine_echo [echo|refused|threads]
//   echo     opens ws://127.0.0.1:$DUPLEX_WS_PEER_PORT/, echoes a text and a
//            binary message, closes with 1000; exits 0 when all of it held
//   refused  opens a port where nothing listens: opened() throws
//            WebSocketError, and the program exits 10 (a status only the task
//            can give)
//   threads  (built with -pthread) echo on main()'s thread and, at the same
//            time, on a second thread whose function spawns its own task and
//            returns; that thread must end once its socket is gone (main's
//            task joins it); the program exits once both tasks have finished
// Built twice: as is, and with -pthread -sPROXY_TO_PTHREAD, where main() and
// so its task run on a worker. Every resumption of a task, and a
// Backend::post_after timer's task, must run on the thread that spawned it,
// which there is not the browser's (or node's) main thread.
#include <emscripten/emscripten.h>
#include <emscripten/threading.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "duplex/backend.hpp"
#include "duplex/duplex.hpp"
#include "duplex/task.hpp"
#include "duplex/websocket_stream.hpp"

namespace {

std::atomic<int> tasks_running{0};
std::atomic<int> worst_status{0};

/// Ends the program once every task has finished, with the highest status.
void task_finished(int status) {
  int seen = worst_status.load();
  while (status > seen && !worst_status.compare_exchange_weak(seen, status)) {
  }
  if (tasks_running.fetch_sub(1) == 1) {
    std::fflush(stdout);
    emscripten_force_exit(worst_status.load());
  }
}

std::string peer_url(const char* port_variable) {
  const char* port = std::getenv(port_variable);
  if (port == nullptr) {
    std::fprintf(stderr, "coroutine_echo: %s is not set (run it with run_with_peers.js)\n", port_variable);
    emscripten_force_exit(2);
  }
  return std::string("ws://127.0.0.1:") + port + "/";
}

/// 0 if running on `home`, else 1 (and says so).
int check_thread(pthread_t home, const char* where) {
  if (pthread_equal(pthread_self(), home)) return 0;
  std::fprintf(stderr, "coroutine_echo: resumed on another thread %s\n", where);
  return 1;
}

/// `co_await Pause{}` resumes the coroutine from a Backend::post_after task,
/// 5 ms later.
struct Pause {
  std::unique_ptr<duplex::Timer> timer;
  bool await_ready() const noexcept { return false; }
  template <class Handle>
  void await_suspend(Handle awaiting) {
    timer = duplex::default_backend().post_after(std::chrono::milliseconds(5),
                                                 [awaiting]() mutable { awaiting.resume(); });
  }
  void await_resume() const noexcept {}
};

/// Echoes a text naming `who` (each thread its own, so that a message
/// delivered to the other thread's socket shows) and a binary message.
duplex::Task<int> echo(pthread_t home, std::string who) {
  const std::string hello = "hello from " + who;
  int wrong_threads = 0;
  duplex::WebSocketStream ws(peer_url("DUPLEX_WS_PEER_PORT"));
  co_await ws.opened();
  wrong_threads += check_thread(home, "after opened()");
  co_await Pause{};
  wrong_threads += check_thread(home, "after a post_after timer");

  co_await ws.write(hello);
  wrong_threads += check_thread(home, "after write()");
  auto text = co_await ws.read();
  wrong_threads += check_thread(home, "after read()");
  if (!text || text->kind != duplex::Message::Kind::text || text->payload != hello) {
    std::fprintf(stderr, "coroutine_echo: the text echo differs from \"%s\"\n", hello.c_str());
    co_return 3;
  }

  const std::byte bytes[] = {std::byte{0}, std::byte{1}, std::byte{0xfe}, std::byte{0xff}};
  co_await ws.write(std::span<const std::byte>(bytes));
  auto binary = co_await ws.read();
  if (!binary || binary->kind != duplex::Message::Kind::binary ||
      binary->payload != std::string("\x00\x01\xfe\xff", 4)) {
    std::fprintf(stderr, "coroutine_echo: the binary echo differs\n");
    co_return 4;
  }

  ws.close({1000, "done"});
  const auto closed = co_await ws.closed();
  wrong_threads += check_thread(home, "after closed()");
  if (closed.close_code != 1000 || closed.reason != "done") {
    std::fprintf(stderr, "coroutine_echo: closed with %d \"%s\", expected 1000 \"done\"\n",
                 closed.close_code ? int(*closed.close_code) : -1, closed.reason.c_str());
    co_return 5;
  }
  std::printf("coroutine_echo: %s: echoed text and binary, closed 1000\n", who.c_str());
  co_return wrong_threads == 0 ? 0 : 6;
}

duplex::Task<int> refused(pthread_t home) {
  duplex::WebSocketStream ws(peer_url("DUPLEX_REFUSED_PORT"));
  try {
    co_await ws.opened();
  } catch (const duplex::WebSocketError& e) {
    std::printf("coroutine_echo: opened() threw %s (close code %d)\n", e.what(),
                e.close_code() ? int(*e.close_code()) : -1);
    co_return check_thread(home, "after the failed opened()") == 0 ? 10 : 6;
  }
  std::fprintf(stderr, "coroutine_echo: a connection to a refused port opened\n");
  co_return 7;
}

#ifdef __EMSCRIPTEN_PTHREADS__
pthread_t second;  // the second thread of `threads`

/// 0 once the second thread has ended (joined within 5 s), else 11.
duplex::Task<int> join_second_thread() {
  for (int i = 0; i < 1000; ++i) {
    if (pthread_tryjoin_np(second, nullptr) == 0) co_return 0;
    co_await Pause{};
  }
  std::fprintf(stderr, "coroutine_echo: the second thread did not end after its socket\n");
  co_return 11;
}
#endif

/// A task: its result goes to task_finished(), and so to the exit status.
duplex::Task<void> program(std::string mode, pthread_t home) {
  int status = 1;
  try {
    if (mode == "refused")
      status = co_await refused(home);
    else
      status = co_await echo(home, mode == "second" ? "second" : "main");
#ifdef __EMSCRIPTEN_PTHREADS__
    if (mode == "threads" && status == 0) status = co_await join_second_thread();
#endif
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coroutine_echo: %s\n", e.what());
    status = 8;
  }
  task_finished(status);
}

#ifdef __EMSCRIPTEN_PTHREADS__
/// The second thread of `threads`: spawns its task on its own backend and
/// returns; the thread lives on while its socket does.
void* second_thread(void*) {
  duplex::spawn(program("second", pthread_self()));
  return nullptr;
}
#endif

}  // namespace

int main(int argc, char* argv[]) {
  const std::string mode = argc > 1 ? argv[1] : "echo";
#ifdef __EMSCRIPTEN_PTHREADS__
  // -sPROXY_TO_PTHREAD: main() runs on a worker.
  if (emscripten_is_main_browser_thread()) {
    std::fprintf(stderr, "coroutine_echo: main() runs on the main browser thread, not on a worker\n");
    emscripten_force_exit(9);
  }
  if (mode == "threads") {
    tasks_running = 2;
    if (pthread_create(&second, nullptr, second_thread, nullptr) != 0) {
      std::fprintf(stderr, "coroutine_echo: pthread_create failed\n");
      emscripten_force_exit(9);
    }
  }
#endif
  if (tasks_running == 0) tasks_running = 1;
  duplex::spawn(program(mode, pthread_self()));
  return 0;  // the host's event loop runs the task, which ends the program
}
