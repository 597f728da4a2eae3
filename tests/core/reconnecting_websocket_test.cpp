// ReconnectingWebSocket on the fake backend: backoff with full jitter, the
// cap, max attempts, final close codes, our own close(), the open event
// that lets the application send its state again, and the retry policy
// (permanent and transient failures, should_retry, Retry-After).

#include "duplex/reconnecting_websocket.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::CloseEvent;
using duplex::ReadyState;
using duplex::ReconnectEvent;
using duplex::ReconnectingWebSocket;
using duplex::ReconnectOptions;
using duplex::test::FakeBackend;
using duplex::test::thrown;
using ms = std::chrono::milliseconds;

namespace {

// Delays at their ceilings, so the sequence is exact.
ReconnectOptions at_ceiling(ms base, ms cap) {
  ReconnectOptions r;
  r.base_delay = base;
  r.max_delay = cap;
  r.jitter = [](ms ceiling) { return ceiling; };
  return r;
}

struct Log {
  std::vector<std::string> events;
  std::vector<ms> delays;
  void attach(ReconnectingWebSocket& ws) {
    ws.onopen([this](const ReconnectEvent& e) {
      events.push_back(std::string(e.reopened() ? "reopen" : "open") + ":" + std::to_string(e.attempt()));
    });
    ws.onclose([this](const CloseEvent& e) { events.push_back("close:" + std::to_string(e.code())); });
    ws.onerror([this](const duplex::ErrorEvent&) { events.push_back("error"); });
    ws.onreconnecting([this](const ReconnectEvent& e) {
      events.push_back("reconnecting:" + std::to_string(e.attempt()));
      delays.push_back(e.delay());
    });
    ws.ongiveup([this](const ReconnectEvent& e) {
      events.push_back("giveup:" + std::to_string(e.attempt()) + ":" + std::to_string(e.code().value_or(0)));
    });
  }
};

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("backoff_ceiling doubles from base up to the cap", "[reconnect]") {
  CHECK(duplex::backoff_ceiling(ms(100), ms(1000), 1) == ms(100));
  CHECK(duplex::backoff_ceiling(ms(100), ms(1000), 2) == ms(200));
  CHECK(duplex::backoff_ceiling(ms(100), ms(1000), 4) == ms(800));
  CHECK(duplex::backoff_ceiling(ms(100), ms(1000), 5) == ms(1000));
  CHECK(duplex::backoff_ceiling(ms(100), ms(1000), 4'000'000'000u) == ms(1000));
  CHECK(duplex::backoff_ceiling(ms(5000), ms(1000), 1) == ms(1000));
  const auto huge = ms(std::numeric_limits<ms::rep>::max());
  CHECK(duplex::backoff_ceiling(ms(1), huge, 200) > ms(0));  // saturates, never overflows
}

TEST_CASE("a refused connection is retried with exponential backoff up to the cap", "[reconnect]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, at_ceiling(ms(100), ms(500)));
  Log log;
  log.attach(ws);
  for (int i = 0; i < 5; ++i) {
    backend.transport()->failed("refused");
    backend.run_all();
    CHECK(ws.ready_state() == ReadyState::CONNECTING);
    CHECK(thrown([&] { ws.send("x"); }) == "InvalidStateError");
    backend.advance(backend.delays.back());
  }
  CHECK(log.delays == std::vector<ms>{ms(100), ms(200), ms(400), ms(500), ms(500)});
  CHECK(backend.requests.size() == 6);
  CHECK(ws.attempt() == 5);
  backend.transport()->open();
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::OPEN);
  CHECK(ws.attempt() == 0);
  CHECK(log.events.back() == "open:5");  // the first open: nothing to resend
}

TEST_CASE("full jitter: each delay lies in [0, ceiling] and they differ", "[reconnect]") {
  FakeBackend backend;
  ReconnectOptions r;
  r.base_delay = ms(1000);
  r.max_delay = ms(8000);
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  for (std::uint32_t i = 1; i <= 12; ++i) {
    backend.transport()->failed("refused");
    backend.run_all();
    REQUIRE(log.delays.size() == i);
    CHECK(log.delays.back() >= ms(0));
    CHECK(log.delays.back() <= duplex::backoff_ceiling(ms(1000), ms(8000), i));
    backend.advance(log.delays.back());
  }
  std::sort(log.delays.begin(), log.delays.end());
  CHECK(std::unique(log.delays.begin(), log.delays.end()) - log.delays.begin() > 3);
}

TEST_CASE("open fires on every reopen so the application can send its state again", "[reconnect]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, at_ceiling(ms(10), ms(100)));
  Log log;
  log.attach(ws);
  int resent = 0;
  ws.add_event_listener("open", [&](const duplex::Event&) {
    ws.send("subscribe");
    ++resent;
  });
  backend.transport()->open();
  backend.run_all();
  backend.transport()->closed(false, 1006);
  backend.run_all();
  backend.advance(ms(10));
  backend.transport()->failed("refused");
  backend.run_all();
  backend.advance(ms(20));
  backend.transport()->open();
  backend.run_all();
  CHECK(log.events ==
        Strings{"open:0", "close:1006", "reconnecting:1", "error", "close:1006", "reconnecting:2", "reopen:2"});
  CHECK(resent == 2);
  REQUIRE(backend.log->sent.size() == 2);
  CHECK(backend.log->sent[1].payload == "subscribe");
  // The attempt count starts again after an open.
  backend.transport()->closed(true, 1001);
  backend.run_all();
  CHECK(log.events.back() == "reconnecting:1");
  CHECK(log.delays.back() == ms(10));
}

TEST_CASE("max_attempts: gives up after that many failed retries", "[reconnect]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(10), ms(100));
  r.max_attempts = 2;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  for (int i = 0; i < 3; ++i) {
    backend.transport()->failed("refused");
    backend.advance(ms(1000));
  }
  CHECK(log.events == Strings{"error", "close:1006", "reconnecting:1", "error", "close:1006", "reconnecting:2", "error",
                              "close:1006", "giveup:2:1006"});
  CHECK(backend.requests.size() == 3);
  CHECK(ws.ready_state() == ReadyState::CLOSED);
  CHECK(backend.pending_timers() == 0);
}

TEST_CASE("max_attempts 0 never retries", "[reconnect]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(10), ms(100));
  r.max_attempts = 0;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  backend.transport()->open();
  backend.transport()->closed(true, 1001);
  backend.advance(ms(1000));
  CHECK(log.events == Strings{"open:0", "close:1001", "giveup:0:1001"});
  CHECK(backend.requests.size() == 1);
}

TEST_CASE("a close code marked final stops the retries", "[reconnect]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(10), ms(100));
  r.final_codes = {1008, 4001};
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  backend.transport()->open();
  backend.transport()->closed(true, 4000);  // not final
  backend.advance(ms(10));
  backend.transport()->open();
  backend.transport()->closed(true, 4001, "logged out");
  backend.advance(ms(1000));
  CHECK(log.events == Strings{"open:0", "close:4000", "reconnecting:1", "reopen:1", "close:4001", "giveup:0:4001"});
  CHECK(backend.requests.size() == 2);
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("our own close() is never followed by a retry", "[reconnect]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, at_ceiling(ms(10), ms(100)));
  Log log;
  log.attach(ws);
  SECTION("while open") {
    backend.transport()->open();
    backend.run_all();
    ws.close(1000, "bye");
    CHECK(ws.ready_state() == ReadyState::CLOSING);
    backend.transport()->closed(true, 1000, "bye");
    backend.advance(ms(1000));
    CHECK(log.events == Strings{"open:0", "close:1000"});
  }
  SECTION("from the close handler of a dropped connection") {
    backend.transport()->open();
    ws.add_event_listener("close", [&](const duplex::Event&) { ws.close(); });
    backend.transport()->closed(false, 1006);
    backend.advance(ms(1000));
    CHECK(log.events == Strings{"open:0", "close:1006"});
  }
  SECTION("while waiting to retry") {
    backend.transport()->failed("refused");
    backend.run_all();
    CHECK(backend.pending_timers() == 1);
    ws.close();
    CHECK(ws.ready_state() == ReadyState::CLOSED);
    CHECK(backend.pending_timers() == 0);
    backend.advance(ms(1000));
    CHECK(log.events == Strings{"error", "close:1006", "reconnecting:1"});
  }
  SECTION("from the reconnecting handler") {
    ws.add_event_listener("reconnecting", [&](const duplex::Event&) { ws.close(); });
    backend.transport()->failed("refused");
    backend.advance(ms(1000));
    CHECK(log.events == Strings{"error", "close:1006", "reconnecting:1"});
  }
  CHECK(backend.requests.size() == 1);
  CHECK(thrown([&] { ws.close(1001); }) == "InvalidAccessError");  // the WebSocket's checks still apply
}

TEST_CASE("destroying the socket cancels a pending retry, no event after", "[reconnect]") {
  FakeBackend backend;
  auto ws = std::make_unique<ReconnectingWebSocket>(backend, "ws://h/", std::vector<std::string>{}, duplex::Options{},
                                                    at_ceiling(ms(10), ms(100)));
  int events = 0;
  ws->onreconnecting([&](const ReconnectEvent&) {
    ++events;
    ws.reset();  // inside its own handler
  });
  ws->onopen([&](const ReconnectEvent&) { ++events; });
  backend.transport()->failed("refused");
  backend.advance(ms(1000));
  CHECK(events == 1);
  CHECK(backend.requests.size() == 1);
  CHECK(backend.pending_timers() == 0);
}

TEST_CASE("settings and messages carry over to each new connection", "[reconnect]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {"chat"}, {}, at_ceiling(ms(10), ms(100)));
  ws.binary_type(duplex::BinaryType::arraybuffer);
  ws.buffered_amount_low_threshold(5);
  std::vector<std::string> got;
  int low = 0;
  ws.onmessage([&](const duplex::MessageEvent& e) {
    CHECK(std::holds_alternative<duplex::ArrayBuffer>(e.data()));
    got.push_back(std::string(reinterpret_cast<const char*>(e.bytes().data()), e.bytes().size()));
  });
  ws.onbufferedamountlow([&](const duplex::Event&) { ++low; });
  backend.transport()->open("chat");
  backend.transport()->binary("one");
  backend.transport()->closed(false, 1006);
  backend.advance(ms(10));
  REQUIRE(backend.requests.size() == 2);
  CHECK(backend.requests[1].protocols == Strings{"chat"});
  CHECK(backend.requests[1].url.serialized == "ws://h/");
  backend.transport()->open("chat");
  backend.transport()->binary("two");
  backend.run_all();
  CHECK(ws.protocol() == "chat");
  CHECK(got == Strings{"one", "two"});
  ws.send(std::string(8, 'x'));
  CHECK(ws.buffered_amount() == 8);
  backend.transport()->flushed(8);
  backend.run_all();
  CHECK(low == 1);
}

TEST_CASE("the constructor throws what WebSocket's throws", "[reconnect]") {
  FakeBackend backend;
  CHECK(thrown([&] { ReconnectingWebSocket(backend, "ftp://h/"); }) == "SyntaxError");
  CHECK(backend.requests.empty());
}

TEST_CASE("a backend that can open nothing is not retried", "[reconnect][unavailable]") {
  FakeBackend backend;
  backend.unavailable_reason = "this host has no WebSocket";
  ReconnectOptions options = at_ceiling(ms(100), ms(500));
  options.max_attempts = 5;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, options);
  Log log;
  log.attach(ws);
  backend.advance(ms(10'000));
  CHECK(log.events == Strings{"error", "close:1006", "giveup:0:1006"});
  CHECK(backend.requests.empty());
  CHECK(backend.pending_timers() == 0);
}

// ------------------------------------------------------ retry policy ----

namespace {

using duplex::errc;
using duplex::Failure;
using duplex::HandshakeResponse;

// A refused handshake as a transport reports it: the response, then the failure.
void refuse(FakeBackend& backend, int status, std::optional<std::string> retry_after = std::nullopt) {
  HandshakeResponse response;
  response.status = status;
  response.reason = "Refused";
  if (retry_after) response.headers.emplace("retry-after", *retry_after);  // any case (RFC 9110 §5.1)
  backend.transport()->handshake_response(std::move(response));
  Failure failure(errc::handshake_status, "the server answered " + std::to_string(status));
  failure.http_status = status;
  backend.transport()->failed(std::move(failure));
}

// A failure of kind `kind`, or for handshake_status the HTTP status `status`.
struct Case {
  errc kind;
  int status = 0;
};

void fail(FakeBackend& backend, const Case& c) {
  if (c.kind == errc::handshake_status) return refuse(backend, c.status);
  backend.transport()->failed(Failure(c.kind, duplex::errc_name(c.kind)));
}

std::string describe(const Case& c) { return std::string(duplex::errc_name(c.kind)) + " " + std::to_string(c.status); }

}  // namespace

TEST_CASE("the default policy gives up at once on a permanent failure", "[reconnect][policy]") {
  const Case c = GENERATE(Case{errc::tls_certificate_expired}, Case{errc::tls_certificate_wrong_host},
                          Case{errc::tls_certificate_unknown_issuer}, Case{errc::tls_certificate_revoked},
                          Case{errc::tls_certificate_invalid}, Case{errc::handshake_status, 403},
                          Case{errc::handshake_status, 404}, Case{errc::handshake_status, 301},
                          Case{errc::handshake_status, 200}, Case{errc::handshake_status, 400},
                          Case{errc::handshake_invalid}, Case{errc::tls_configuration},
                          Case{errc::proxy_authentication});
  INFO(describe(c));
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, at_ceiling(ms(100), ms(500)));
  Log log;
  log.attach(ws);
  fail(backend, c);
  backend.advance(ms(60'000));
  CHECK(log.events == Strings{"error", "close:1006", "giveup:0:1006"});
  CHECK(backend.requests.size() == 1);
  CHECK(backend.pending_timers() == 0);
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("the default policy retries a transient failure", "[reconnect][policy]") {
  const Case c = GENERATE(Case{errc::handshake_status, 408}, Case{errc::handshake_status, 429},
                          Case{errc::handshake_status, 500}, Case{errc::handshake_status, 503},
                          Case{errc::connection_refused}, Case{errc::name_resolution}, Case{errc::connect_timeout},
                          Case{errc::open_timeout}, Case{errc::tls_handshake}, Case{errc::protocol_violation},
                          Case{errc::pong_timeout}, Case{errc::unknown}, Case{errc::host_refused});
  INFO(describe(c));
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, at_ceiling(ms(100), ms(500)));
  Log log;
  log.attach(ws);
  fail(backend, c);
  backend.advance(ms(100));
  CHECK(log.events == Strings{"error", "close:1006", "reconnecting:1"});
  CHECK(log.delays == std::vector<ms>{ms(100)});
  CHECK(backend.requests.size() == 2);
}

TEST_CASE("the default policy retries a connection dropped without an error", "[reconnect][policy]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, at_ceiling(ms(100), ms(500)));
  Log log;
  log.attach(ws);
  backend.transport()->open();
  backend.transport()->closed(false, 1006);
  backend.advance(ms(100));
  CHECK(log.events == Strings{"open:0", "close:1006", "reconnecting:1"});
  CHECK(backend.requests.size() == 2);
  CHECK(duplex::default_should_retry(duplex::ErrorEvent(), CloseEvent(false, 1006, "", errc::going_away)));
}

TEST_CASE("should_retry sees the error and close events and decides", "[reconnect][policy]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(100), ms(500));
  std::vector<std::string> asked;
  bool answer = true;
  r.should_retry = [&](const duplex::ErrorEvent& error, const CloseEvent& close) {
    asked.push_back(std::string(error.error() ? duplex::errc_name(static_cast<errc>(error.error().value())) : "none") +
                    ":" + std::to_string(error.http_status()) + ":" + std::to_string(close.code()) + ":" +
                    (close.cause() ? duplex::errc_name(static_cast<errc>(close.cause().value())) : "none"));
    CHECK(error.type() == "error");
    return answer;
  };
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  SECTION("a 403 retried") {
    refuse(backend, 403);
    backend.advance(ms(100));
    CHECK(asked == Strings{"handshake_status:403:1006:handshake_status"});
    CHECK(log.events == Strings{"error", "close:1006", "reconnecting:1"});
    CHECK(backend.requests.size() == 2);
    // The failure is forgotten at the close: a later close without one has no error.
    backend.transport()->open();
    backend.transport()->closed(true, 4000, "bye");
    backend.run_all();
    CHECK(asked.back() == "none:0:4000:none");
  }
  SECTION("nothing retried") {
    answer = false;
    backend.transport()->open();
    backend.transport()->closed(false, 1006);
    backend.advance(ms(1000));
    CHECK(asked == Strings{"none:0:1006:none"});
    CHECK(log.events == Strings{"open:0", "close:1006", "giveup:0:1006"});
    CHECK(backend.requests.size() == 1);
  }
  SECTION("a 503 not retried") {
    answer = false;
    refuse(backend, 503, "1");
    backend.advance(ms(10'000));
    CHECK(asked == Strings{"handshake_status:503:1006:handshake_status"});
    CHECK(log.events == Strings{"error", "close:1006", "giveup:0:1006"});
  }
  SECTION("not asked after close()") {
    backend.transport()->open();
    backend.run_all();
    ws.close(1000);
    backend.transport()->closed(true, 1000);
    backend.advance(ms(1000));
    CHECK(asked.empty());
    CHECK(log.events == Strings{"open:0", "close:1000"});
  }
}

TEST_CASE("a should_retry that calls close() stops the retries with no giveup event", "[reconnect][policy]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(100), ms(500));
  ReconnectingWebSocket* self = nullptr;
  const bool answer = GENERATE(true, false);
  r.should_retry = [&](const duplex::ErrorEvent&, const CloseEvent&) {
    self->close();
    return answer;
  };
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  self = &ws;
  Log log;
  log.attach(ws);
  backend.transport()->failed(Failure(errc::connection_refused, "refused"));
  backend.advance(ms(1000));
  CHECK(log.events == Strings{"error", "close:1006"});
  CHECK(backend.requests.size() == 1);
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("final_codes and max_attempts come before should_retry", "[reconnect][policy]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(100), ms(500));
  int asked = 0;
  r.should_retry = [&](const duplex::ErrorEvent&, const CloseEvent&) {
    ++asked;
    return true;
  };
  SECTION("a final code") {
    r.final_codes = {4001};
    ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
    Log log;
    log.attach(ws);
    backend.transport()->open();
    backend.transport()->closed(true, 4001, "logged out");
    backend.advance(ms(1000));
    CHECK(log.events == Strings{"open:0", "close:4001", "giveup:0:4001"});
    CHECK(asked == 0);
  }
  SECTION("max_attempts, even with a Retry-After") {
    r.max_attempts = 1;
    ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
    Log log;
    log.attach(ws);
    refuse(backend, 503, "2");
    backend.advance(ms(2000));
    refuse(backend, 503, "2");
    backend.advance(ms(60'000));
    CHECK(log.events == Strings{"error", "close:1006", "reconnecting:1", "error", "close:1006", "giveup:1:1006"});
    CHECK(asked == 1);
    CHECK(backend.requests.size() == 2);
  }
}

TEST_CASE("a Retry-After longer than the backoff is the delay, up to max_retry_after", "[reconnect][policy]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(100), ms(500));
  r.max_retry_after = ms(20'000);
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  std::optional<std::chrono::seconds> seen;
  ws.add_event_listener("error", [&](const duplex::Event& e) {
    seen = static_cast<const duplex::ErrorEvent&>(e).retry_after();
  });

  refuse(backend, 503, "5");
  backend.run_all();
  CHECK(seen == std::chrono::seconds(5));
  CHECK(log.delays == std::vector<ms>{ms(5000)});
  backend.advance(ms(4999));
  CHECK(backend.requests.size() == 1);  // not a moment early
  backend.advance(ms(1));
  CHECK(backend.requests.size() == 2);

  refuse(backend, 429, "3600");  // an hour: capped
  backend.run_all();
  CHECK(seen == std::chrono::seconds(3600));
  CHECK(log.delays.back() == ms(20'000));

  backend.advance(ms(20'000));
  refuse(backend, 503, "Fri, 01 Jan 2100 00:00:00 GMT");  // an HTTP-date, far ahead: capped
  backend.run_all();
  REQUIRE(seen);
  CHECK(*seen > std::chrono::hours(24 * 365));
  CHECK(log.delays.back() == ms(20'000));
  CHECK(backend.requests.size() == 3);
}

TEST_CASE("a Retry-After shorter than the backoff leaves the backoff", "[reconnect][policy]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, at_ceiling(ms(3000), ms(10'000)));
  Log log;
  log.attach(ws);
  refuse(backend, 503, "1");
  backend.advance(ms(3000));
  refuse(backend, 503, "0");
  backend.advance(ms(6000));
  refuse(backend, 503, "not a delay");  // ignored
  backend.run_all();
  CHECK(log.delays == std::vector<ms>{ms(3000), ms(6000), ms(10'000)});
  CHECK(backend.requests.size() == 3);
}

TEST_CASE("a Retry-After is read only with a 429 or a 503", "[reconnect][policy]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(100), ms(500));
  r.max_retry_after = ms(20'000);
  r.should_retry = [](const duplex::ErrorEvent&, const duplex::CloseEvent&) { return true; };  // even a 301
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  std::vector<std::optional<std::chrono::seconds>> seen;
  ws.add_event_listener("error", [&](const duplex::ErrorEvent& e) { seen.push_back(e.retry_after()); });
  refuse(backend, 500, "5");
  backend.advance(ms(100));
  refuse(backend, 301, "5");
  backend.advance(ms(200));
  refuse(backend, 429, "5");
  backend.run_all();
  CHECK(seen == std::vector<std::optional<std::chrono::seconds>>{std::nullopt, std::nullopt, std::chrono::seconds(5)});
  CHECK(log.delays == std::vector<ms>{ms(100), ms(200), ms(5000)});
}

TEST_CASE("a Retry-After is not waited out when max_retry_after is shorter than the backoff", "[reconnect][policy]") {
  FakeBackend backend;
  auto r = at_ceiling(ms(300), ms(500));
  r.max_retry_after = ms(0);  // never wait for the server's word
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, r);
  Log log;
  log.attach(ws);
  refuse(backend, 503, "120");
  backend.run_all();
  CHECK(log.delays == std::vector<ms>{ms(300)});
}
