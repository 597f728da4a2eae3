#include "tls_session_cache.hpp"

#include <algorithm>

namespace duplex::native {
namespace {

bool single_use(const SSL_SESSION* session) noexcept {
  return SSL_SESSION_get_protocol_version(session) >= TLS1_3_VERSION;
}

}  // namespace

bool TlsSessionCache::expired(const SSL_SESSION* session, std::time_t now) noexcept {
  if (SSL_SESSION_is_resumable(session) == 0) return true;
  // "Clients MUST NOT attempt to use tickets which have ages greater than
  // the "ticket_lifetime" value which was provided with the ticket." (RFC 8446 §4.6.1)
  long lifetime = SSL_SESSION_get_timeout(session);
  const unsigned long hint = SSL_SESSION_get_ticket_lifetime_hint(session);
  if (hint != 0 && hint < static_cast<unsigned long>(std::max(lifetime, 0L))) lifetime = static_cast<long>(hint);
  const std::time_t age = now - static_cast<std::time_t>(SSL_SESSION_get_time(session));
  return age < 0 || age >= lifetime;
}

SslSessionPtr TlsSessionCache::take(const TlsSessionKey& key, std::time_t now) {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return nullptr;
  Entry& entry = found->second;
  touch(entry);
  auto& sessions = entry.sessions;
  while (!sessions.empty()) {
    SslSessionPtr& newest = sessions.back();
    if (expired(newest.get(), now)) {
      sessions.pop_back();
      continue;
    }
    if (single_use(newest.get())) {
      SslSessionPtr taken = std::move(newest);
      sessions.pop_back();
      return taken;
    }
    return SslSessionPtr(SSL_SESSION_dup(newest.get()));  // nullptr if out of memory: a full handshake
  }
  entries_.erase(found);
  return nullptr;
}

void TlsSessionCache::store(const TlsSessionKey& key, const SSL_SESSION* original) {
  if (original == nullptr || limits_.sessions_per_key == 0 || limits_.max_keys == 0) return;
  if (SSL_SESSION_is_resumable(original) == 0) return;
  SslSessionPtr session(SSL_SESSION_dup(original));
  if (!session) return;
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    if (entries_.size() >= limits_.max_keys) evict_least_recently_used();
    found = entries_.emplace(key, Entry{}).first;
  }
  Entry& entry = found->second;
  touch(entry);
  auto& sessions = entry.sessions;
  // A TLS 1.2 session replaces the others: it can be resumed any number of
  // times, and the server sent it last. Tickets of TLS 1.3 pile up, bounded.
  if (!single_use(session.get()) || (!sessions.empty() && !single_use(sessions.back().get()))) sessions.clear();
  if (sessions.size() >= limits_.sessions_per_key) sessions.erase(sessions.begin());
  sessions.push_back(std::move(session));
}

std::size_t TlsSessionCache::sessions(const TlsSessionKey& key) const {
  const auto found = entries_.find(key);
  return found == entries_.end() ? 0 : found->second.sessions.size();
}

void TlsSessionCache::evict_least_recently_used() {
  const auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return a.second.last_used < b.second.last_used;
  });
  if (oldest != entries_.end()) entries_.erase(oldest);
}

}  // namespace duplex::native
