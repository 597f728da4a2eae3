#pragma once
// The state behind a duplex::WebSocket: the WHATWG readyState machine, fed by
// the facts its transport reports. Shared so that an event dispatch survives
// the application destroying (or moving) the WebSocket from a listener; every
// task queued to the loop holds only a weak reference.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "duplex/backend.hpp"
#include "duplex/detail/fifo_queue.hpp"
#include "duplex/transport.hpp"
#include "duplex/url.hpp"
#include "duplex/websocket.hpp"
#include "event_target.hpp"
#include "loop_thread.hpp"
#include "sender_channel.hpp"

namespace duplex {

class DUPLEX_LOCAL WebSocket::State final : public TransportEvents,
                               public PostedTask,
                               public detail::SenderTarget,
                               public std::enable_shared_from_this<WebSocket::State> {
 public:
  State(Backend& backend, WebSocketUrl url);
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State();

  /// Opens the transport; the request is already validated.
  void connect(std::vector<std::string> protocols, Options options);
  /// The WebSocket is gone: drop the transport (its destructor closes or
  /// aborts in the background) and deliver no further event.
  void detach() noexcept;

  Backend& backend() const noexcept { return backend_; }
  const WebSocketUrl& url() const noexcept { return url_; }
  const std::optional<HandshakeResponse>& handshake_response() const noexcept { return handshake_response_; }
  ReadyState ready_state() const noexcept { return ready_state_; }
  std::uint64_t buffered_amount() const noexcept { return in_flight_ + unsent_; }
  std::uint64_t low_threshold() const noexcept { return low_threshold_; }
  void low_threshold(std::uint64_t threshold) noexcept { low_threshold_ = threshold; }
  const std::string& protocol() const noexcept { return protocol_; }
  const std::string& extensions() const noexcept { return extensions_; }
  BinaryType binary_type() const noexcept { return binary_type_; }
  void binary_type(BinaryType type) noexcept { binary_type_ = type; }
  detail::EventTarget& listeners() noexcept { return listeners_; }
  /// Beyond the events: hands each received message whole to `sink` (a
  /// WebSocketStream's inbox: no event to build, no copy to make), after any
  /// `message` listener of the socket had its event.
  void message_sink(std::function<void(Message&&)> sink) { message_sink_ = std::move(sink); }
  /// The thread the loop delivers this socket's events on (the wrong-thread check).
  const detail::LoopThread& loop_thread() const noexcept { return loop_thread_; }

  /// The channel of this socket's Senders, made on first use.
  std::shared_ptr<detail::SenderChannel> sender_channel();
  /// SenderTarget: runs a call a Sender handed over; while CONNECTING it
  /// waits for open (see sender.hpp).
  void run_sender_item(detail::SenderItem& item) override;

  /// WHATWG § send(), step 1: throws InvalidStateError while CONNECTING.
  void check_can_send() const;
  /// WHATWG § send(), step 2, for an already validated message; throws
  /// OperationError (queuing nothing) past Options::max_buffered_amount.
  void send(Message message);
  /// WebSocket::ping after its checks: nothing unless OPEN; throws
  /// OperationError when the transport refuses another Ping.
  void ping(std::string payload);
  /// WHATWG § close the WebSocket, after close()'s argument checks.
  void close(std::optional<std::uint16_t> code, std::string reason);

  // TransportEvents: every fact is queued to the loop, never acted on here.
  void on_transport_handshake_response(HandshakeResponse response) override;
  void on_transport_open(std::string protocol, std::string extensions) override;
  void on_transport_message(Message message) override;
  void on_transport_flushed(std::size_t bytes) override;
  void on_transport_pong(std::string payload, std::optional<std::chrono::nanoseconds> round_trip_time) override;
  void on_transport_closing() override;
  void on_transport_closed(bool was_clean, std::uint16_t code, std::string reason,
                           std::error_code cause = {}) override;
  void on_transport_failed(Failure failure) override;

  /// Task: delivers the facts queued before it started.
  void run() override;

 private:
  // A fact a transport reports, queued until its task runs. A tagged struct,
  // not a std::variant: moving or destroying a variant is an indirect call,
  // and under em++'s JavaScript exceptions each one near a listener call
  // went through a JavaScript invoke_ wrapper (about 15 per message).
  struct Fact {
    enum class Kind : std::uint8_t { opened, message, flushed, pong, closing, closed, failed };
    // Fields are shared between kinds: a flood of messages queues millions
    // of facts, so each byte of a fact counts.
    Kind kind = Kind::closing;
    bool was_clean = false;  // closed; pong: whether `bytes` holds a round-trip time
    std::uint16_t code = 0;  // closed
    errc cause{};            // closed: errc{} for none
    Message message;         // message; pong: its payload
    std::string text;        // opened: protocol; closed: reason
    std::string extensions;  // opened
    std::size_t bytes = 0;   // flushed; pong: the round-trip time in nanoseconds
    std::unique_ptr<Failure> failure;  // failed (rare: a pointer keeps it off the size of every fact)
  };

  static Fact failed_fact(Failure failure);
  void queue(Fact&& fact);
  void deliver(Fact& fact);
  void opened(std::string protocol, std::string extensions);
  void received(Message&& message);
  /// A received message as the `message` event's data (binaryType applied).
  MessageData event_data(Message&& message) const;
  void closed(bool was_clean, std::uint16_t code, std::string reason, std::error_code cause);
  void failed(Failure failure);
  void fire(const Event& event);
  void flushed(std::size_t bytes);

  Backend& backend_;
  WebSocketUrl url_;
  std::shared_ptr<const std::string> origin_;  // shared by every MessageEvent
  ReadyState ready_state_ = ReadyState::CONNECTING;
  std::uint64_t in_flight_ = 0;  // handed to the transport, not yet flushed
  std::uint64_t unsent_ = 0;     // "sent" while CLOSING/CLOSED: counted, never falls
  std::uint64_t low_threshold_ = 0;
  std::uint64_t max_buffered_ = 0;  // Options::max_buffered_amount; 0: no limit
  std::string protocol_;
  std::string extensions_;
  std::optional<HandshakeResponse> handshake_response_;
  BinaryType binary_type_ = BinaryType::blob;
  std::unique_ptr<Transport> transport_;
  detail::EventTarget listeners_;
  std::function<void(Message&&)> message_sink_;  // see message_sink()
  detail::FifoQueue<Fact> facts_;  // reported, waiting for their task
  bool delivery_posted_ = false;   // a task that will deliver facts_ is queued
  bool detached_ = false;       // the WebSocket is gone
  bool facts_ignored_ = false;  // aborted, or the transport reported its end
  detail::LoopThread loop_thread_;
  std::shared_ptr<detail::SenderChannel> sender_channel_;  // made by sender_channel()
  std::deque<detail::SenderItem> sender_waiting_;          // handed over while CONNECTING
};

}  // namespace duplex
