#include "duplex/rfc6455/handshake.hpp"

#include <catch2/catch.hpp>

#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>

#include "duplex/rfc6455/error.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using duplex::rfc6455::test::bytes_of;
using duplex::rfc6455::test::for_each_split;

namespace {

// RFC 6455 §1.3's example key and its accept value.
constexpr const char* sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

HandshakeRequest sample_request() {
  HandshakeRequest r;
  r.host = "server.example.com";
  r.resource = "/chat";
  r.protocols = {"chat", "superchat"};
  r.origin = "http://example.com";
  return r;
}

std::string response(const std::string& extra = "Sec-WebSocket-Protocol: chat\r\n",
                     const std::string& accept = sample_accept) {
  return "HTTP/1.1 101 Switching Protocols\r\n"
         "Upgrade: websocket\r\n"
         "Connection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         accept + "\r\n" + extra + "\r\n";
}

ClientHandshake::Status feed_all(ClientHandshake& h, const std::vector<std::string_view>& chunks) {
  for (auto chunk : chunks) h.feed(bytes_of(chunk));
  return h.status();
}

// Feeds `text` every way and expects failure with `expected`.
void expect_failure(const HandshakeRequest& request, const std::string& text, error expected) {
  for_each_split(text, [&](const std::vector<std::string_view>& chunks) {
    ClientHandshake h(request, sample_key);
    REQUIRE(feed_all(h, chunks) == ClientHandshake::Status::failed);
    CHECK(h.error() == expected);
    CHECK_FALSE(h.error_detail().empty());
  });
}

}  // namespace

TEST_CASE("RFC 6455 §1.3: accept value of the sample key", "[handshake]") {
  CHECK(compute_accept(sample_key) == sample_accept);
}

TEST_CASE("request carries the §4.1 fields", "[handshake]") {
  auto r = sample_request();
  r.host = "server.example.com:8080";
  r.extensions = {"permessage-deflate; client_max_window_bits"};
  r.headers = {{"X-Token", "abc"}};
  ClientHandshake h(r, sample_key);
  const std::string& req = h.request_bytes();
  CHECK(req.rfind("GET /chat HTTP/1.1\r\n", 0) == 0);
  CHECK(req.find("\r\nHost: server.example.com:8080\r\n") != std::string::npos);
  CHECK(req.find("\r\nUpgrade: websocket\r\n") != std::string::npos);
  CHECK(req.find("\r\nConnection: Upgrade\r\n") != std::string::npos);
  CHECK(req.find("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") != std::string::npos);
  CHECK(req.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(req.find("\r\nSec-WebSocket-Protocol: chat, superchat\r\n") != std::string::npos);
  CHECK(req.find("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n") != std::string::npos);
  CHECK(req.find("\r\nOrigin: http://example.com\r\n") != std::string::npos);
  CHECK(req.find("\r\nX-Token: abc\r\n") != std::string::npos);
  CHECK(req.size() >= 4);
  CHECK(req.substr(req.size() - 4) == "\r\n\r\n");
  CHECK(req.find("\r\n\r\n") == req.size() - 4);
}

TEST_CASE("request omits optional fields that are not set", "[handshake]") {
  HandshakeRequest r;
  r.host = "h";
  ClientHandshake h(r, sample_key);
  CHECK(h.request_bytes().rfind("GET / HTTP/1.1\r\n", 0) == 0);
  CHECK(h.request_bytes().find("Sec-WebSocket-Protocol") == std::string::npos);
  CHECK(h.request_bytes().find("Sec-WebSocket-Extensions") == std::string::npos);
  CHECK(h.request_bytes().find("Origin") == std::string::npos);
}

TEST_CASE("keys are 16 fresh random bytes, base64", "[handshake]") {
  auto random = test::counting_source();
  std::set<std::string> keys;
  for (int i = 0; i < 4; ++i) {
    ClientHandshake h(sample_request(), random);
    CHECK(h.key().size() == 24);
    CHECK(h.key().substr(22) == "==");
    CHECK(h.request_bytes().find("Sec-WebSocket-Key: " + h.key() + "\r\n") != std::string::npos);
    keys.insert(h.key());
  }
  CHECK(keys.size() == 4);
  ClientHandshake fixed(sample_request(), test::repeating_source(std::string(1, '\0')));
  CHECK(fixed.key() == "AAAAAAAAAAAAAAAAAAAAAA==");
}

TEST_CASE("CR or LF in request values is refused", "[handshake]") {
  auto r = sample_request();
  r.headers = {{"X-Evil", "a\r\nInjected: 1"}};
  CHECK_THROWS_AS(ClientHandshake(r, sample_key), std::invalid_argument);
  r = sample_request();
  r.headers = {{"X-Evil\n", "a"}};
  CHECK_THROWS_AS(ClientHandshake(r, sample_key), std::invalid_argument);
  r = sample_request();
  r.origin = "http://a\r\n";
  CHECK_THROWS_AS(ClientHandshake(r, sample_key), std::invalid_argument);
  r = sample_request();
  r.protocols = {"chat\r"};
  CHECK_THROWS_AS(ClientHandshake(r, sample_key), std::invalid_argument);
  r = sample_request();
  r.resource = "/a b";
  CHECK_THROWS_AS(ClientHandshake(r, sample_key), std::invalid_argument);
}

TEST_CASE("valid response, split anywhere, with leftover frames", "[handshake]") {
  const std::string frames = "\x81\x05Hello";
  const std::string text = response() + frames;
  for_each_split(text, [&](const std::vector<std::string_view>& chunks) {
    ClientHandshake h(sample_request(), sample_key);
    REQUIRE(feed_all(h, chunks) == ClientHandshake::Status::done);
    CHECK(h.status_code() == 101);
    CHECK(h.protocol() == "chat");
    CHECK(h.extensions().empty());
    // Bytes fed after `done` are the caller's to route; leftover holds what
    // arrived with the header.
    std::string leftover(reinterpret_cast<const char*>(h.leftover().data()), h.leftover().size());
    CHECK(frames.rfind(leftover, 0) == 0);
  });
  ClientHandshake h(sample_request(), sample_key);
  REQUIRE(h.feed(bytes_of(text)) == ClientHandshake::Status::done);
  CHECK(h.leftover().size() == frames.size());
  CHECK(std::equal(h.leftover().begin(), h.leftover().end(), bytes_of(frames).begin()));
}

TEST_CASE("header names and Upgrade/Connection tokens are case-insensitive", "[handshake]") {
  const std::string text =
      "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\n"
      "sec-websocket-accept: " +
      std::string(sample_accept) + "\r\n\r\n";
  ClientHandshake h(sample_request(), sample_key);
  CHECK(h.feed(bytes_of(text)) == ClientHandshake::Status::done);
  CHECK(h.protocol().empty());
}

TEST_CASE("a response without a subprotocol is fine when some were offered", "[handshake]") {
  ClientHandshake h(sample_request(), sample_key);
  CHECK(h.feed(bytes_of(response(""))) == ClientHandshake::Status::done);
  CHECK(h.protocol().empty());
}

TEST_CASE("non-101 status fails with the status in the detail", "[handshake]") {
  const std::string forbidden = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
  expect_failure(sample_request(), forbidden, error::handshake_bad_status);
  ClientHandshake h(sample_request(), sample_key);
  h.feed(bytes_of(forbidden));
  CHECK(h.status_code() == 403);
  CHECK(h.error_detail() == "server answered 403 Forbidden");
  ClientHandshake ok(sample_request(), sample_key);
  ok.feed(bytes_of("HTTP/1.1 200 OK\r\n\r\n"));
  CHECK(ok.error() == error::handshake_bad_status);
  CHECK(ok.error_detail() == "server answered 200 OK");
}

TEST_CASE("Upgrade missing or wrong fails", "[handshake]") {
  auto without = [](const std::string& text, const std::string& line) {
    std::string out = text;
    out.erase(out.find(line), line.size());
    return out;
  };
  expect_failure(sample_request(), without(response(), "Upgrade: websocket\r\n"), error::handshake_bad_upgrade);
  std::string wrong = response();
  wrong.replace(wrong.find("Upgrade: websocket"), 18, "Upgrade: h2c");
  expect_failure(sample_request(), wrong, error::handshake_bad_upgrade);
  expect_failure(sample_request(), without(response(), "Connection: Upgrade\r\n"), error::handshake_bad_connection);
  std::string close = response();
  close.replace(close.find("Connection: Upgrade"), 19, "Connection: close");
  expect_failure(sample_request(), close, error::handshake_bad_connection);
  const std::string accept_line = "Sec-WebSocket-Accept: " + std::string(sample_accept) + "\r\n";
  expect_failure(sample_request(), without(response(), accept_line), error::handshake_bad_accept);
}

TEST_CASE("wrong Sec-WebSocket-Accept fails", "[handshake]") {
  expect_failure(sample_request(), response("", compute_accept("AAAAAAAAAAAAAAAAAAAAAA==")),
                 error::handshake_bad_accept);
}

TEST_CASE("subprotocol not offered fails", "[handshake]") {
  expect_failure(sample_request(), response("Sec-WebSocket-Protocol: other\r\n"),
                 error::handshake_unrequested_protocol);
  // Subprotocol names compare case-sensitively.
  expect_failure(sample_request(), response("Sec-WebSocket-Protocol: Chat\r\n"), error::handshake_unrequested_protocol);
  // Only one may be selected.
  expect_failure(sample_request(), response("Sec-WebSocket-Protocol: chat, superchat\r\n"),
                 error::handshake_unrequested_protocol);
  auto none = sample_request();
  none.protocols.clear();
  expect_failure(none, response("Sec-WebSocket-Protocol: chat\r\n"), error::handshake_unrequested_protocol);
}

TEST_CASE("extensions: only offered ones are accepted", "[handshake]") {
  expect_failure(sample_request(), response("Sec-WebSocket-Extensions: permessage-deflate\r\n"),
                 error::handshake_unrequested_extension);
  auto offer = sample_request();
  offer.extensions = {"permessage-deflate; client_max_window_bits"};
  expect_failure(offer, response("Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n"),
                 error::handshake_unrequested_extension);
  ClientHandshake h(offer, sample_key);
  REQUIRE(h.feed(bytes_of(response("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"))) ==
          ClientHandshake::Status::done);
  CHECK(h.extensions() == "permessage-deflate; server_no_context_takeover");
}

TEST_CASE("oversized header fails, a big but bounded one passes", "[handshake]") {
  const std::string filler = "X-Filler: " + std::string(100, 'x') + "\r\n";
  std::string huge;
  while (huge.size() < 17 * 1024) huge += filler;
  const std::string text = response(huge);
  ClientHandshake whole(sample_request(), sample_key);
  CHECK(whole.feed(bytes_of(text)) == ClientHandshake::Status::failed);
  CHECK(whole.error() == error::handshake_too_large);
  ClientHandshake bytewise(sample_request(), sample_key);
  for (char c : text) bytewise.feed(bytes_of(std::string_view(&c, 1)));
  CHECK(bytewise.error() == error::handshake_too_large);
  // Without the terminator, the limit also applies.
  ClientHandshake endless(sample_request(), sample_key);
  CHECK(endless.feed(bytes_of(std::string(20000, 'a'))) == ClientHandshake::Status::failed);
  CHECK(endless.error() == error::handshake_too_large);

  std::string big;
  while (big.size() < 15 * 1024) big += filler;
  ClientHandshake fits(sample_request(), sample_key);
  CHECK(fits.feed(bytes_of(response("Sec-WebSocket-Protocol: chat\r\n" + big))) == ClientHandshake::Status::done);
}

TEST_CASE("malformed responses fail", "[handshake]") {
  expect_failure(sample_request(), "HTTP/1.1 101 Switching Protocols\r\nfolded\r\n\r\n", error::handshake_malformed);
  expect_failure(sample_request(), "SSH-2.0-OpenSSH\r\n\r\n", error::handshake_malformed);
}

namespace {

// Feeds `chunks` and checks at each step that response() is there exactly
// when the head has been parsed (the status is no longer need_more).
std::optional<duplex::HandshakeResponse> feed_watching_response(ClientHandshake& h,
                                                                const std::vector<std::string_view>& chunks) {
  for (auto chunk : chunks) {
    h.feed(bytes_of(chunk));
    CHECK(h.response().has_value() == (h.status() != ClientHandshake::Status::need_more));
  }
  return h.response();
}

}  // namespace

TEST_CASE("the response head is kept: status, reason, every field in order", "[handshake]") {
  const std::string text = response(
                               "Set-Cookie: a=1; Path=/\r\n"
                               "X-Duplex-Test:   yes  \r\n"
                               "set-cookie: b=2\r\n") +
                           "\x81\x02hi";
  for_each_split(text, [&](const std::vector<std::string_view>& chunks) {
    ClientHandshake h(sample_request(), sample_key);
    CHECK_FALSE(h.response());
    const auto head = feed_watching_response(h, chunks);
    REQUIRE(h.status() == ClientHandshake::Status::done);
    REQUIRE(head);
    CHECK(head->status == 101);
    CHECK(head->reason == "Switching Protocols");
    // RFC 9110 §5.1: "Field names are case-insensitive"; names stay as received.
    CHECK(head->header("x-duplex-test") == std::optional<std::string_view>("yes"));
    CHECK(head->header("X-DUPLEX-TEST") == std::optional<std::string_view>("yes"));
    CHECK(head->headers.find("x-duplex-test")->first == "X-Duplex-Test");
    CHECK(head->header("sec-websocket-accept") == std::optional<std::string_view>(sample_accept));
    CHECK_FALSE(head->header("x-absent"));
    // Set-Cookie may not be combined into one line (RFC 6265 §3): each value
    // is kept, in the order received; header() gives the first.
    REQUIRE(head->headers.count("SET-COOKIE") == 2);
    const auto [first, last] = head->headers.equal_range("set-cookie");
    CHECK(first->second == "a=1; Path=/");
    CHECK(std::next(first)->second == "b=2");
    CHECK(std::next(first, 2) == last);
    CHECK(head->header("Set-Cookie") == std::optional<std::string_view>("a=1; Path=/"));
    // The frames after the head are not part of it.
    CHECK(head->headers.size() == 6);
  });
}

TEST_CASE("a refused handshake keeps its response head", "[handshake]") {
  const std::string text =
      "HTTP/1.1 403 Forbidden\r\nSet-Cookie: refused=403\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n";
  for_each_split(text, [&](const std::vector<std::string_view>& chunks) {
    ClientHandshake h(sample_request(), sample_key);
    const auto head = feed_watching_response(h, chunks);
    REQUIRE(h.status() == ClientHandshake::Status::failed);
    CHECK(h.error() == error::handshake_bad_status);
    REQUIRE(head);
    CHECK(head->status == 403);
    CHECK(head->reason == "Forbidden");
    CHECK(head->header("set-cookie") == std::optional<std::string_view>("refused=403"));
    CHECK(head->header("retry-after") == std::optional<std::string_view>("120"));
    CHECK(head->headers.size() == 3);
  });
  // A 101 that fails validation still parsed its head.
  ClientHandshake bad_accept(sample_request(), sample_key);
  REQUIRE(bad_accept.feed(bytes_of(response("", "d3Jvbmc="))) == ClientHandshake::Status::failed);
  REQUIRE(bad_accept.response());
  CHECK(bad_accept.response()->status == 101);
}

TEST_CASE("no response head before it is complete, nor when it is malformed or too large", "[handshake]") {
  ClientHandshake partial(sample_request(), sample_key);
  REQUIRE(partial.feed(bytes_of("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n")) ==
          ClientHandshake::Status::need_more);
  CHECK_FALSE(partial.response());
  ClientHandshake malformed(sample_request(), sample_key);
  REQUIRE(malformed.feed(bytes_of("SSH-2.0-OpenSSH\r\n\r\n")) == ClientHandshake::Status::failed);
  CHECK_FALSE(malformed.response());
  ClientHandshake endless(sample_request(), sample_key);
  REQUIRE(endless.feed(bytes_of(std::string(20000, 'a'))) == ClientHandshake::Status::failed);
  CHECK_FALSE(endless.response());
}
