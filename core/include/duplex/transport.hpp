#pragma once
// The boundary between the WHATWG state machine (core/) and a backend that
// moves bytes (native/, wasm/). Transports report facts; only core/ turns them
// into readyState, events and bufferedAmount.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "duplex/export.hpp"
#include "duplex/failure.hpp"
#include "duplex/handshake_response.hpp"
#include "duplex/options.hpp"
#include "duplex/url.hpp"

namespace duplex {

/// One whole WebSocket message as it crosses the transport boundary.
struct Message {
  enum class Kind : std::uint8_t { text, binary };
  Kind kind = Kind::text;
  /// UTF-8 for text (already validated), raw bytes for binary.
  std::string payload;
};

/// Facts a transport reports to its owner. Called on the backend's loop thread,
/// possibly from inside a `Transport` call; the owner queues, never re-enters.
/// After `on_transport_closed` or `on_transport_failed` nothing more is reported.
class DUPLEX_API TransportEvents {
 public:
  /// The server's answer to the opening handshake arrived (a 101 about to
  /// open, or a refusal about to fail); only backends with
  /// Capabilities::handshake_response report it.
  virtual void on_transport_handshake_response(HandshakeResponse response) = 0;
  /// The opening handshake succeeded (RFC 6455 §4.1 "_The WebSocket Connection is Established_").
  virtual void on_transport_open(std::string protocol, std::string extensions) = 0;
  /// A whole message arrived.
  virtual void on_transport_message(Message message) = 0;
  /// `bytes` of application payload (not framing) were handed to the network.
  virtual void on_transport_flushed(std::size_t bytes) = 0;
  /// A Pong arrived; `round_trip_time` since the Ping with its payload, if
  /// one of ours is waiting for it. A backend may report only some
  /// unsolicited Pongs (the native one: the first of each read), so that a
  /// peer's flood of them costs nothing.
  virtual void on_transport_pong(std::string payload, std::optional<std::chrono::nanoseconds> round_trip_time) = 0;
  /// The peer started the closing handshake (RFC 6455 §7.1.3).
  virtual void on_transport_closing() = 0;
  /// The connection is closed (RFC 6455 §7.1.4); `code` is 1005 when the Close
  /// frame had no status, 1006 when none was received. `cause`: empty, or
  /// errc::close_timeout / errc::going_away (see CloseEvent::cause()).
  virtual void on_transport_closed(bool was_clean, std::uint16_t code, std::string reason,
                                   std::error_code cause = {}) = 0;
  /// The connection failed (RFC 6455 §7.1.7): what went wrong, and the message
  /// for people. core/ fills Failure::retry_after from the handshake response.
  virtual void on_transport_failed(Failure failure) = 0;

 protected:
  ~TransportEvents() = default;
};

/// What a backend needs to open one connection. `url` and `protocols` are
/// already validated by core/.
struct ConnectRequest {
  WebSocketUrl url;
  std::vector<std::string> protocols;
  Options options;
};

/// One connection, driven by core/. Calls never report facts synchronously in
/// a way core relies on; core queues every fact to the loop anyway.
class DUPLEX_API Transport {
 public:
  /// Destroying the transport means its owner is gone: no fact is reported
  /// afterwards; an open connection is closed with 1001 "going away" in the
  /// background, a connecting one is aborted.
  virtual ~Transport() = default;
  /// Queue a message for sending; messages leave in call order.
  virtual void send(Message message) = 0;
  /// Start the closing handshake (RFC 6455 §7.1.2). No code: a Close frame
  /// with an empty body. The reason is at most 123 UTF-8 bytes.
  virtual void close(std::optional<std::uint16_t> code, std::string reason) = 0;
  /// Queue a Ping with `payload` (at most 125 bytes, checked by core/); only
  /// called on backends with Capabilities::ping, while open. False when too
  /// many of our Pings are still waiting to be written (nothing is queued).
  virtual bool ping(std::string payload) {
    (void)payload;
    return false;
  }
  /// Drop the connection now, without a closing handshake; report nothing more.
  virtual void abort() = 0;
};

}  // namespace duplex
