#include "tls_context_cache.hpp"

#include <algorithm>
#include <atomic>

#include "tls_context.hpp"

namespace duplex::native {
namespace {

std::atomic<std::size_t> built_everywhere{0};

}  // namespace

TlsContextKey TlsContextKey::of(const Options& options) {
  TlsContextKey key;
  key.ca_file = TlsFileStamp::of(options.ca_file);
  key.client_certificate_file = TlsFileStamp::of(options.client_certificate_file);
  key.client_key_file = TlsFileStamp::of(options.client_key_file);
  key.ca_pem = options.ca_pem;
  key.client_certificate_pem = options.client_certificate_pem;
  key.client_key_pem = options.client_key_pem;
  key.min_tls_version = options.min_tls_version;
  key.insecure_skip_certificate_verification = options.insecure_skip_certificate_verification;
  return key;
}

std::shared_ptr<boost::asio::ssl::context> TlsContextCache::get(const Options& options) {
  return get(TlsContextKey::of(options), options);
}

std::shared_ptr<boost::asio::ssl::context> TlsContextCache::get(const TlsContextKey& key, const Options& options) {
  if (auto found = live_.find(key); found != live_.end()) {
    if (auto context = found->second.lock()) {
      remember(context);
      return context;
    }
  }
  auto context = make_tls_context(options);  // throws: nothing cached
  ++built_;
  ++built_everywhere;
  std::erase_if(live_, [](const auto& entry) { return entry.second.expired(); });
  live_.insert_or_assign(key, context);
  remember(context);
  return context;
}

void TlsContextCache::remember(const std::shared_ptr<boost::asio::ssl::context>& context) {
  if (keep_recent_ == 0) return;
  auto it = std::find(recent_.begin(), recent_.end(), context);
  if (it != recent_.end()) {
    std::rotate(it, it + 1, recent_.end());  // to the back: most recent
    return;
  }
  if (recent_.size() == keep_recent_) recent_.erase(recent_.begin());
  recent_.push_back(context);
}

std::size_t TlsContextCache::built_in_process() noexcept { return built_everywhere.load(); }

}  // namespace duplex::native
