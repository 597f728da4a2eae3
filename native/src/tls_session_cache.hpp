#pragma once
// Client TLS sessions kept for resumption: TLS 1.3 tickets and TLS 1.2
// sessions (session IDs or tickets), per server and trust settings, so a
// reconnect skips the certificate exchange and the key exchange's signature.

#include <openssl/ssl.h>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tls_context_cache.hpp"

namespace duplex::native {

/// Owns one reference to an OpenSSL session.
struct SslSessionFree {
  void operator()(SSL_SESSION* session) const noexcept { SSL_SESSION_free(session); }
};
using SslSessionPtr = std::unique_ptr<SSL_SESSION, SslSessionFree>;

/// Which connections may be offered a session: the same TLS peer (the URL's
/// host and port; the host is also the SNI and the name the certificate was
/// checked against) under the same trust settings (every TLS option, by
/// value). A proxy is not part of it: TLS runs end to end to the origin
/// through the tunnel, so the peer is the same with or without one.
struct TlsSessionKey {
  std::string host;
  std::uint16_t port = 0;
  TlsContextKey trust;

  auto operator<=>(const TlsSessionKey&) const = default;
};

/// Sessions received from servers, to offer on later connections with an
/// equal TlsSessionKey. Bounded: at most `max_keys` keys (the least recently
/// used is evicted first) and `sessions_per_key` sessions per key (the
/// oldest is dropped first).
///
/// "Clients SHOULD NOT reuse a ticket for multiple connections" (RFC 8446
/// §C.4): a TLS 1.3 session is taken out when it is offered, and a key keeps
/// a few so parallel connections can resume too (servers send two per full
/// handshake by default). A TLS 1.2 session may be resumed many times: it
/// stays, and the newest one received for a key replaces the older ones.
/// A session past its lifetime (SSL_SESSION_get_time + timeout, or the
/// server's ticket lifetime hint if shorter) is never offered.
///
/// Not locked: one backend's cache is used on its loop thread only.
class TlsSessionCache {
 public:
  struct Limits {
    std::size_t max_keys = 32;
    std::size_t sessions_per_key = 4;
  };
  /// Handshakes counted by count_handshake.
  struct Handshakes {
    std::uint64_t full = 0;
    std::uint64_t resumed = 0;
  };

  TlsSessionCache() = default;
  explicit TlsSessionCache(Limits limits) : limits_(limits) {}

  /// The session to offer for `key`: the newest one still valid at `now`, or
  /// nullptr. A TLS 1.3 session is removed; a TLS 1.2 one stays and a copy
  /// is returned (see store). Expired or non-resumable ones met on the way
  /// are dropped.
  SslSessionPtr take(const TlsSessionKey& key, std::time_t now = std::time(nullptr));
  /// Keeps a copy of `session` (received on a connection with `key`) if it
  /// can be resumed; makes `key` the most recently used. A copy, not the
  /// connection's own session object: OpenSSL marks that one not resumable
  /// when the connection ends without close_notify, which "no longer
  /// requires that a session not be resumed" (RFC 5246 §7.2.1).
  void store(const TlsSessionKey& key, const SSL_SESSION* session);
  /// Drops every session of `key` (its server failed a handshake).
  void forget(const TlsSessionKey& key) { entries_.erase(key); }

  /// Keys held now.
  std::size_t keys() const noexcept { return entries_.size(); }
  /// Sessions held now for `key`.
  std::size_t sessions(const TlsSessionKey& key) const;

  /// Counts one completed handshake (for AsioBackend::tls_handshakes).
  void count_handshake(bool resumed) noexcept { ++(resumed ? handshakes_.resumed : handshakes_.full); }
  Handshakes handshakes() const noexcept { return handshakes_; }

  /// True if `session` must not be offered at `now`: past its lifetime or not resumable.
  static bool expired(const SSL_SESSION* session, std::time_t now) noexcept;

 private:
  struct Entry {
    std::vector<SslSessionPtr> sessions;  ///< oldest first
    std::uint64_t last_used = 0;
  };
  void touch(Entry& entry) noexcept { entry.last_used = ++clock_; }
  void evict_least_recently_used();

  Limits limits_;
  std::map<TlsSessionKey, Entry> entries_;
  std::uint64_t clock_ = 0;
  Handshakes handshakes_;
};

}  // namespace duplex::native
