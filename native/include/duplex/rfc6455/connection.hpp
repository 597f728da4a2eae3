#pragma once
// The client side of an established WebSocket connection (RFC 6455 §5–§7),
// sans-IO: feed it the server's bytes and EOF, take out events and the frames
// to write. It knows no sockets, clocks or random source of its own.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <variant>

#include "duplex/detail/fifo_queue.hpp"
#include "duplex/export.hpp"
#include "duplex/rfc6455/permessage_deflate.hpp"
#include "duplex/rfc6455/random_source.hpp"
#include "duplex/transport.hpp"  // duplex::Message

namespace duplex::rfc6455 {

/// 64 KiB: the framing costs 14 bytes per fragment (0.02 %), one fragment is a
/// few TLS records and one large socket write, and it is on the wire in about
/// 5 ms at 100 Mbit/s, which bounds how long a Pong waits behind bulk data.
inline constexpr std::size_t default_max_fragment_size = 64 * 1024;

struct ConnectionConfig {
  /// Largest message accepted (sum of its fragments); above → close 1009.
  std::size_t max_message_size = 64u * 1024u * 1024u;
  /// permessage-deflate as negotiated by the handshake (RFC 7692); nullopt:
  /// no compression, and RSV1 on a frame fails the connection (1002).
  std::optional<DeflateParams> permessage_deflate;
  /// With permessage-deflate, outgoing messages shorter than this go out
  /// uncompressed (RFC 7692 §6: compression is chosen per message).
  std::size_t deflate_min_size = 64;
  /// Data messages longer than this go out as fragments of at most this many
  /// payload bytes (RFC 6455 §5.4), so a Ping, Pong or Close never waits behind
  /// more than one fragment. See default_max_fragment_size.
  std::size_t max_fragment_size = default_max_fragment_size;
  /// Ping bytes (frames included) accepted while the Pongs answering an
  /// earlier receive()'s Pings have not been taken by output(): the peer keeps
  /// pinging but does not read. Past it the connection fails with
  /// error::ping_flood (close 1008). A reading peer never comes near it: its
  /// Pings are answered at each output() (RFC 6455 §5.5.3).
  std::size_t max_unanswered_ping_bytes = 1u << 20;
};

/// Our own Pings waiting in output() at once; ping() refuses one more.
inline constexpr std::size_t max_queued_pings = 8;
/// Pongs waiting in output() at once. Up to this many Pings are each
/// answered; past it only the latest is (RFC 6455 §5.5.3).
inline constexpr std::size_t max_pongs_waiting = 16;

/// A frame ready to write: header, then the (already masked) payload. Write
/// both with one gathered write; `app_bytes` is the application payload it
/// carries (for bufferedAmount; each fragment of a message counts its share),
/// 0 for control frames.
struct OutgoingFrame {
  std::array<std::byte, 14> header{};
  std::uint8_t header_size = 0;
  /// The payload of a whole message or a control frame, owned by the frame.
  std::string payload;
  /// Or, for one fragment of a bigger message: bytes [fragment_offset,
  /// fragment_offset + fragment_size) of the message, masked in place and
  /// shared by its fragments, so no fragment copies its bytes.
  std::shared_ptr<const std::string> message;
  std::size_t fragment_offset = 0;
  std::size_t fragment_size = 0;
  std::size_t app_bytes = 0;

  std::span<const std::byte> header_bytes() const noexcept { return {header.data(), header_size}; }
  /// The bytes to write after the header.
  std::span<const std::byte> payload_bytes() const noexcept {
    if (message) return std::as_bytes(std::span(message->data() + fragment_offset, fragment_size));
    return std::as_bytes(std::span(payload));
  }
};

namespace event {
/// A whole data message arrived.
struct MessageReceived {
  Message message;
};
/// A Pong arrived (payload as sent by the peer).
struct PongReceived {
  std::string payload;
};
/// The peer sent a Close frame first (RFC 6455 §7.1.3 "_The WebSocket Closing
/// Handshake is Started_"); the engine has queued the echoing Close frame.
struct PeerStartedClosing {
  std::uint16_t code;
  std::string reason;
};
/// The connection failed because of the peer (RFC 6455 §7.1.7); a Close frame
/// carrying close_code_for(error) is queued where §7.1.7 allows one. Write the
/// output, then close the TCP connection.
struct Failed {
  std::error_code error;
  std::string detail;
};
/// The TCP connection has closed (after receive_eof). `code` is the code of the
/// Close frame received (1005 if it had none), 1006 if none was received.
struct Closed {
  bool was_clean;
  std::uint16_t code;
  std::string reason;
};
}  // namespace event

using Event =
    std::variant<event::MessageReceived, event::PongReceived, event::PeerStartedClosing, event::Failed, event::Closed>;

/// One client connection after a successful opening handshake.
class DUPLEX_API Connection {
 public:
  enum class State {
    open,              ///< data flows both ways
    closing_sent,      ///< we sent Close, waiting for the peer's
    closing_received,  ///< the peer sent Close; ours is queued
    closed,            ///< both Close frames exchanged; wait for / do TCP close
    failed,            ///< a protocol error; write output then close TCP
    ended              ///< EOF received: nothing more happens
  };

  Connection(ConnectionConfig config, RandomSource random);

  /// Bytes from the server, split anywhere.
  void receive(std::span<const std::byte> bytes);
  /// The server closed the TCP connection (or it broke).
  void receive_eof();
  /// Next event, if any, in the order they happened.
  std::optional<Event> next_event();

  /// Queue a data message (masked with a fresh key, §5.3), compressed first if
  /// permessage-deflate is in use (RFC 7692 §6). Ignored unless open.
  void send(Message message);
  /// Queue a Ping (payload ≤ 125 bytes, §5.5). Ignored unless open.
  /// Throws std::invalid_argument if the payload is longer, std::length_error
  /// if max_queued_pings of ours are still waiting in output().
  void ping(std::string payload = {});
  /// Start the closing handshake (§7.1.2). Ignored unless open. `code` must be
  /// valid to send; `reason` ≤ 123 bytes of UTF-8 (ignored without a code).
  /// Throws std::invalid_argument if `reason` is longer.
  void close(std::optional<std::uint16_t> code, std::string_view reason);

  /// Frames ready to be written, in the order to write them; the transport
  /// pops what it writes and calls output() again when its write is done.
  /// Data messages are cut into fragments lazily: when no data frame is left
  /// here, the next call adds the next fragments (at most max_fragment_size
  /// payload bytes in all). Pings and Pongs are put ahead of every data or
  /// Close frame still here (RFC 6455 §5.4: "control frames MAY be injected
  /// in the middle of a fragmented message"); a Close frame follows the data
  /// queued before it. Pongs coalesce: however many Pings arrived since the
  /// last call, at most max_pongs_waiting Pongs wait here, the last one
  /// answering the latest Ping (§5.5.3), so a Ping costs O(1).
  detail::FifoQueue<OutgoingFrame>& output();
  /// True if frames are ready or data is still waiting to be framed.
  bool has_output() const noexcept;

  State state() const noexcept { return state_; }

 private:
  // Implementation state (frame decoder, message assembly, close bookkeeping)
  // is the engine's own; see connection.cpp.
  struct Impl;
  static void destroy(Impl* impl) noexcept;
  void fail(std::error_code ec, std::string detail);
  OutgoingFrame make_frame(std::uint8_t opcode, std::string payload, std::size_t app_bytes, std::uint8_t rsv = 0,
                           bool fin = true);
  OutgoingFrame make_fragment(std::uint8_t opcode, const std::shared_ptr<std::string>& message, std::size_t offset,
                              std::size_t size, std::size_t app_bytes, std::uint8_t rsv, bool fin);
  void queue_urgent(std::uint8_t opcode, std::string payload);
  void answer_ping(std::string payload);
  void frame_due_pongs();
  void queue_after_data(std::uint8_t opcode, std::string payload, std::size_t app_bytes, std::uint8_t rsv = 0);
  void refill_output();
  void on_frame_header();
  void on_payload(std::span<const std::byte> chunk);
  void on_frame_end();
  void on_inflated(std::error_code ec, std::size_t old_size);
  void on_control_frame();
  void on_close_frame();
  void on_bytes_after_close(std::span<const std::byte> bytes);

  ConnectionConfig config_;
  RandomSource random_;
  detail::FifoQueue<OutgoingFrame> output_;
  detail::FifoQueue<Event> events_;  // allocates nothing while idle, unlike a deque
  State state_ = State::open;
  // A deleter of our own lets Impl stay incomplete here without declaring
  // special members; Connection is movable, not copyable.
  std::unique_ptr<Impl, void (*)(Impl*) noexcept> impl_;
};

}  // namespace duplex::rfc6455
