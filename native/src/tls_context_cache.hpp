#pragma once
// Client TLS contexts shared by the connections of one backend whose TLS
// options are equal. Building a context can take tens of milliseconds of CPU
// (the system's CA bundle where no hashed directory serves instead, see
// tls/trust_store.hpp; CA files; keys); a connection on a context that
// already exists costs nothing of that.

#include <boost/asio/ssl/context.hpp>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "duplex/options.hpp"

namespace duplex::native {

/// What a file named in Options looked like when a context was built from it:
/// its path plus what stat(2) said (on Windows: the volume, file index, size,
/// write and change times of the open file). A file rewritten or replaced
/// since (new size, mtime, ctime or inode) gives another stamp, hence a new
/// context. A file that cannot be stat'ed has only its path (loading it then
/// fails).
struct TlsFileStamp {
  std::string path;
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;

  /// Stats `path` now; an empty path gives an empty stamp.
  static TlsFileStamp of(const std::string& path);
  auto operator<=>(const TlsFileStamp&) const = default;
};

/// Every Options field that make_tls_context reads, compared by value (PEM
/// texts as text, files as stamps). Equal keys: interchangeable contexts.
/// Per-connection settings (SNI, host name checks) are not part of it: they
/// are set on each connection's SSL object (prepare_tls_session).
struct TlsContextKey {
  TlsFileStamp ca_file, client_certificate_file, client_key_file;
  std::string ca_pem, client_certificate_pem, client_key_pem;
  Options::TlsVersion min_tls_version = Options::TlsVersion::tls1_2;
  bool insecure_skip_certificate_verification = false;

  /// The key of `options` now (stats the files it names).
  static TlsContextKey of(const Options& options);
  auto operator<=>(const TlsContextKey&) const = default;
};

/// Hands out one shared context per distinct TlsContextKey. A context lives
/// while a connection uses it (the cache holds it weakly) and, after that, as
/// long as it is one of the `keep_recent` most recently requested (held
/// strongly), so a socket that closes and reopens does not rebuild it.
/// Changes to the system trust store (or SSL_CERT_FILE) after a context was
/// built are not noticed, as with a context built once and kept.
///
/// Not locked: like the rest of an AsioBackend, a cache is used from the one
/// thread that opens that backend's sockets (asio_backend.hpp's threading
/// model). The contexts it returns may be used by connections on any thread.
class TlsContextCache {
 public:
  explicit TlsContextCache(std::size_t keep_recent = 4) : keep_recent_(keep_recent) {}

  /// The context for `options`: an existing one if a context built for an
  /// equal key is still alive, else a new one from make_tls_context.
  /// Throws std::runtime_error as make_tls_context does (nothing is cached then).
  std::shared_ptr<boost::asio::ssl::context> get(const Options& options);
  /// The same, with `key` == TlsContextKey::of(options) already made.
  std::shared_ptr<boost::asio::ssl::context> get(const TlsContextKey& key, const Options& options);

  /// Contexts this cache has built so far.
  std::size_t built() const noexcept { return built_; }
  /// Contexts built by every cache of the process so far (observes a backend's
  /// private cache from outside, e.g. in tests).
  static std::size_t built_in_process() noexcept;

 private:
  void remember(const std::shared_ptr<boost::asio::ssl::context>& context);

  std::size_t keep_recent_;
  std::size_t built_ = 0;
  std::map<TlsContextKey, std::weak_ptr<boost::asio::ssl::context>> live_;
  std::vector<std::shared_ptr<boost::asio::ssl::context>> recent_;  ///< most recently requested last
};

}  // namespace duplex::native
