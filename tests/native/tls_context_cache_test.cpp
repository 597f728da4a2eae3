// TLS contexts shared between connections with equal TLS options
// (native/src/tls_context_cache.hpp), alone and under wss:// connections of the
// default backend.

#include "tls_context_cache.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using native::TlsContextCache;
namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A CA file of this test's own (a path no other test uses), removed at the end.
class ScratchCaFile {
 public:
  explicit ScratchCaFile(const std::string& name) : path_((fs::path(test_certificates().dir) / name).string()) {}
  ~ScratchCaFile() { fs::remove(path_); }
  ScratchCaFile(const ScratchCaFile&) = delete;
  ScratchCaFile& operator=(const ScratchCaFile&) = delete;

  const std::string& path() const { return path_; }

  /// Rewrites the file in place with the contents of `pem_file`. File times
  /// have the kernel's tick as granularity, so the mtime is also moved on a
  /// second, as it would have moved between two real edits.
  void write_from(const std::string& pem_file) {
    const bool existed = fs::exists(path_);
    const auto before = existed ? fs::last_write_time(path_) : fs::file_time_type{};
    std::ofstream(path_, std::ios::trunc) << read_file(pem_file);
    if (existed) fs::last_write_time(path_, before + std::chrono::seconds(1));
  }

 private:
  std::string path_;
};

const std::vector<std::string> echoed = {"open", "message", "close"};
const std::vector<std::string> failed = {"error", "close"};

}  // namespace

TEST_CASE("TlsContextCache: equal TLS options share one context", "[native][tls]") {
  const auto& certs = test_certificates();
  TlsContextCache cache;
  Options a;
  a.ca_file = certs.ca;
  a.client_certificate_pem = read_file(certs.client_cert);
  a.client_key_pem = read_file(certs.client_key);
  Options b = a;
  b.origin = "https://other.example";  // not a TLS setting
  b.open_timeout = std::chrono::seconds(3);
  const auto first = cache.get(a);
  CHECK(cache.get(b) == first);
  CHECK(cache.get(a) == first);
  CHECK(cache.built() == 1);
}

TEST_CASE("TlsContextCache: each TLS setting that differs gets its own context", "[native][tls]") {
  const auto& certs = test_certificates();
  TlsContextCache cache(0);  // nothing kept beyond use: every context below is held here
  std::vector<std::shared_ptr<boost::asio::ssl::context>> held;
  auto with = [&](auto change) {
    Options options;
    change(options);
    held.push_back(cache.get(options));
    return held.back();
  };
  with([](Options&) {});
  with([&](Options& o) { o.ca_file = certs.ca; });
  with([&](Options& o) { o.ca_pem = read_file(certs.ca); });
  with([&](Options& o) { o.min_tls_version = Options::TlsVersion::tls1_3; });
  with([&](Options& o) { o.insecure_skip_certificate_verification = true; });
  with([&](Options& o) {
    o.client_certificate_file = certs.client_cert;
    o.client_key_file = certs.client_key;
  });
  with([&](Options& o) {
    o.client_certificate_pem = read_file(certs.client_cert);
    o.client_key_pem = read_file(certs.client_key);
  });
  CHECK(cache.built() == held.size());
  for (std::size_t i = 0; i < held.size(); ++i)
    for (std::size_t j = i + 1; j < held.size(); ++j) CHECK(held[i] != held[j]);
  // PEM text is compared by value: the same text in another string is a hit.
  Options again;
  again.ca_pem = read_file(certs.ca);
  CHECK(cache.get(again) == held[2]);
  CHECK(cache.built() == held.size());
}

TEST_CASE("TlsContextCache: a context lives while used, then while recent", "[native][tls]") {
  const auto& certs = test_certificates();
  Options options;
  options.ca_file = certs.ca;
  SECTION("nothing kept beyond use") {
    TlsContextCache cache(0);
    std::weak_ptr<boost::asio::ssl::context> weak = cache.get(options);
    CHECK(weak.expired());  // freed with its last user
    { auto held = cache.get(options); }
    CHECK(cache.built() == 2);
  }
  SECTION("the most recent ones kept") {
    TlsContextCache cache(1);
    std::weak_ptr<boost::asio::ssl::context> weak = cache.get(options);
    CHECK_FALSE(weak.expired());
    CHECK(cache.get(options) == weak.lock());
    CHECK(cache.built() == 1);
    Options other;
    other.ca_pem = read_file(certs.ca);
    cache.get(other);  // takes the one place
    CHECK(weak.expired());
  }
}

TEST_CASE("TlsContextCache: a changed CA file is loaded again", "[native][tls]") {
  const auto& certs = test_certificates();
  ScratchCaFile ca("cache_changed_ca.pem");
  ca.write_from(certs.self_cert);
  TlsContextCache cache;
  Options options;
  options.ca_file = ca.path();
  const auto before = cache.get(options);
  CHECK(cache.get(options) == before);
  ca.write_from(certs.ca);
  const auto after = cache.get(options);
  CHECK(after != before);
  CHECK(cache.built() == 2);
  CHECK(cache.get(options) == after);
}

TEST_CASE("TlsContextCache: a file that cannot be loaded throws and is not cached", "[native][tls]") {
  TlsContextCache cache;
  Options options;
  options.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(cache.get(options), Catch::Contains("/nonexistent/ca.pem"));
  CHECK_THROWS(cache.get(options));
  CHECK(cache.built() == 0);
}

TEST_CASE("wss:// connections with equal TLS options share one context and still verify", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  ScratchCaFile ca("cache_wss_ca.pem");
  ca.write_from(certs.ca);
  Options options;
  options.ca_file = ca.path();

  // Two at once on the default backend: one context built for both.
  const auto built_before = native::TlsContextCache::built_in_process();
  {
    WebSocket first(peer.url("/"), {}, options);
    WebSocket second(peer.url("/"), {}, options);
    Recorder first_events(first), second_events(second);
    for (auto* ws : {&first, &second}) {
      ws->onopen([ws](const Event&) { ws->send("over TLS"); });
      ws->onmessage([ws](const MessageEvent&) { ws->close(1000); });
    }
    run();
    CHECK(first_events.events == echoed);
    CHECK(second_events.events == echoed);
  }
  CHECK(native::TlsContextCache::built_in_process() - built_before == 1);

  // Another connection with the same options, after those closed: still that context.
  CHECK(echo_one_message(peer.url("/"), options, "again").events == echoed);
  CHECK(native::TlsContextCache::built_in_process() - built_before == 1);

  // The CA file now holds a certificate that did not sign the server's: refused.
  ca.write_from(certs.self_cert);
  auto refused = echo_one_message(peer.url("/"), options, "refused");
  CHECK(refused.events == failed);
  CHECK(refused.error_message.find("certificate verification failed") != std::string::npos);
  CHECK(native::TlsContextCache::built_in_process() - built_before == 2);

  // And back to the right CA: opens again, on a context built from the file as it is now.
  ca.write_from(certs.ca);
  CHECK(echo_one_message(peer.url("/"), options, "trusted again").events == echoed);
  CHECK(native::TlsContextCache::built_in_process() - built_before == 3);
}

}  // namespace duplex::test
