#include "duplex/native/asio_backend.hpp"

#include <boost/asio/post.hpp>

#include "asio_session.hpp"
#include "io_path.hpp"
#include "openssl_random.hpp"
#include "tls_context.hpp"
#include "tls_context_cache.hpp"
#include "tls_session_cache.hpp"
#include "tls_session_resumption.hpp"

namespace duplex::native {
namespace {

/// The Transport core/ holds: a handle on a session that may outlive it.
class AsioTransport final : public Transport {
 public:
  explicit AsioTransport(std::shared_ptr<AsioSession> session) : session_(std::move(session)) {}
  ~AsioTransport() override { session_->detach(); }

  void send(Message message) override { session_->send(std::move(message)); }
  void close(std::optional<std::uint16_t> code, std::string reason) override {
    session_->close(code, std::move(reason));
  }
  bool ping(std::string payload) override { return session_->ping(std::move(payload)); }
  void abort() override { session_->abort(); }

 private:
  std::shared_ptr<AsioSession> session_;
};

}  // namespace

/// TLS contexts are shared between connections with equal TLS options
/// (tls_context_cache.hpp): building one can cost milliseconds. The default one (system trust store, no client
/// certificate) is kept for the backend's life. Sessions for resumption are
/// kept per backend too (shared: a connection may outlive its backend).
struct AsioBackend::TlsCache {
  TlsContextCache contexts;
  std::shared_ptr<boost::asio::ssl::context> shared_default;
  std::shared_ptr<TlsSessionCache> sessions = std::make_shared<TlsSessionCache>();
};

AsioBackend::AsioBackend(boost::asio::io_context& io, AsioBackendConfig config)
    : io_(io), config_(std::move(config)), tls_cache_(std::make_unique<TlsCache>()) {
  const IoPathChoice choice = choose_io_path(io_, config_.io_path);
  io_path_ = choice.path;
  ring_ = choice.ring;
  // The first opening handshake needs a random key: pay OpenSSL's start-up here.
  prepare_openssl_random();
}
AsioBackend::~AsioBackend() = default;

void AsioBackend::post(std::function<void()> task) { boost::asio::post(io_, std::move(task)); }

void AsioBackend::post_task(std::weak_ptr<PostedTask> task) {
  boost::asio::post(io_, [task = std::move(task)] {
    if (const auto alive = task.lock()) alive->run();
  });
}

void AsioBackend::check_options(const Options&) const {
  // Every option is honoured natively.
}

Capabilities AsioBackend::capabilities() const {
  Capabilities c;
  c.extra_headers = c.origin = c.client_certificates = c.ca_file = true;
  c.open_timeout = c.close_timeout = c.max_message_size = true;
  c.permessage_deflate_options = true;
  c.proxies = c.ping = c.heartbeat = c.connect_timeout = c.tls_settings = true;
  c.handshake_response = true;
  return c;
}

AsioBackend::TlsHandshakes AsioBackend::tls_handshakes() const noexcept {
  const auto counted = tls_cache_->sessions->handshakes();
  return {counted.full, counted.resumed};
}

std::unique_ptr<Transport> AsioBackend::connect(ConnectRequest request, TransportEvents& events) {
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::string tls_error;
  TlsResumption resumption;
  if (request.url.secure) {
    try {
      TlsContextKey trust;  // the default context's key: every TLS option at its default
      if (needs_own_tls_context(request.options)) {
        trust = TlsContextKey::of(request.options);
        tls = tls_cache_->contexts.get(trust, request.options);
      } else {
        if (!tls_cache_->shared_default) tls_cache_->shared_default = tls_cache_->contexts.get(request.options);
        tls = tls_cache_->shared_default;
      }
      std::shared_ptr<const TlsSessionKey> key;
      if (request.options.tls_session_resumption)
        key = std::make_shared<const TlsSessionKey>(
            TlsSessionKey{request.url.host_name(), request.url.port, std::move(trust)});
      resumption = TlsResumption(tls_cache_->sessions, std::move(key));
    } catch (const std::exception& e) {
      tls_error = e.what();  // a network-side failure: reported as error + close, never thrown
    }
  }
  auto session = std::make_shared<AsioSession>(io_, std::move(tls), std::move(request), events, config_.resolver,
                                               std::move(resumption), ring_);
  if (tls_error.empty())
    session->start();
  else
    session->fail_later(Failure(errc::tls_configuration, std::move(tls_error)));
  return std::make_unique<AsioTransport>(std::move(session));
}

}  // namespace duplex::native
