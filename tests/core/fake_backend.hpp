#pragma once
// Test support for core/: an in-memory Backend whose loop is a manual task
// queue, and a Transport that records what core asked of it and lets a test
// report facts.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duplex/backend.hpp"
#include "duplex/error.hpp"
#include "duplex/transport.hpp"

namespace duplex::test {

/// What the transports of a FakeBackend were asked to do; outlives them.
struct TransportLog {
  std::vector<Message> sent;
  std::vector<std::pair<std::optional<std::uint16_t>, std::string>> closes;
  std::vector<std::string> pings;  ///< payloads of the Pings accepted, in order
  int aborts = 0;
  int destroyed = 0;
};

class FakeBackend;

/// Records calls; `open()`, `text()` ... report facts to core as a real
/// transport would, synchronously, from wherever the test calls them.
class FakeTransport final : public Transport {
 public:
  FakeTransport(TransportEvents& events, std::shared_ptr<TransportLog> log, FakeTransport*& slot)
      : events_(events), log_(std::move(log)), slot_(slot) {
    slot_ = this;
  }
  ~FakeTransport() override {
    ++log_->destroyed;
    if (slot_ == this) slot_ = nullptr;
  }

  void send(Message message) override {
    const std::size_t size = message.payload.size();
    log_->sent.push_back(std::move(message));
    if (flush_on_send) events_.on_transport_flushed(size);
  }
  void close(std::optional<std::uint16_t> code, std::string reason) override {
    log_->closes.emplace_back(code, reason);
    if (report_closed_on_close) events_.on_transport_closed(true, code.value_or(1005), std::move(reason));
  }
  bool ping(std::string payload) override {
    if (!accept_ping) return false;
    log_->pings.push_back(payload);
    if (pong_on_ping) events_.on_transport_pong(std::move(payload), std::chrono::milliseconds(1));
    return true;
  }
  void abort() override { ++log_->aborts; }

  void open(std::string protocol = {}, std::string extensions = {}) {
    events_.on_transport_open(std::move(protocol), std::move(extensions));
  }
  void text(std::string payload) { events_.on_transport_message(Message{Message::Kind::text, std::move(payload)}); }
  void binary(std::string payload) { events_.on_transport_message(Message{Message::Kind::binary, std::move(payload)}); }
  void flushed(std::size_t bytes) { events_.on_transport_flushed(bytes); }
  void closing() { events_.on_transport_closing(); }
  void closed(bool was_clean, std::uint16_t code, std::string reason = {}) {
    events_.on_transport_closed(was_clean, code, std::move(reason));
  }
  void failed(std::string reason) { events_.on_transport_failed(Failure(errc::unknown, std::move(reason))); }
  void failed(Failure failure) { events_.on_transport_failed(std::move(failure)); }
  void handshake_response(HandshakeResponse response) { events_.on_transport_handshake_response(std::move(response)); }
  void pong(std::string payload, std::optional<std::chrono::nanoseconds> rtt) {
    events_.on_transport_pong(std::move(payload), rtt);
  }

  /// Report every send as flushed at once, from inside send().
  bool flush_on_send = false;
  /// Report a clean close at once, from inside close().
  bool report_closed_on_close = false;
  /// What ping() answers: false as when too many Pings wait to be written.
  bool accept_ping = true;
  /// Report a Pong (round-trip time 1 ms) at once, from inside ping().
  bool pong_on_ping = false;

 private:
  TransportEvents& events_;
  std::shared_ptr<TransportLog> log_;
  FakeTransport*& slot_;
};

/// A Backend whose loop runs only when the test calls run_all(), and whose
/// clock moves only when the test calls advance().
class FakeBackend final : public Backend {
 public:
  void post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }

  std::unique_ptr<Timer> post_after(std::chrono::milliseconds delay, std::function<void()> task) override {
    auto entry = std::make_shared<TimerEntry>(TimerEntry{now_ + delay, std::move(task)});
    timers_.push_back(entry);
    delays.push_back(delay);
    return std::make_unique<FakeTimer>(entry);
  }

  void check_options(const Options& options) const override {
    if (!options.ca_file.empty() && refuse_ca_file) throw Error("NotSupportedError", "ca_file");
  }

  Capabilities capabilities() const override {
    Capabilities c;
    c.ca_file = !refuse_ca_file;
    c.ping = supports_ping;
    c.handshake_response = supports_handshake_response;
    return c;
  }

  std::unique_ptr<Transport> connect(ConnectRequest request, TransportEvents& events) override {
    requests.push_back(request);
    auto transport = std::make_unique<FakeTransport>(events, log, current_);
    if (on_connect) on_connect(*transport);
    return transport;
  }

  /// Runs queued tasks, including those queued meanwhile, until none is left;
  /// returns how many ran.
  std::size_t run_all() {
    std::size_t count = 0;
    while (!tasks_.empty()) {
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      task();
      ++count;
    }
    return count;
  }
  std::size_t pending() const noexcept { return tasks_.size(); }

  /// Moves the clock forward by `by`, running the loop and every timer that
  /// falls due on the way, in due order.
  void advance(std::chrono::milliseconds by) {
    const auto end = now_ + by;
    run_all();
    for (;;) {
      std::shared_ptr<TimerEntry> next;
      for (const auto& t : timers_)
        if (t->task && t->due <= end && (!next || t->due < next->due)) next = t;
      if (!next) break;
      now_ = std::max(now_, next->due);
      auto task = std::move(next->task);
      next->task = nullptr;
      task();
      run_all();
    }
    now_ = end;
    std::erase_if(timers_, [](const auto& t) { return !t->task; });
  }
  /// Timers neither run nor cancelled.
  std::size_t pending_timers() const {
    std::size_t n = 0;
    for (const auto& t : timers_) n += t->task ? 1 : 0;
    return n;
  }
  std::chrono::milliseconds now() const noexcept { return now_; }

  /// Every delay post_after() was asked for, in order.
  std::vector<std::chrono::milliseconds> delays;

  /// The transport most recently connected, or nullptr once destroyed.
  FakeTransport* transport() const noexcept { return current_; }

  std::shared_ptr<TransportLog> log = std::make_shared<TransportLog>();
  std::vector<ConnectRequest> requests;
  /// Called inside connect(), e.g. to report facts synchronously.
  std::function<void(FakeTransport&)> on_connect;
  bool refuse_ca_file = false;
  /// What capabilities() says of ping() and handshake_response().
  bool supports_ping = false;
  bool supports_handshake_response = false;
  /// What unavailable() answers: set, the backend can open nothing.
  std::optional<std::string> unavailable_reason;

  std::optional<std::string> unavailable() const override { return unavailable_reason; }

 private:
  struct TimerEntry {
    std::chrono::milliseconds due;
    std::function<void()> task;  // empty once run or cancelled
  };
  struct FakeTimer final : Timer {
    explicit FakeTimer(std::shared_ptr<TimerEntry> e) : entry(std::move(e)) {}
    ~FakeTimer() override { cancel(); }
    void cancel() noexcept override { entry->task = nullptr; }
    std::shared_ptr<TimerEntry> entry;
  };

  std::deque<std::function<void()>> tasks_;
  std::vector<std::shared_ptr<TimerEntry>> timers_;
  std::chrono::milliseconds now_{0};
  FakeTransport* current_ = nullptr;
};

}  // namespace duplex::test
