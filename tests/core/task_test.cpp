// duplex::Task<T> and duplex::spawn: values, exceptions, nested awaits without
// stack growth (at any optimization level), and spawn running on the loop.

#include "duplex/task.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_backend.hpp"

using duplex::Task;
using duplex::test::FakeBackend;

namespace {

Task<int> answer() { co_return 42; }
Task<std::string> greeting(std::string name) { co_return "hello " + name; }
Task<void> fail() {
  throw std::runtime_error("boom");
  co_return;
}
Task<int> fail_int() {
  throw std::logic_error("no value");
  co_return 0;
}

// Runs a Task<void> that finishes without suspending on anything external,
// by awaiting it from a driver coroutine resumed here.
struct Driver {
  struct promise_type {
    Driver get_return_object() { return {duplex::coro::coroutine_handle<promise_type>::from_promise(*this)}; }
    duplex::coro::suspend_never initial_suspend() noexcept { return {}; }
    duplex::coro::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { error = std::current_exception(); }
    std::exception_ptr error;
  };
  duplex::coro::coroutine_handle<promise_type> handle;
};

Driver drive_impl(Task<void> task) { co_await std::move(task); }

// Runs `task` to completion (it must not suspend on anything) and rethrows.
void run_now(Task<void> task) {
  auto driver = drive_impl(std::move(task));
  REQUIRE(driver.handle.done());
  auto error = driver.handle.promise().error;
  driver.handle.destroy();
  if (error) std::rethrow_exception(error);
}

// A chain: depth(n) awaits depth(n - 1), ... depth(0); each finishes at once.
Task<long> depth(long n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await depth(n - 1);
}

}  // namespace

TEST_CASE("co_await a Task gives its value", "[task]") {
  int got = 0;
  std::string text;
  run_now([](int& out, std::string& s) -> Task<void> {
    out = co_await answer();
    s = co_await greeting("world");
  }(got, text));
  CHECK(got == 42);
  CHECK(text == "hello world");
}

TEST_CASE("a Task is lazy: its body runs only when awaited", "[task]") {
  bool ran = false;
  auto make = [](bool& flag) -> Task<void> {
    flag = true;
    co_return;
  };
  {
    Task<void> task = make(ran);
    CHECK(task.valid());
    CHECK_FALSE(task.done());
    CHECK_FALSE(ran);
  }  // destroyed unstarted: the body never ran
  CHECK_FALSE(ran);
  run_now(make(ran));
  CHECK(ran);
}

TEST_CASE("co_await a Task rethrows its exception", "[task]") {
  CHECK_THROWS_WITH(run_now(fail()), "boom");
  std::string caught;
  run_now([](std::string& out) -> Task<void> {
    try {
      (void)co_await fail_int();
    } catch (const std::logic_error& e) {
      out = e.what();
    }
  }(caught));
  CHECK(caught == "no value");
}

TEST_CASE("a moved Task keeps its coroutine", "[task]") {
  Task<int> a = answer();
  Task<int> b = std::move(a);
  CHECK_FALSE(a.valid());
  CHECK(b.valid());
  int got = 0;
  run_now([](Task<int> t, int& out) -> Task<void> { out = co_await t; }(std::move(b), got));
  CHECK(got == 42);
}

TEST_CASE("a chain of 100000 nested awaits does not grow the stack", "[task]") {
  // Resuming each level from inside the previous one's frame would nest
  // 100000 calls (symmetric transfer avoids it only when the compiler makes
  // it a tail call): that overflows a default stack, even more so under ASan.
  long got = 0;
  run_now([](long& out) -> Task<void> { out = co_await depth(100000); }(got));
  CHECK(got == 100000);
}

TEST_CASE("a loop of 100000 awaits of finished-at-once tasks does not grow the stack", "[task]") {
  long sum = 0;
  run_now([](long& out) -> Task<void> {
    for (int i = 0; i < 100000; ++i) out += co_await answer();
  }(sum));
  CHECK(sum == 4200000);
}

TEST_CASE("spawn runs the task on the loop, never inside the call", "[task][spawn]") {
  FakeBackend backend;
  std::vector<std::string> steps;
  duplex::spawn(backend, [](std::vector<std::string>& s) -> Task<void> {
    s.push_back("started");
    s.push_back("got " + std::to_string(co_await answer()));
  }(steps));
  CHECK(steps.empty());  // posted, not run inside spawn()
  CHECK(backend.pending() == 1);
  CHECK(backend.run_all() == 1);
  CHECK(steps == std::vector<std::string>{"started", "got 42"});
}

TEST_CASE("spawn frees the task's frame when it finishes", "[task][spawn]") {
  FakeBackend backend;
  auto token = std::make_shared<int>(7);
  std::weak_ptr<int> watch = token;
  duplex::spawn(backend, [](std::shared_ptr<int> held) -> Task<void> {
    CHECK(*held == 7);
    co_return;
  }(std::move(token)));
  CHECK_FALSE(watch.expired());  // the unstarted frame holds it
  backend.run_all();
  CHECK(watch.expired());  // the finished frame was destroyed
}

TEST_CASE("spawn of a capturing lambda keeps the lambda alive until its task finishes", "[task][spawn]") {
  FakeBackend backend;
  std::vector<std::string> steps;
  auto token = std::make_shared<int>(7);
  std::weak_ptr<int> watch = token;
  {
    std::string word = "captured";  // gone before the task starts
    duplex::spawn(backend, [word, &steps, held = std::move(token)]() -> Task<void> {
      steps.push_back("started with " + word);
      steps.push_back("got " + std::to_string(co_await answer()) + " with " + word + " " + std::to_string(*held));
    });
  }
  CHECK(steps.empty());  // posted, not run inside spawn()
  CHECK_FALSE(watch.expired());  // the lambda, kept with the task, holds it
  backend.run_all();
  CHECK(steps == std::vector<std::string>{"started with captured", "got 42 with captured 7"});
  CHECK(watch.expired());  // freed with the finished task
}

TEST_CASE("a task spawned on a backend destroyed before it started is destroyed unstarted", "[task][spawn]") {
  auto token = std::make_shared<int>(1);
  std::weak_ptr<int> watch = token;
  bool ran = false;
  {
    FakeBackend backend;
    duplex::spawn(backend, [](std::shared_ptr<int>, bool& flag) -> Task<void> {
      flag = true;
      co_return;
    }(std::move(token), ran));
  }
  CHECK_FALSE(ran);
  CHECK(watch.expired());
}
