#include "tls_session_resumption.hpp"

namespace duplex::native {
namespace {

/// The SSL ex_data slot holding a connection's TlsResumption*.
int resumption_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

// OpenSSL's new-session callback. It returns 0: the connection keeps its own
// session object; the cache keeps a copy (TlsSessionCache::store says why).
int on_new_tls_session(SSL* ssl, SSL_SESSION* session) {
  const auto* resumption = static_cast<const TlsResumption*>(SSL_get_ex_data(ssl, resumption_index()));
  if (resumption != nullptr && resumption->cache_ && resumption->key_)
    resumption->cache_->store(*resumption->key_, session);
  return 0;
}

void enable_tls_session_resumption(SSL_CTX* context) {
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(context, on_new_tls_session);
}

void TlsResumption::offer(SSL* ssl) {
  if (!cache_ || !key_) return;
  SSL_set_ex_data(ssl, resumption_index(), this);
  if (SslSessionPtr session = cache_->take(*key_)) SSL_set_session(ssl, session.get());  // takes its own reference
}

void TlsResumption::handshake_ended(SSL* ssl, bool succeeded) const {
  if (!cache_) return;
  if (succeeded)
    cache_->count_handshake(SSL_session_reused(ssl) == 1);
  else if (key_)
    cache_->forget(*key_);
}

}  // namespace duplex::native
