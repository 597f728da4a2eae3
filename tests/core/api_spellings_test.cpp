// The C++ spellings of the API that must not be traps: close codes of any
// integer type clamped as the IDL's [Clamp] unsigned short (never another code
// modulo 2^16), invalid binaryType values ignored, text() of a binary message
// a duplex::Error, and one set of send()/close()/add_event_listener()
// spellings on WebSocket and ReconnectingWebSocket alike. Most checks are
// static_asserts: this file stops compiling when a spelling breaks.

#include <catch2/catch.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duplex/reconnecting_websocket.hpp"
#include "duplex/websocket.hpp"
#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::ArrayBuffer;
using duplex::BinaryType;
using duplex::Blob;
using duplex::MessageEvent;
using duplex::ReconnectingWebSocket;
using duplex::WebSocket;
using duplex::test::FakeBackend;
using duplex::test::open_socket;
using duplex::test::Strings;
using duplex::test::thrown;

namespace {

// Every spelling of send() and close() an application may write: what
// compiles for one socket class compiles for the other.
template <class Socket>
concept SocketSpelling = requires(Socket& ws, const std::string& s, std::string_view v, const char* c,
                                  std::span<const std::uint8_t> u8, std::span<const std::byte> bytes) {
  ws.send(std::string("x"));
  ws.send(s);
  ws.send(v);
  ws.send(c);
  ws.send("literal");
  ws.send(u8);
  ws.send(bytes);
  ws.send(std::vector<std::uint8_t>{1, 2});
  ws.send(ArrayBuffer(std::string("x")));
  ws.send(Blob(std::string("x")));
  ws.close();
  ws.close(1000);
  ws.close(4000, "bye");
  ws.close(std::uint16_t{3000}, v);
  ws.close(std::nullopt);
  ws.binary_type(BinaryType::arraybuffer);
};
static_assert(SocketSpelling<WebSocket>);
static_assert(SocketSpelling<ReconnectingWebSocket>);

// A floating-point close code does not compile: it would be converted silently.
template <class Socket>
concept ClosesWithDouble = requires(Socket& ws) { ws.close(1000.0); };
static_assert(!ClosesWithDouble<WebSocket>);
static_assert(!ClosesWithDouble<ReconnectingWebSocket>);
template <class Socket>
concept ClosesWithFloat = requires(Socket& ws) { ws.close(1000.0f, "bye"); };
static_assert(!ClosesWithFloat<WebSocket>);
static_assert(!ClosesWithFloat<ReconnectingWebSocket>);

// Which close() an integer code reaches. close(std::optional<std::uint16_t>)
// would take an int too, narrowed modulo 2^16 on the way (66536 -> 1000), so
// an integer must reach the clamping template of SocketSpellings instead.
// The probe has the socket's whole close() overload set except that the
// std::optional one is deleted: a call compiles on it exactly when overload
// resolution on the real socket picks another close().
template <class Socket>
struct OptionalCloseDeleted : Socket {
  using Socket::close;
  void close(std::optional<std::uint16_t> code, std::string_view reason = {}) = delete;
};
template <class Socket, class Code>
concept IntegerCloseIsClamped = requires(OptionalCloseDeleted<Socket>& ws, Code code) {
  ws.close(code);
  ws.close(code, "bye");
};
template <class Socket>
concept EveryIntegerCloseIsClamped =
    IntegerCloseIsClamped<Socket, int> && IntegerCloseIsClamped<Socket, unsigned> &&
    IntegerCloseIsClamped<Socket, long> && IntegerCloseIsClamped<Socket, long long> &&
    IntegerCloseIsClamped<Socket, std::int64_t> && IntegerCloseIsClamped<Socket, std::uint64_t> &&
    IntegerCloseIsClamped<Socket, std::size_t> && IntegerCloseIsClamped<Socket, short> &&
    IntegerCloseIsClamped<Socket, std::int32_t> && IntegerCloseIsClamped<Socket, std::uint16_t>;
static_assert(EveryIntegerCloseIsClamped<WebSocket>);
static_assert(EveryIntegerCloseIsClamped<ReconnectingWebSocket>);
// The probe does see the std::optional overload: an explicit optional (the one
// way to hand close() an already narrowed value) and std::nullopt reach it.
template <class Socket>
concept ProbeSeesOptionalClose = requires(OptionalCloseDeleted<Socket>& ws) {
  ws.close(std::optional<std::uint16_t>(static_cast<std::uint16_t>(66536u)));
} || requires(OptionalCloseDeleted<Socket>& ws) { ws.close(std::nullopt); };
static_assert(!ProbeSeesOptionalClose<WebSocket>);
static_assert(!ProbeSeesOptionalClose<ReconnectingWebSocket>);
template <class Socket>
concept ClosesWithOptional = requires(Socket& ws) { ws.close(std::optional<std::uint16_t>(1000), "bye"); };
static_assert(ClosesWithOptional<WebSocket> && ClosesWithOptional<ReconnectingWebSocket>);

// Listener shapes: what add_event_listener accepts is a property of their types.
struct OnMessage {
  void operator()(const MessageEvent&) const {}
};
struct OnMessageMutable {  // a mutable lambda's operator() is not const
  void operator()(const MessageEvent&) noexcept {}
};
struct OnEvent {
  void operator()(const duplex::Event&) const {}
};
struct OnMessageByValue {
  void operator()(MessageEvent) const {}
};
struct OnMessageNonConst {
  void operator()(MessageEvent&) const {}
};
struct OnMessageOrClose {  // two call signatures: which event would it want?
  void operator()(const MessageEvent&) const {}
  void operator()(const duplex::CloseEvent&) const {}
};
using OnClosePointer = void (*)(const duplex::CloseEvent&);
struct Generic {  // as a generic lambda, [](const auto& e) {...}
  template <class E>
  void operator()(const E&) const {}
};

template <class Socket, class F>
concept Listens = requires(Socket& ws, F f) {
  { ws.add_event_listener("message", f) } -> std::same_as<duplex::ListenerId>;
  { ws.add_event_listener("message", std::move(f), true) } -> std::same_as<duplex::ListenerId>;
};
template <class Socket>
concept TakesEveryListenerShape =
    Listens<Socket, OnMessage> && Listens<Socket, OnMessageMutable> && Listens<Socket, OnEvent> &&
    Listens<Socket, OnClosePointer> && Listens<Socket, Generic> &&
    Listens<Socket, std::function<void(const duplex::Event&)>> &&
    Listens<Socket, std::function<void(const MessageEvent&)>>;
static_assert(TakesEveryListenerShape<WebSocket>);
static_assert(TakesEveryListenerShape<ReconnectingWebSocket>);
// A listener that could receive the event only through a copy or a const_cast,
// or whose event class is ambiguous, does not compile.
template <class Socket>
concept RefusesUnreceivableListeners = !Listens<Socket, OnMessageByValue> && !Listens<Socket, OnMessageNonConst> &&
                                       !Listens<Socket, OnMessageOrClose>;
static_assert(RefusesUnreceivableListeners<WebSocket>);
static_assert(RefusesUnreceivableListeners<ReconnectingWebSocket>);
// Only listeners typed for a class derived from Event take the typed path.
static_assert(duplex::detail::TypedListener<OnMessage> && duplex::detail::TypedListener<OnClosePointer> &&
              duplex::detail::TypedListener<std::function<void(const MessageEvent&)>>);
static_assert(!duplex::detail::TypedListener<OnEvent> && !duplex::detail::TypedListener<Generic> &&
              !duplex::detail::TypedListener<std::function<void(const duplex::Event&)>>);
static_assert(std::same_as<duplex::detail::listener_event_t<OnClosePointer>, duplex::CloseEvent>);
static_assert(std::same_as<duplex::detail::listener_event_t<OnMessageMutable>, MessageEvent>);

static_assert(duplex::detail::clamp_to_unsigned_short(66536) == 65535);
static_assert(duplex::detail::clamp_to_unsigned_short(-1) == 0);
static_assert(duplex::detail::clamp_to_unsigned_short(std::uint64_t{1} << 40) == 65535);
static_assert(duplex::detail::clamp_to_unsigned_short(std::uint16_t{1000}) == 1000);

// Every member spelling the two socket classes share, called once: it
// compiles for both (explicit instantiations below), and the test cases
// "every shared member spelling works ..." run it. Listeners log to `seen`.
template <class Socket>
void use_every_member(Socket& s, Strings& seen) {
  s.send(std::string("a"));
  s.send(std::string_view("b"));
  s.send("c");
  const std::byte d[] = {std::byte{'d'}};
  s.send(std::span<const std::byte>(d));
  const std::uint8_t e[] = {'e'};
  s.send(std::span<const std::uint8_t>(e));
  s.send(ArrayBuffer(std::string("f")));
  s.send(Blob(std::string("g")));
  CHECK(s.buffered_amount() == 7);
  s.buffered_amount_low_threshold(3);
  CHECK(s.buffered_amount_low_threshold() == 3);
  s.binary_type(BinaryType::arraybuffer);
  CHECK(s.binary_type() == BinaryType::arraybuffer);
  CHECK(s.ready_state() == duplex::ReadyState::OPEN);
  CHECK(s.url() == "ws://h/");
  CHECK(s.protocol().empty());
  CHECK(s.extensions().empty());
  CHECK_FALSE(s.handshake_response().has_value());
  s.ping();
  s.ping("x");

  s.onopen([&](const auto&) { seen.push_back("onopen"); });
  CHECK(s.onopen());
  s.onopen(nullptr);
  CHECK_FALSE(s.onopen());
  s.onmessage([&](const MessageEvent& m) { seen.push_back("onmessage:" + m.text()); });
  CHECK(s.onmessage());
  s.onerror([&](const duplex::ErrorEvent& m) { seen.push_back("onerror:" + m.message()); });
  CHECK(s.onerror());
  s.onclose([&](const duplex::CloseEvent& c) { seen.push_back("onclose:" + std::to_string(c.code())); });
  CHECK(s.onclose());
  s.onpong([&](const duplex::PongEvent& p) { seen.push_back("onpong:" + p.payload()); });
  CHECK(s.onpong());
  s.onbufferedamountlow([&](const duplex::Event& l) { seen.push_back("on" + l.type()); });
  CHECK(s.onbufferedamountlow());

  s.add_event_listener("message", [&](const MessageEvent& m) { seen.push_back("typed:" + m.text()); });
  s.add_event_listener("message", [&](const duplex::Event& m) { seen.push_back("untyped:" + m.type()); }, false);
  const duplex::ListenerId id = s.add_event_listener("close", [&](const duplex::CloseEvent&) { seen.push_back("x"); });
  CHECK(s.remove_event_listener("close", id));
  CHECK_FALSE(s.remove_event_listener("close", id));
}

// Every close() spelling; only the first one does something.
template <class Socket>
void close_every_way(Socket& s) {
  s.close(1000, "bye");
  s.close();
  s.close(1000);
  s.close(std::uint16_t{1000});
  s.close(std::optional<std::uint16_t>(1000), "again");
}

template void use_every_member<WebSocket>(WebSocket&, Strings&);
template void use_every_member<ReconnectingWebSocket>(ReconnectingWebSocket&, Strings&);
template void close_every_way<WebSocket>(WebSocket&);
template void close_every_way<ReconnectingWebSocket>(ReconnectingWebSocket&);

// Pings need Capabilities::ping, which FakeBackend lacks: this backend is a
// FakeBackend that can ping and shows the handshake response.
class PingingTransport final : public duplex::Transport {
 public:
  PingingTransport(std::unique_ptr<duplex::Transport> inner, Strings& pings)
      : inner_(std::move(inner)), pings_(pings) {}
  void send(duplex::Message message) override { inner_->send(std::move(message)); }
  void close(std::optional<std::uint16_t> code, std::string reason) override { inner_->close(code, std::move(reason)); }
  bool ping(std::string payload) override {
    pings_.push_back(std::move(payload));
    return true;
  }
  void abort() override { inner_->abort(); }

 private:
  std::unique_ptr<duplex::Transport> inner_;
  Strings& pings_;
};

class PingingBackend final : public duplex::Backend {
 public:
  void post(std::function<void()> task) override { fake.post(std::move(task)); }
  std::unique_ptr<duplex::Timer> post_after(std::chrono::milliseconds delay, std::function<void()> task) override {
    return fake.post_after(delay, std::move(task));
  }
  void check_options(const duplex::Options& options) const override { fake.check_options(options); }
  duplex::Capabilities capabilities() const override {
    duplex::Capabilities c = fake.capabilities();
    c.ping = c.handshake_response = true;
    return c;
  }
  std::unique_ptr<duplex::Transport> connect(duplex::ConnectRequest request,
                                             duplex::TransportEvents& events) override {
    return std::make_unique<PingingTransport>(fake.connect(std::move(request), events), pings);
  }

  FakeBackend fake;
  Strings pings;
};

}  // namespace

TEMPLATE_TEST_CASE("every shared member spelling works on both socket classes", "[websocket][reconnect][spellings]",
                   WebSocket, ReconnectingWebSocket) {
  PingingBackend backend;
  TestType ws(backend, "ws://h/");
  backend.fake.transport()->open();
  backend.fake.run_all();
  Strings seen;
  use_every_member(ws, seen);
  const auto& sent = backend.fake.log->sent;
  REQUIRE(sent.size() == 7);
  Strings payloads;
  for (const auto& m : sent) payloads.push_back((m.kind == duplex::Message::Kind::text ? "t:" : "b:") + m.payload);
  CHECK(payloads == Strings{"t:a", "t:b", "t:c", "b:d", "b:e", "b:f", "b:g"});
  CHECK(backend.pings == Strings{"", "x"});

  backend.fake.transport()->text("hi");
  backend.fake.transport()->pong("x", std::nullopt);
  backend.fake.transport()->flushed(7);
  backend.fake.run_all();
  CHECK(seen == Strings{"onmessage:hi", "typed:hi", "untyped:message", "onpong:x", "onbufferedamountlow"});

  seen.clear();
  close_every_way(ws);
  REQUIRE(backend.fake.log->closes.size() == 1);
  CHECK(backend.fake.log->closes[0] == std::pair<std::optional<std::uint16_t>, std::string>(1000, "bye"));
  CHECK(ws.ready_state() == duplex::ReadyState::CLOSING);
  backend.fake.transport()->closed(true, 1000, "bye");
  backend.fake.run_all();
  CHECK(seen == Strings{"onclose:1000"});
  CHECK(ws.ready_state() == duplex::ReadyState::CLOSED);
}

TEST_CASE("close codes out of range are clamped as [Clamp] unsigned short, then refused", "[websocket][spellings]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  // 66536 would be 1000 after a plain conversion to 16 bits; clamped it is
  // 65535, not 1000 nor 3000-4999.
  CHECK(thrown([&] { ws.close(66536); }) == "InvalidAccessError");
  CHECK(thrown([&] { ws.close(-1); }) == "InvalidAccessError");
  CHECK(thrown([&] { ws.close(std::int64_t{1} << 32 | 1000); }) == "InvalidAccessError");
  CHECK(ws.ready_state() == duplex::ReadyState::OPEN);  // nothing was sent
  CHECK(backend.log->closes.empty());
  ws.close(4000L, "bye");
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == 4000);
}

TEST_CASE("ReconnectingWebSocket clamps close codes the same way", "[reconnect][spellings]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/");
  CHECK(thrown([&] { ws.close(66536); }) == "InvalidAccessError");
  CHECK(thrown([&] { ws.close(999u); }) == "InvalidAccessError");
}

TEST_CASE("a binaryType value outside the enumeration is ignored", "[websocket][spellings]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  ws.binary_type(BinaryType::arraybuffer);
  ws.binary_type(static_cast<BinaryType>(42));
  CHECK(ws.binary_type() == BinaryType::arraybuffer);
  ReconnectingWebSocket rws(backend, "ws://h/");
  rws.binary_type(static_cast<BinaryType>(42));
  CHECK(rws.binary_type() == BinaryType::blob);
}

TEST_CASE("text() of a binary message throws InvalidStateError and bytes() reads both kinds", "[event][spellings]") {
  const MessageEvent binary(ArrayBuffer(std::string("\x01\x02", 2)));
  CHECK(thrown([&] { (void)binary.text(); }) == "InvalidStateError");
  // The message says what to call instead.
  CHECK_THROWS_WITH((void)binary.text(), "InvalidStateError: text() of a binary message: use bytes()");
  CHECK(binary.bytes().size() == 2);
  const MessageEvent text(std::string("hi"));
  CHECK(text.text() == "hi");
  CHECK(text.bytes().size() == 2);
}
