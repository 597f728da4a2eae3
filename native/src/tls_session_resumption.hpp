#pragma once
// One wss:// connection's part in TLS session resumption: it offers a session
// from its backend's TlsSessionCache before the handshake, and gives the cache
// the sessions the server sends (in TLS 1.3 they arrive after the handshake,
// as NewSessionTicket messages read with the application data).

#include <openssl/ssl.h>

#include <memory>

#include "tls_session_cache.hpp"

namespace duplex::native {

/// Has OpenSSL hand every new client session of `context` to the
/// TlsResumption attached to its connection (none attached: dropped). Its own
/// internal store stays off: sessions live in the backends' caches.
void enable_tls_session_resumption(SSL_CTX* context);

/// A connection's link to its backend's session cache. Empty for ws://;
/// without a key (Options::tls_session_resumption false) it offers and keeps
/// nothing and only counts the handshake. Must stay at one address while its
/// SSL object lives (the SSL points at it).
class TlsResumption {
 public:
  TlsResumption() = default;
  TlsResumption(std::shared_ptr<TlsSessionCache> cache, std::shared_ptr<const TlsSessionKey> key)
      : cache_(std::move(cache)), key_(std::move(key)) {}
  TlsResumption(const TlsResumption&) = delete;
  TlsResumption& operator=(const TlsResumption&) = delete;
  TlsResumption(TlsResumption&&) = default;
  TlsResumption& operator=(TlsResumption&&) = default;

  /// Before the handshake on `ssl`: attaches this object to it and offers
  /// the cached session for the key, if there is one.
  void offer(SSL* ssl);
  /// After the handshake on `ssl`: a success is counted as full or resumed;
  /// a failure drops the sessions kept for this connection's key, so the
  /// next connection checks the server's certificate again.
  void handshake_ended(SSL* ssl, bool succeeded) const;

 private:
  friend int on_new_tls_session(SSL* ssl, SSL_SESSION* session);

  std::shared_ptr<TlsSessionCache> cache_;    // shared: a session may outlive its backend
  std::shared_ptr<const TlsSessionKey> key_;  // null: resumption off
};

}  // namespace duplex::native
