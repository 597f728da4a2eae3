// Every duplex::errc the native backend reports, each produced by a real cause:
// ports that refuse, names that do not resolve, servers that never answer,
// bad certificates, refusing proxies (tinyproxy, microsocks), servers that
// refuse or botch the handshake or break the protocol once open
// (tests/peers/hostile_server.py), and connections that end without a
// failure. The error event says what went wrong (error(), close_code(),
// http_status()), and the close event after it carries the same cause.
// The per-attempt connect timeout is in happy_eyeballs_test.cpp (its
// listener with a full accept queue).

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "native/hostile_support.hpp"
#include "support/peers.hpp"
#include "support/proxies.hpp"

namespace duplex::test {
namespace {
using std::chrono::milliseconds;

/// What one connection dispatched.
struct Ending {
  std::vector<std::string> events;
  std::optional<ErrorEvent> error;
  std::optional<CloseEvent> close;

  std::string describe() const {
    std::string out;
    for (const auto& e : events) out += e + " ";
    if (error)
      out +=
          "error: " + std::string(errc_name(static_cast<errc>(error->error().value()))) + " '" + error->message() + "'";
    return out;
  }
};

/// Opens `url` on the default loop, runs `on_open` once open, and runs the
/// loop until the socket is closed.
Ending open_and_run(const std::string& url, const Options& options = {},
                    const std::function<void(WebSocket&)>& on_open = {}) {
  WebSocket ws(url, {}, options);
  Ending out;
  ws.add_event_listener("open", [&](const Event&) {
    out.events.push_back("open");
    if (on_open) on_open(ws);
  });
  ws.onerror([&](const ErrorEvent& e) {
    out.events.push_back("error");
    out.error = e;
  });
  ws.onclose([&](const CloseEvent& e) {
    out.events.push_back("close");
    out.close = e;
  });
  run();
  return out;
}

/// The connection failed before it opened with `kind`: an error event with a
/// message, no close code (no Close frame was ever sent), then close 1006
/// with the same cause.
void check_failed_to_open(const Ending& e, errc kind, int http_status = 0) {
  INFO(e.describe());
  CHECK(e.events == std::vector<std::string>{"error", "close"});
  REQUIRE(e.error);
  CHECK(e.error->error() == kind);
  CHECK(e.error->error().category() == duplex::error_category());
  CHECK_FALSE(e.error->message().empty());
  CHECK_FALSE(e.error->close_code());
  CHECK(e.error->http_status() == http_status);
  REQUIRE(e.close);
  CHECK(e.close->cause() == kind);
  CHECK(e.close->code() == 1006);
  CHECK_FALSE(e.close->was_clean());
}

/// The same for a hostile_server.py run that opened, then failed with `kind`
/// after we sent a Close with `close_code`.
void check_failed_when_open(const hostile::Outcome& o, errc kind, std::optional<std::uint16_t> close_code) {
  INFO("events: " << hostile::joined(o.events) << "; error: " << o.error_message
                  << "; server: " << hostile::joined(o.server.lines));
  CHECK(o.events == std::vector<std::string>{"open", "error", "close"});
  REQUIRE(o.error);
  CHECK(o.error->error() == kind);
  CHECK_FALSE(o.error->message().empty());
  CHECK(o.error->close_code() == close_code);
  CHECK(o.error->http_status() == 0);
  REQUIRE(o.close);
  CHECK(o.close->cause() == kind);
  CHECK(o.close->code() == 1006);
  if (close_code) CHECK(o.server.client_close_code() == std::to_string(*close_code));
}

Options trusting_test_ca() {
  Options options;
  options.ca_file = test_certificates().ca;
  return options;
}

Options via(const std::string& proxy) {
  Options options;
  options.proxy = proxy;
  return options;
}

}  // namespace

TEST_CASE("reaching the server: refused, unresolvable, unanswered", "[native][errors]") {
  SECTION("a port where nothing listens refuses: connection_refused") {
    check_failed_to_open(open_and_run("ws://127.0.0.1:" + std::to_string(refused_port()) + "/"),
                         errc::connection_refused);
  }
  SECTION("a name under .invalid never resolves (RFC 6761 §6.4): name_resolution") {
    check_failed_to_open(open_and_run("ws://no-such-host.invalid/"), errc::name_resolution);
  }
  SECTION("a server that accepts TCP but never answers the handshake: open_timeout") {
    SilentListener silent;
    Options options;
    options.open_timeout = milliseconds(300);
    const auto e = open_and_run("ws://127.0.0.1:" + std::to_string(silent.port()) + "/", options);
    check_failed_to_open(e, errc::open_timeout);
    CHECK(e.error->message() == "opening handshake timed out after 300 ms");
  }
}

TEST_CASE("TLS: each certificate problem has its kind, other handshake failures tls_handshake", "[native][errors]") {
  const auto& certs = test_certificates();
  SECTION("expired: tls_certificate_expired") {
    auto peer = start_ws_peer_tls(certs.expired_cert, certs.expired_key);
    const auto e = open_and_run(peer.url("/"), trusting_test_ca());
    check_failed_to_open(e, errc::tls_certificate_expired);
    CHECK(e.error->message().find("certificate has expired") != std::string::npos);
  }
  SECTION("for another name: tls_certificate_wrong_host") {
    auto peer = start_ws_peer_tls(certs.wrong_cert, certs.wrong_key);
    check_failed_to_open(open_and_run(peer.url("/"), trusting_test_ca()), errc::tls_certificate_wrong_host);
  }
  SECTION("for another address: tls_certificate_wrong_host") {
    auto peer = start_ws_peer_tls(certs.other_ip_cert, certs.other_ip_key);
    const auto e = open_and_run("wss://127.0.0.1:" + std::to_string(peer.port) + "/", trusting_test_ca());
    check_failed_to_open(e, errc::tls_certificate_wrong_host);
  }
  SECTION("self-signed: tls_certificate_unknown_issuer") {
    auto peer = start_ws_peer_tls(certs.self_cert, certs.self_key);
    check_failed_to_open(open_and_run(peer.url("/")), errc::tls_certificate_unknown_issuer);
    check_failed_to_open(open_and_run(peer.url("/"), trusting_test_ca()), errc::tls_certificate_unknown_issuer);
  }
  SECTION("by a CA not trusted: tls_certificate_unknown_issuer") {
    auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
    check_failed_to_open(open_and_run(peer.url("/")), errc::tls_certificate_unknown_issuer);
    const auto trusted = open_and_run(peer.url("/"), trusting_test_ca(), [](WebSocket& ws) { ws.close(); });
    CHECK(trusted.events == std::vector<std::string>{"open", "close"});
  }
  SECTION("no TLS version in common: tls_handshake") {
    auto peer = start_ws_peer_tls_up_to(certs.server_cert, certs.server_key, "TLSv1.2");
    Options options = trusting_test_ca();
    options.min_tls_version = Options::TlsVersion::tls1_3;
    const auto e = open_and_run(peer.url("/"), options);
    check_failed_to_open(e, errc::tls_handshake);
    CHECK(e.error->message().find("protocol version") != std::string::npos);
  }
}

TEST_CASE("proxies: unreachable, refusing, wanting credentials", "[native][errors][proxy]") {
  auto plain = start_ws_peer();
  SECTION("a proxy port where nothing listens: connection_refused, naming the proxy") {
    const std::string proxy = "127.0.0.1:" + std::to_string(refused_port());
    const auto e = open_and_run(plain.url("/"), via("http://" + proxy));
    check_failed_to_open(e, errc::connection_refused);
    CHECK(e.error->message().find("cannot connect to proxy " + proxy) != std::string::npos);
  }
  SECTION("CONNECT refused with 403: proxy_refused") {
    TinyproxyConfig config;
    config.only_connect_port = 1;
    auto proxy = start_tinyproxy(config);
    check_failed_to_open(open_and_run(plain.url("/"), via(proxy.url("http"))), errc::proxy_refused);
  }
  SECTION("HTTP proxy without or with wrong credentials: proxy_authentication") {
    auto proxy = start_tinyproxy({"alice", "s3cret"});
    const auto none = open_and_run(plain.url("/"), via(proxy.url("http")));
    check_failed_to_open(none, errc::proxy_authentication);
    CHECK(none.error->message().find("(407)") != std::string::npos);
    check_failed_to_open(open_and_run(plain.url("/"), via(proxy.url("http", "alice", "wrong"))),
                         errc::proxy_authentication);
  }
  SECTION("SOCKS5 proxy without or with wrong credentials: proxy_authentication") {
    auto proxy = start_microsocks("bob", "pw");
    check_failed_to_open(open_and_run(plain.url("/"), via(proxy.url("socks5h"))), errc::proxy_authentication);
    check_failed_to_open(open_and_run(plain.url("/"), via(proxy.url("socks5h", "bob", "nope"))),
                         errc::proxy_authentication);
  }
  SECTION("SOCKS5 proxy whose destination refuses: proxy_refused") {
    auto proxy = start_microsocks();
    const auto e = open_and_run("ws://127.0.0.1:" + std::to_string(refused_port()) + "/", via(proxy.url("socks5")));
    check_failed_to_open(e, errc::proxy_refused);
  }
  SECTION("a proxy setting that does not parse: proxy_refused") {
    check_failed_to_open(open_and_run(plain.url("/"), via("gopher://x:1")), errc::proxy_refused);
  }
}

TEST_CASE("the opening handshake: a refusal carries its status, a bad 101 is handshake_invalid", "[native][errors]") {
  SECTION("403 from the npm ws server: handshake_status 403") {
    auto peer = start_ws_peer();
    const auto e = open_and_run(peer.url("/status/403"));
    check_failed_to_open(e, errc::handshake_status, 403);
    CHECK(e.error->message().find("server answered 403") != std::string::npos);
  }
  SECTION("a wrong Sec-WebSocket-Accept: handshake_invalid") {
    const auto o = hostile::play({"/wrong-accept"});
    REQUIRE(o.error);
    CHECK(o.error->error() == errc::handshake_invalid);
    CHECK(o.error->http_status() == 0);
    REQUIRE(o.close);
    CHECK(o.close->cause() == errc::handshake_invalid);
  }
}

TEST_CASE("an open connection the server breaks: the kind and the close code we sent", "[native][errors]") {
  SECTION("a masked frame: protocol_violation, 1002") {
    check_failed_when_open(hostile::play({"/masked-frame"}), errc::protocol_violation, 1002);
  }
  SECTION("a text message that is not UTF-8: invalid_utf8, 1007") {
    check_failed_when_open(hostile::play({"/invalid-utf8"}), errc::invalid_utf8, 1007);
  }
  SECTION("a close reason that is not UTF-8: invalid_utf8, 1007") {
    check_failed_when_open(hostile::play({"/invalid-close-reason"}), errc::invalid_utf8, 1007);
  }
  SECTION("a compressed message that is not DEFLATE data: invalid_data, 1007") {
    Options options;
    options.permessage_deflate = true;
    check_failed_when_open(hostile::play({"/deflate-invalid", options}), errc::invalid_data, 1007);
  }
  SECTION("a message over max_message_size: message_too_big, 1009") {
    Options options;
    options.max_message_size = 1000;
    check_failed_when_open(hostile::play({"/big-message/2000", options}), errc::message_too_big, 1009);
  }
  SECTION("no Pong within pong_timeout: pong_timeout, no Close frame") {
    Options options;
    options.ping_interval = milliseconds(100);
    options.pong_timeout = milliseconds(200);
    const auto o = hostile::play({"/silent", options});
    check_failed_when_open(o, errc::pong_timeout, std::nullopt);
    CHECK(o.error->message() == "no pong within 200 ms");
  }
}

// Pings from a server that does not read: hostile_flood_test.cpp
// ("/ping-flood-unread") checks policy_violation and 1008; it needs tens of MiB.

TEST_CASE("endings without a failure: clean, dropped by the peer, dropped after the close timeout",
          "[native][errors]") {
  SECTION("a completed closing handshake: no cause") {
    auto peer = start_ws_peer();
    const auto e = open_and_run(peer.url("/"), {}, [](WebSocket& ws) { ws.close(1000, "done"); });
    CHECK(e.events == std::vector<std::string>{"open", "close"});
    REQUIRE(e.close);
    CHECK(e.close->was_clean());
    CHECK_FALSE(e.close->cause());
  }
  SECTION("the server drops TCP with no Close frame: going_away") {
    auto peer = start_ws_peer();
    const auto e = open_and_run(peer.url("/drop"));
    INFO(e.describe());
    CHECK(e.events == std::vector<std::string>{"open", "close"});
    REQUIRE(e.close);
    CHECK_FALSE(e.close->was_clean());
    CHECK(e.close->code() == 1006);
    CHECK(e.close->cause() == errc::going_away);
  }
  SECTION("our Close is never answered: close_timeout, and no error event") {
    Options options;
    options.close_timeout = milliseconds(300);
    const auto o = hostile::play({"/no-close-reply", options, {}, [](WebSocket& ws) { ws.close(4000, "bye"); }});
    INFO("events: " << hostile::joined(o.events));
    CHECK(o.events == std::vector<std::string>{"open", "close"});
    CHECK_FALSE(o.error);
    REQUIRE(o.close);
    CHECK_FALSE(o.close->was_clean());
    CHECK(o.close->code() == 1006);
    CHECK(o.close->cause() == errc::close_timeout);
    CHECK(o.server.has("CLIENT-CLOSE 4000 bye"));
  }
}

}  // namespace duplex::test
