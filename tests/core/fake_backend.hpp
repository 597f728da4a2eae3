#pragma once
// Test support for core/: an in-memory Backend whose loop is a manual task
// queue, and a Transport that records what core asked of it and lets a test
// report facts.

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
  void failed(std::string reason) { events_.on_transport_failed(std::move(reason)); }

  /// Report every send as flushed at once, from inside send().
  bool flush_on_send = false;
  /// Report a clean close at once, from inside close().
  bool report_closed_on_close = false;

 private:
  TransportEvents& events_;
  std::shared_ptr<TransportLog> log_;
  FakeTransport*& slot_;
};

/// A Backend whose loop runs only when the test calls run_all().
class FakeBackend final : public Backend {
 public:
  void post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }

  void check_options(const Options& options) const override {
    if (!options.ca_file.empty() && refuse_ca_file) throw Error("NotSupportedError", "ca_file");
  }

  Capabilities capabilities() const override {
    Capabilities c;
    c.ca_file = !refuse_ca_file;
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

  /// The transport most recently connected, or nullptr once destroyed.
  FakeTransport* transport() const noexcept { return current_; }

  std::shared_ptr<TransportLog> log = std::make_shared<TransportLog>();
  std::vector<ConnectRequest> requests;
  /// Called inside connect(), e.g. to report facts synchronously.
  std::function<void(FakeTransport&)> on_connect;
  bool refuse_ca_file = false;

 private:
  std::deque<std::function<void()>> tasks_;
  FakeTransport* current_ = nullptr;
};

}  // namespace duplex::test
