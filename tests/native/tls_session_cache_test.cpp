// The client TLS session cache (native/src/tls_session_cache.hpp) on sessions
// made here: keys, single use of TLS 1.3 tickets, reuse of TLS 1.2 sessions,
// lifetimes, and its bounds (least recently used key evicted first).

#include "tls_session_cache.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <memory>
#include <string>

namespace duplex::test {
namespace {

using native::SslSessionPtr;
using native::TlsSessionCache;
using native::TlsSessionKey;

constexpr std::time_t start = 1'800'000'000;  // a fixed "now" the sessions are made at

/// A resumable session as OpenSSL's client keeps one: a session ID that
/// names it (`id`, readable back with id_of), a protocol version, and a
/// lifetime of `lifetime` seconds from `start`.
SslSessionPtr make_session(int version, unsigned char id, long lifetime = 300) {
  SslSessionPtr session(SSL_SESSION_new());
  REQUIRE(session);
  const unsigned char session_id[1] = {id};
  REQUIRE(SSL_SESSION_set1_id(session.get(), session_id, 1) == 1);
  REQUIRE(SSL_SESSION_set_protocol_version(session.get(), version) == 1);
  SSL_SESSION_set_time(session.get(), static_cast<long>(start));
  SSL_SESSION_set_timeout(session.get(), lifetime);
  return session;
}

int id_of(const SslSessionPtr& session) {
  if (!session) return -1;
  unsigned int length = 0;
  const unsigned char* id = SSL_SESSION_get_id(session.get(), &length);
  return length == 1 ? id[0] : -1;
}

TlsSessionKey key(std::string host, std::uint16_t port = 443) {
  TlsSessionKey k;
  k.host = std::move(host);
  k.port = port;
  return k;
}

}  // namespace

// "Clients SHOULD NOT reuse a ticket for multiple connections." (RFC 8446 §C.4)
TEST_CASE("TlsSessionCache: a TLS 1.3 ticket is offered once, newest first", "[native][tls][resumption]") {
  TlsSessionCache cache;
  cache.store(key("a"), make_session(TLS1_3_VERSION, 1).get());
  cache.store(key("a"), make_session(TLS1_3_VERSION, 2).get());
  CHECK(cache.sessions(key("a")) == 2);
  CHECK(id_of(cache.take(key("a"), start)) == 2);
  CHECK(id_of(cache.take(key("a"), start)) == 1);
  CHECK_FALSE(cache.take(key("a"), start));
  CHECK(cache.keys() == 0);  // an emptied key goes
}

TEST_CASE("TlsSessionCache: a TLS 1.2 session is offered again, and a newer one replaces it",
          "[native][tls][resumption]") {
  TlsSessionCache cache;
  cache.store(key("a"), make_session(TLS1_2_VERSION, 1).get());
  CHECK(id_of(cache.take(key("a"), start)) == 1);
  CHECK(id_of(cache.take(key("a"), start)) == 1);
  cache.store(key("a"), make_session(TLS1_2_VERSION, 2).get());
  CHECK(cache.sessions(key("a")) == 1);
  CHECK(id_of(cache.take(key("a"), start)) == 2);
}

// "Note that as of TLS 1.1, failure to properly close a connection no longer
// requires that a session not be resumed." (RFC 5246 §7.2.1) OpenSSL marks
// the session object of a connection freed without close_notify (through
// SSL_CTX_remove_session): the cache holds copies, so its own stay valid.
TEST_CASE("TlsSessionCache: the cache's sessions are copies, unspoiled by a connection's end",
          "[native][tls][resumption]") {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  REQUIRE(context);
  TlsSessionCache cache;
  auto received = make_session(TLS1_2_VERSION, 1);
  cache.store(key("a"), received.get());
  SSL_CTX_remove_session(context.get(), received.get());
  REQUIRE(SSL_SESSION_is_resumable(received.get()) == 0);  // what the receiving connection's end does
  auto offered = cache.take(key("a"), start);
  REQUIRE(offered);
  CHECK(offered.get() != received.get());
  SSL_CTX_remove_session(context.get(), offered.get());  // the resuming connection ends the same way
  CHECK(id_of(cache.take(key("a"), start)) == 1);
}

TEST_CASE("TlsSessionCache: forget drops a key's sessions", "[native][tls][resumption]") {
  TlsSessionCache cache;
  cache.store(key("a"), make_session(TLS1_3_VERSION, 1).get());
  cache.store(key("b"), make_session(TLS1_3_VERSION, 2).get());
  cache.forget(key("a"));
  CHECK_FALSE(cache.take(key("a"), start));
  CHECK(id_of(cache.take(key("b"), start)) == 2);
}

TEST_CASE("TlsSessionCache: a session is offered only for an equal key", "[native][tls][resumption]") {
  TlsSessionCache cache;
  cache.store(key("a", 443), make_session(TLS1_3_VERSION, 1).get());
  CHECK_FALSE(cache.take(key("b", 443), start));   // another host (and SNI)
  CHECK_FALSE(cache.take(key("a", 8443), start));  // another port
  TlsSessionKey other_trust = key("a", 443);
  other_trust.trust.ca_pem = "another CA";
  CHECK_FALSE(cache.take(other_trust, start));
  other_trust = key("a", 443);
  other_trust.trust.insecure_skip_certificate_verification = true;
  CHECK_FALSE(cache.take(other_trust, start));
  other_trust = key("a", 443);
  other_trust.trust.min_tls_version = Options::TlsVersion::tls1_3;
  CHECK_FALSE(cache.take(other_trust, start));
  CHECK(id_of(cache.take(key("a", 443), start)) == 1);
}

// "Clients MUST NOT attempt to use tickets which have ages greater than the
// "ticket_lifetime" value which was provided with the ticket." (RFC 8446 §4.6.1)
TEST_CASE("TlsSessionCache: a session past its lifetime is never offered", "[native][tls][resumption]") {
  TlsSessionCache cache;
  cache.store(key("a"), make_session(TLS1_3_VERSION, 1, 10).get());
  cache.store(key("a"), make_session(TLS1_3_VERSION, 2, 100).get());
  CHECK(id_of(cache.take(key("a"), start + 9)) == 2);
  CHECK_FALSE(cache.take(key("a"), start + 10));  // the 10 s one is spent at its lifetime
  CHECK(cache.keys() == 0);

  cache.store(key("b"), make_session(TLS1_2_VERSION, 3, 5).get());
  CHECK(id_of(cache.take(key("b"), start + 4)) == 3);
  CHECK_FALSE(cache.take(key("b"), start + 5));

  // A clock that went back before the session was made: not trusted either.
  cache.store(key("c"), make_session(TLS1_3_VERSION, 4, 100).get());
  CHECK_FALSE(cache.take(key("c"), start - 1));
}

TEST_CASE("TlsSessionCache: what cannot be resumed is not kept", "[native][tls][resumption]") {
  TlsSessionCache cache;
  cache.store(key("a"), SslSessionPtr(SSL_SESSION_new()).get());  // no ID, no ticket
  cache.store(key("a"), nullptr);
  CHECK(cache.keys() == 0);
  CHECK_FALSE(cache.take(key("a"), start));
}

TEST_CASE("TlsSessionCache: a key keeps its newest sessions up to the bound", "[native][tls][resumption]") {
  TlsSessionCache cache(TlsSessionCache::Limits{.max_keys = 8, .sessions_per_key = 3});
  for (unsigned char id = 1; id <= 10; ++id) cache.store(key("a"), make_session(TLS1_3_VERSION, id).get());
  CHECK(cache.sessions(key("a")) == 3);
  CHECK(id_of(cache.take(key("a"), start)) == 10);
  CHECK(id_of(cache.take(key("a"), start)) == 9);
  CHECK(id_of(cache.take(key("a"), start)) == 8);
  CHECK_FALSE(cache.take(key("a"), start));

  // A server that moved from TLS 1.3 to 1.2 (or back): the newest kind only.
  cache.store(key("b"), make_session(TLS1_3_VERSION, 1).get());
  cache.store(key("b"), make_session(TLS1_3_VERSION, 2).get());
  cache.store(key("b"), make_session(TLS1_2_VERSION, 3).get());
  CHECK(cache.sessions(key("b")) == 1);
  cache.store(key("b"), make_session(TLS1_3_VERSION, 4).get());
  CHECK(cache.sessions(key("b")) == 1);
  CHECK(id_of(cache.take(key("b"), start)) == 4);
}

TEST_CASE("TlsSessionCache: past max_keys the least recently used key is evicted", "[native][tls][resumption]") {
  TlsSessionCache cache(TlsSessionCache::Limits{.max_keys = 4, .sessions_per_key = 2});
  for (int i = 0; i < 4; ++i) cache.store(key("host" + std::to_string(i)), make_session(TLS1_2_VERSION, 1).get());
  // Used since: host0 (taken), host2 (stored to). Least recently used: host1, then host3.
  CHECK(cache.take(key("host0"), start));
  cache.store(key("host2"), make_session(TLS1_2_VERSION, 2).get());
  cache.store(key("host4"), make_session(TLS1_2_VERSION, 3).get());
  CHECK(cache.keys() == 4);
  CHECK(cache.sessions(key("host1")) == 0);
  cache.store(key("host5"), make_session(TLS1_2_VERSION, 4).get());
  CHECK(cache.keys() == 4);
  CHECK(cache.sessions(key("host3")) == 0);
  for (const char* kept : {"host0", "host2", "host4", "host5"}) {
    INFO(kept);
    CHECK(cache.sessions(key(kept)) == 1);
  }

  // Many keys and sessions: the bounds hold throughout.
  for (int i = 0; i < 1000; ++i) {
    const auto k = key("many" + std::to_string(i % 50));
    cache.store(k, make_session(TLS1_3_VERSION, static_cast<unsigned char>(i)).get());
    cache.store(k, make_session(TLS1_3_VERSION, static_cast<unsigned char>(i)).get());
    cache.store(k, make_session(TLS1_3_VERSION, static_cast<unsigned char>(i)).get());
    REQUIRE(cache.keys() <= 4);
    REQUIRE(cache.sessions(k) == 2);
  }
  for (int i = 46; i < 50; ++i) CHECK(cache.sessions(key("many" + std::to_string(i))) == 2);
}

TEST_CASE("TlsSessionCache: with a bound of zero nothing is kept", "[native][tls][resumption]") {
  TlsSessionCache cache(TlsSessionCache::Limits{.max_keys = 0, .sessions_per_key = 4});
  cache.store(key("a"), make_session(TLS1_3_VERSION, 1).get());
  CHECK(cache.keys() == 0);
  TlsSessionCache no_sessions(TlsSessionCache::Limits{.max_keys = 4, .sessions_per_key = 0});
  no_sessions.store(key("a"), make_session(TLS1_3_VERSION, 1).get());
  CHECK(no_sessions.keys() == 0);
}

}  // namespace duplex::test
