// The client side of RFC 6455 §5–§7 over an established connection: frame
// decoding, message assembly, control frames and the closing handshake.

#include "duplex/rfc6455/connection.hpp"

#include <algorithm>
#include <stdexcept>

#include "close_payload.hpp"
#include "deflate_codec.hpp"
#include "duplex/rfc6455/error.hpp"
#include "duplex/utf8.hpp"
#include "frame_header.hpp"
#include "mask.hpp"

namespace duplex::rfc6455 {
namespace {

// Reserve at most this much ahead of the payload bytes actually received, so a
// header announcing a huge frame cannot make us allocate it up front.
constexpr std::size_t max_reserve_ahead = 1u << 20;

// §5.5: "All control frames MUST have a payload length of 125 bytes or less".
constexpr std::size_t max_control_payload = 125;
// §5.5.1: the reason follows a 2-byte code inside those 125 bytes.
constexpr std::size_t max_close_reason = max_control_payload - 2;

// RSV1 as FrameHeader::rsv holds it; RFC 7692 §6 names it "Per-Message Compressed".
constexpr std::uint8_t rsv1 = 0x4;

// Larger messages go out uncompressed: zlib counts input in 32-bit units, and
// compressing gigabytes in one call would stall the caller for seconds.
constexpr std::size_t max_compressed_message = std::size_t{1} << 30;

std::uint8_t opcode_of(const OutgoingFrame& frame) noexcept {
  return std::to_integer<std::uint8_t>(frame.header[0]) & 0x0F;
}

bool is_ping_or_pong(const OutgoingFrame& frame) noexcept {
  const auto op = static_cast<opcode>(opcode_of(frame));
  return op == opcode::ping || op == opcode::pong;
}

std::string_view as_chars(std::span<const std::byte> bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

struct Connection::Impl {
  FrameHeaderDecoder header_decoder;
  FrameHeader frame;            // the frame whose payload is arriving
  bool in_frame = false;        // header parsed, payload pending
  std::uint64_t remaining = 0;  // payload bytes of `frame` still to come
  // RSV bits a negotiated extension gives meaning to (on the first frame of a
  // data message only): RSV1 with permessage-deflate. §5.2: "If a nonzero
  // value is received and none of the negotiated extensions defines the
  // meaning of such a nonzero value, the receiving endpoint MUST _Fail the
  // WebSocket Connection_."
  std::uint8_t allowed_rsv = 0;
  // permessage-deflate (RFC 7692), present when negotiated; each allocates its
  // zlib stream on first use.
  std::optional<MessageDeflater> deflater;
  std::optional<MessageInflater> inflater;

  bool in_message = false;  // a data message has started and not ended
  Message::Kind kind = Message::Kind::text;
  bool compressed = false;  // RSV1 was set on its first frame
  std::string message;      // its payload so far
  Utf8Validator utf8;       // over `message`, for text
  std::string control;      // payload of the control frame arriving

  // §5.5.3: "If an endpoint receives a Ping frame and has not yet sent Pong
  // frame(s) in response to previous Ping frame(s), the endpoint MAY elect to
  // send a Pong frame for only the most recently processed Ping frame."
  // Payloads of the Pings not yet answered, at most max_pongs_waiting: past
  // that the last one is replaced, so it always answers the latest Ping.
  detail::FifoQueue<std::string> pongs_due;
  bool pong_overdue = false;  // pongs were due before this receive() began
  std::size_t unanswered_ping_bytes = 0;

  std::uint16_t close_code = 1005;  // of the Close frame received
  std::string close_reason;

  // A data message (or a Close frame) waiting to be framed: output() cuts
  // fragments from it as the transport asks for them.
  struct Pending {
    std::uint8_t op;
    std::uint8_t rsv;
    std::string payload;  // as it goes on the wire (compressed if RSV1)
    // The payload once it is cut into fragments: they share it (and are masked
    // in place, a part each) instead of copying their parts out.
    std::shared_ptr<std::string> fragments;
    std::size_t offset = 0;  // payload bytes already framed
    std::size_t app_bytes;   // application bytes the whole message stands for
    std::size_t app_framed = 0;
  };
  detail::FifoQueue<Pending> pending;
};

void Connection::destroy(Impl* impl) noexcept { delete impl; }

Connection::Connection(ConnectionConfig config, RandomSource random)
    : config_(config), random_(std::move(random)), impl_(new Impl, &Connection::destroy) {
  if (const auto& deflate = config_.permessage_deflate) {
    impl_->allowed_rsv = rsv1;
    impl_->deflater.emplace(deflate->client_max_window_bits, deflate->client_no_context_takeover);
    impl_->inflater.emplace(deflate->server_max_window_bits, deflate->server_no_context_takeover);
  }
}

std::optional<Event> Connection::next_event() {
  if (events_.empty()) return std::nullopt;
  return events_.take_front();
}

void Connection::receive(std::span<const std::byte> bytes) {
  Impl& d = *impl_;
  // Input counts until our side of the protocol is over: after both Close
  // frames, a failure or EOF, the peer has nothing left to say.
  auto reading = [this] { return state_ == State::open || state_ == State::closing_sent; };
  d.pong_overdue = !d.pongs_due.empty();
  while (!bytes.empty() && reading()) {
    if (!d.in_frame) {
      const auto result = d.header_decoder.feed(bytes);
      if (result == FrameHeaderDecoder::Result::need_more) return;
      if (result == FrameHeaderDecoder::Result::failed) return fail(d.header_decoder.error(), "");
      d.frame = d.header_decoder.header();
      d.header_decoder.reset();
      on_frame_header();
      continue;
    }
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(d.remaining, bytes.size()));
    d.remaining -= take;
    on_payload(bytes.first(take));
    bytes = bytes.subspan(take);
    if (d.remaining == 0 && reading()) on_frame_end();
  }
  if (state_ == State::closed && !bytes.empty()) on_bytes_after_close(bytes);
}

// §5.5.1: "After sending a Close frame, the endpoint MUST NOT send any further
// data frames", and a Close frame is the last frame of its sender. Browsers
// fail the connection on any frame that follows the server's Close (Chromium:
// "received after close"), so the same program sees the same events on every
// backend: `error`, then `close` 1006. Our Close frame is already queued or
// sent, so no second one goes out; the TCP connection is dropped.
void Connection::on_bytes_after_close(std::span<const std::byte> bytes) {
  Impl& d = *impl_;
  const auto result = d.header_decoder.feed(bytes);
  if (result == FrameHeaderDecoder::Result::need_more) return;
  const std::string what = result == FrameHeaderDecoder::Result::failed
                               ? std::string("bytes")
                               : "a frame of opcode " + std::to_string(static_cast<int>(d.header_decoder.header().op));
  d.header_decoder.reset();
  fail(error::frame_after_close, what + " after the server's Close frame");
}

void Connection::on_frame_header() {
  Impl& d = *impl_;
  const FrameHeader& f = d.frame;
  const bool control = is_control(f.op);
  // RFC 7692 §6: "An endpoint MUST NOT set the "Per-Message Compressed" bit of
  // control frames and non-first fragments of a data message. An endpoint
  // receiving such a frame MUST _Fail the WebSocket Connection_."
  const bool first_of_message = !control && f.op != opcode::continuation;
  const std::uint8_t allowed_rsv = first_of_message ? d.allowed_rsv : 0;
  if ((f.rsv & ~allowed_rsv) != 0) return fail(error::reserved_bits, "");
  // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_."
  if (!is_known(f.op)) return fail(error::reserved_opcode, "opcode " + std::to_string(static_cast<int>(f.op)));
  // §5.1: "A client MUST close a connection if it detects a masked frame."
  if (f.masked) return fail(error::masked_frame, "");
  if (control) {
    // §5.5: "Control frames ... MUST NOT be fragmented."
    if (!f.fin) return fail(error::fragmented_control, "");
    if (f.payload_length > max_control_payload) return fail(error::control_too_long, "");
    d.control.clear();
  } else if (f.op == opcode::continuation) {
    // §5.4: a continuation frame only continues a message that was started.
    if (!d.in_message) return fail(error::unexpected_continuation, "");
  } else {
    // §5.4: "fragments of one message MUST NOT be interleaved between fragments
    // of another message" (only control frames may be injected).
    if (d.in_message) return fail(error::expected_continuation, "");
    d.in_message = true;
    d.kind = f.op == opcode::text ? Message::Kind::text : Message::Kind::binary;
    d.compressed = (f.rsv & rsv1) != 0;
    d.message.clear();
    d.utf8.reset();
  }
  // A compressed payload is not buffered: the limit applies to what it
  // inflates to, checked as it is inflated.
  if (!control && !d.compressed) {
    // Checked before any payload is buffered: the whole message would be too big.
    if (f.payload_length > config_.max_message_size - d.message.size())
      return fail(error::message_too_big, "message larger than " + std::to_string(config_.max_message_size) + " bytes");
    const std::size_t wanted = d.message.size() + std::min<std::size_t>(f.payload_length, max_reserve_ahead);
    if (wanted > d.message.capacity()) d.message.reserve(std::max(wanted, 2 * d.message.capacity()));
  }
  d.in_frame = true;
  d.remaining = f.payload_length;
  if (d.remaining == 0) on_frame_end();
}

void Connection::on_payload(std::span<const std::byte> chunk) {
  Impl& d = *impl_;
  if (is_control(d.frame.op)) {
    d.control.append(as_chars(chunk));
    return;
  }
  if (d.compressed) {
    const std::size_t old_size = d.message.size();
    return on_inflated(d.inflater->inflate(chunk, d.message, config_.max_message_size), old_size);
  }
  d.message.append(as_chars(chunk));
  // §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds
  // that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint
  // MUST _Fail the WebSocket Connection_." Checked as bytes arrive.
  if (d.kind == Message::Kind::text && !d.utf8.feed(chunk)) fail(error::invalid_utf8, "");
}

void Connection::on_frame_end() {
  Impl& d = *impl_;
  d.in_frame = false;
  if (is_control(d.frame.op)) return on_control_frame();
  if (!d.frame.fin) return;
  if (d.compressed) {
    const std::size_t old_size = d.message.size();
    on_inflated(d.inflater->finish(d.message, config_.max_message_size), old_size);
    if (state_ == State::failed) return;
  }
  if (d.kind == Message::Kind::text && !d.utf8.complete())
    return fail(error::invalid_utf8, "text message ends inside a code point");
  d.in_message = false;
  Message message{d.kind, std::move(d.message)};
  d.message = std::string();
  // After our Close frame the application no longer takes messages
  // (WHATWG WebSockets: a message received when not OPEN is dropped).
  if (state_ == State::open) events_.push_back(event::MessageReceived{std::move(message)});
}

// RFC 7692 §6.2: the payload of a compressed message is decompressed, then
// handled as RFC 6455 handles a payload: text is checked as UTF-8 (§8.1) as it
// is inflated, and the size limit applies to the inflated size.
void Connection::on_inflated(std::error_code ec, std::size_t old_size) {
  Impl& d = *impl_;
  if (ec == error::message_too_big)
    return fail(ec, "message inflates to more than " + std::to_string(config_.max_message_size) + " bytes");
  if (ec) return fail(ec, "");
  const auto added = std::as_bytes(std::span(d.message)).subspan(old_size);
  if (d.kind == Message::Kind::text && !d.utf8.feed(added)) fail(error::invalid_utf8, "");
}

void Connection::on_control_frame() {
  Impl& d = *impl_;
  switch (d.frame.op) {
    case opcode::ping:
      // §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong
      // frame in response, unless it already received a Close frame." Once our
      // own Close frame is queued it is the last frame we write, so no Pong then.
      if (state_ == State::open) answer_ping(std::move(d.control));
      d.control = std::string();
      return;
    case opcode::pong:
      events_.push_back(event::PongReceived{std::move(d.control)});
      d.control = std::string();
      return;
    default:
      return on_close_frame();
  }
}

// O(1) per Ping: up to max_pongs_waiting are answered, then only the latest
// (Impl::pongs_due), framed when the transport next takes output. Pings that
// keep coming while those Pongs are not taken, read after read, mean a peer
// that sends but does not read: past the configured bytes it is failed
// rather than served forever.
void Connection::answer_ping(std::string payload) {
  Impl& d = *impl_;
  if (d.pong_overdue) {
    d.unanswered_ping_bytes += 2 + payload.size();  // a control frame's header is 2 bytes
    if (d.unanswered_ping_bytes > config_.max_unanswered_ping_bytes)
      return fail(error::ping_flood, "more than " + std::to_string(config_.max_unanswered_ping_bytes) +
                                         " bytes of Pings while our Pongs were not taken");
  }
  if (d.pongs_due.size() < max_pongs_waiting)
    d.pongs_due.push_back(std::move(payload));
  else
    d.pongs_due.back() = std::move(payload);
}

void Connection::on_close_frame() {
  Impl& d = *impl_;
  ClosePayload close;
  if (auto ec = parse_close_payload(d.control, close)) return fail(ec, "");
  d.close_code = close.code.value_or(1005);
  d.close_reason = std::move(close.reason);
  if (state_ == State::open) {
    events_.push_back(event::PeerStartedClosing{d.close_code, d.close_reason});
    state_ = State::closing_received;
    // §5.5.1: "If an endpoint receives a Close frame and did not previously
    // send a Close frame, the endpoint MUST send a Close frame in response.
    // ... it typically echos the status code it received."
    queue_after_data(static_cast<std::uint8_t>(opcode::close), build_close_payload(close.code, {}), 0);
  }
  // Both Close frames are exchanged; §7.1.1: the client waits for the server
  // to close the TCP connection (and fails one that sends more: on_bytes_after_close).
  state_ = State::closed;
  d.message = std::string();
  d.header_decoder.reset();
}

void Connection::receive_eof() {
  if (state_ == State::ended) return;
  const bool clean = state_ == State::closed;
  // §7.1.5: with no Close frame received, "_The WebSocket Connection Close Code_ is considered to be 1006."
  const std::uint16_t code = clean ? impl_->close_code : 1006;
  std::string reason = clean ? std::move(impl_->close_reason) : std::string();
  state_ = State::ended;
  events_.push_back(event::Closed{clean, code, std::move(reason)});
}

void Connection::send(Message message) {
  if (state_ != State::open) return;
  const auto op = message.kind == Message::Kind::text ? opcode::text : opcode::binary;
  const std::size_t size = message.payload.size();
  std::uint8_t rsv = 0;
  Impl& d = *impl_;
  if (d.deflater && size >= config_.deflate_min_size && size <= max_compressed_message) {
    std::string compressed = d.deflater->compress(message.payload);
    // RFC 7692 §6: "On a WebSocket connection where a PMCE is in use, this bit
    // indicates whether a message is compressed or not": the choice is made
    // per message. In "no context takeover" mode our compressor has already
    // forgotten this message, so one that compression does not shrink may go
    // out as it is; otherwise the peer's window must see what ours saw.
    const bool keep_plain = config_.permessage_deflate->client_no_context_takeover && compressed.size() >= size;
    if (!keep_plain) {
      message.payload = std::move(compressed);
      rsv = rsv1;  // §6: "RSV1 is set for compressed messages"
    }
  }
  queue_after_data(static_cast<std::uint8_t>(op), std::move(message.payload), size, rsv);
}

void Connection::ping(std::string payload) {
  if (payload.size() > max_control_payload) throw std::invalid_argument("ping payload longer than 125 bytes");
  if (state_ != State::open) return;
  const auto waiting =
      std::count_if(output_.begin(), std::find_if_not(output_.begin(), output_.end(), is_ping_or_pong),
                    [](const OutgoingFrame& f) { return opcode_of(f) == static_cast<std::uint8_t>(opcode::ping); });
  if (static_cast<std::size_t>(waiting) >= max_queued_pings)
    throw std::length_error("too many Pings waiting to be sent");
  queue_urgent(static_cast<std::uint8_t>(opcode::ping), std::move(payload));
}

void Connection::close(std::optional<std::uint16_t> code, std::string_view reason) {
  if (reason.size() > max_close_reason) throw std::invalid_argument("close reason longer than 123 bytes");
  if (state_ != State::open) return;
  queue_after_data(static_cast<std::uint8_t>(opcode::close),
                   build_close_payload(code, code ? reason : std::string_view{}), 0);
  state_ = State::closing_sent;
}

namespace {

// Encodes the header of a client frame into `frame` and returns its masking key.
mask_key write_header(OutgoingFrame& frame, RandomSource& random, std::uint8_t op, std::size_t payload_size,
                      std::uint8_t rsv, bool fin) {
  FrameHeader header;
  header.op = static_cast<opcode>(op);
  header.fin = fin;
  header.rsv = rsv;
  header.masked = true;  // §5.1: "a client MUST mask all frames that it sends to the server"
  header.payload_length = payload_size;
  // §5.3: "The masking key is a 32-bit value chosen at random by the client ...
  // the masking key for each frame MUST be unpredictable".
  random(header.key);
  frame.header_size = static_cast<std::uint8_t>(encode_frame_header(header, frame.header));
  return header.key;
}

}  // namespace

OutgoingFrame Connection::make_frame(std::uint8_t op, std::string payload, std::size_t app_bytes, std::uint8_t rsv,
                                     bool fin) {
  OutgoingFrame frame;
  const mask_key key = write_header(frame, random_, op, payload.size(), rsv, fin);
  apply_mask(std::as_writable_bytes(std::span(payload.data(), payload.size())), key);
  frame.payload = std::move(payload);
  frame.app_bytes = app_bytes;
  return frame;
}

// A fragment masks its part of the message in place: the message is ours
// (moved in by send()), and each byte belongs to exactly one fragment.
OutgoingFrame Connection::make_fragment(std::uint8_t op, const std::shared_ptr<std::string>& message,
                                        std::size_t offset, std::size_t size, std::size_t app_bytes, std::uint8_t rsv,
                                        bool fin) {
  OutgoingFrame frame;
  const mask_key key = write_header(frame, random_, op, size, rsv, fin);
  apply_mask(std::as_writable_bytes(std::span(message->data() + offset, size)), key);
  frame.message = message;
  frame.fragment_offset = offset;
  frame.fragment_size = size;
  frame.app_bytes = app_bytes;
  return frame;
}

// Pings and Pongs go ahead of every data or Close frame not yet taken, in the
// order they were queued. §5.4: "An endpoint MUST be capable of handling
// control frames in the middle of a fragmented message." The scan covers the
// control frames at the front only: at most max_pongs_waiting Pongs and
// max_queued_pings Pings.
void Connection::queue_urgent(std::uint8_t op, std::string payload) {
  auto position = std::find_if_not(output_.begin(), output_.end(), is_ping_or_pong);
  output_.insert(position, make_frame(op, std::move(payload), 0));
}

// The due Pongs join the control frames at the front of output_; Pongs
// still waiting there, the oldest first, make room so that no more than
// max_pongs_waiting wait at once (§5.5.3).
void Connection::frame_due_pongs() {
  Impl& d = *impl_;
  const auto is_pong = [](const OutgoingFrame& f) { return opcode_of(f) == static_cast<std::uint8_t>(opcode::pong); };
  auto control_end = std::find_if_not(output_.begin(), output_.end(), is_ping_or_pong);
  auto waiting = static_cast<std::size_t>(std::count_if(output_.begin(), control_end, is_pong));
  for (auto it = output_.begin(); waiting + d.pongs_due.size() > max_pongs_waiting;) {
    if (is_pong(*it)) {
      it = output_.erase(it);
      --waiting;
    } else {
      ++it;
    }
  }
  control_end = std::find_if_not(output_.begin(), output_.end(), is_ping_or_pong);
  std::vector<OutgoingFrame> pongs;
  pongs.reserve(d.pongs_due.size());
  while (!d.pongs_due.empty())
    pongs.push_back(make_frame(static_cast<std::uint8_t>(opcode::pong), d.pongs_due.take_front(), 0));
  output_.insert(control_end, std::make_move_iterator(pongs.begin()), std::make_move_iterator(pongs.end()));
  d.pong_overdue = false;
  d.unanswered_ping_bytes = 0;
}

void Connection::queue_after_data(std::uint8_t op, std::string payload, std::size_t app_bytes, std::uint8_t rsv) {
  impl_->pending.push_back(Impl::Pending{op, rsv, std::move(payload), nullptr, 0, app_bytes, 0});
}

bool Connection::has_output() const noexcept {
  return !output_.empty() || !impl_->pending.empty() || !impl_->pongs_due.empty();
}

detail::FifoQueue<OutgoingFrame>& Connection::output() {
  if (!impl_->pongs_due.empty()) frame_due_pongs();
  refill_output();
  return output_;
}

// Frames the next fragments when no data or Close frame is left in output_:
// at most max_fragment_size payload bytes per refill (one fragment of a big
// message, or several small messages), so a Pong queued meanwhile waits
// behind one fragment at most.
void Connection::refill_output() {
  if (!output_.empty() && !is_ping_or_pong(output_.back())) return;
  auto& pending = impl_->pending;
  const std::size_t limit = std::max<std::size_t>(config_.max_fragment_size, 1);
  std::size_t batch = 0;
  while (!pending.empty() && batch < limit) {
    auto& m = pending.front();
    const std::size_t size = m.fragments ? m.fragments->size() : m.payload.size();
    const std::size_t remaining = size - m.offset;
    const std::size_t take = std::min(remaining, limit);
    if (batch > 0 && batch + take > limit) break;
    const bool first = m.offset == 0;
    const bool last = take == remaining;
    // A compressed message counts its application bytes in proportion.
    const std::size_t app =
        last
            ? m.app_bytes - m.app_framed
            : static_cast<std::size_t>(static_cast<long double>(m.app_bytes) * (m.offset + take) / size) - m.app_framed;
    m.app_framed += app;
    // §5.4: the first fragment carries the opcode (and RFC 7692 §6.1: RSV1),
    // the others are continuation frames; the last one has FIN set.
    const auto op = first ? m.op : static_cast<std::uint8_t>(opcode::continuation);
    const std::uint8_t rsv = first ? m.rsv : 0;
    if (first && last) {
      output_.push_back(make_frame(op, std::move(m.payload), app, rsv, true));
    } else {
      if (!m.fragments) m.fragments = std::make_shared<std::string>(std::move(m.payload));
      output_.push_back(make_fragment(op, m.fragments, m.offset, take, app, rsv, last));
    }
    m.offset += take;
    batch += take;
    if (last) pending.pop_front();
  }
}

void Connection::fail(std::error_code ec, std::string detail) {
  if (detail.empty()) detail = ec.message();
  // §7.1.7: "... the endpoint SHOULD send a Close frame with an appropriate
  // status code (Section 7.4) before proceeding to _Close the WebSocket
  // Connection_" — unless we already sent ours (a second one is not allowed).
  if (state_ == State::open) {
    std::string reason = ec.message();
    if (reason.size() > max_close_reason) reason.resize(max_close_reason);
    queue_after_data(static_cast<std::uint8_t>(opcode::close), build_close_payload(close_code_for(ec), reason), 0);
  }
  state_ = State::failed;
  impl_->message = std::string();
  events_.push_back(event::Failed{ec, std::move(detail)});
}

}  // namespace duplex::rfc6455
