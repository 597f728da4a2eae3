#include "support/peers.hpp"

#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <utility>
#include <vector>

#include "support/test_paths.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace duplex::test {
namespace {

std::string peers_dir() { return source_dir() + "/tests/peers"; }

Peer start(std::vector<std::string> argv, bool tls) {
  PeerProcess process(std::move(argv));
  const std::uint16_t port = process.wait_for_port();
  return Peer{std::move(process), port, tls};
}

std::vector<std::string> ws_command() {
  if (!std::filesystem::exists(peers_dir() + "/node_modules/ws/package.json")) {
    throw std::runtime_error(peers_dir() + "/node_modules/ws is missing: run tools/setup.sh");
  }
  return {node_binary(), peers_dir() + "/ws_echo_server.js", "--exit-with-stdin"};
}

std::vector<std::string> python_command() {
  return {python_binary(), peers_dir() + "/python_echo_server.py", "--exit-with-stdin"};
}

// Owns the certificate directory and removes it at exit.
struct CertificateStore {
  TestCertificates files;

  CertificateStore() {
    const std::string dir = make_temp_dir("certs");
    const int rc = run_process({"/bin/bash", peers_dir() + "/make_certs.sh", dir});
    if (rc != 0) throw std::runtime_error("make_certs.sh failed with exit code " + std::to_string(rc));
    files = TestCertificates{dir,
                             dir + "/ca.pem",
                             dir + "/server.pem",
                             dir + "/server.key",
                             dir + "/wrong.pem",
                             dir + "/wrong.key",
                             dir + "/self.pem",
                             dir + "/self.key",
                             dir + "/client.pem",
                             dir + "/client.key",
                             dir + "/expired.pem",
                             dir + "/expired.key",
                             dir + "/otherip.pem",
                             dir + "/otherip.key",
                             dir + "/names.pem",
                             dir + "/names.key"};
  }
  ~CertificateStore() {
    std::error_code ignored;
    std::filesystem::remove_all(files.dir, ignored);
  }
  CertificateStore(const CertificateStore&) = delete;
  CertificateStore& operator=(const CertificateStore&) = delete;
};

}  // namespace

std::string Peer::url(std::string_view path) const {
  std::string out = tls ? "wss://localhost:" : "ws://127.0.0.1:";
  out += std::to_string(port);
  if (path.empty() || path.front() != '/') out += '/';
  out += path;
  return out;
}

Peer start_ws_peer() { return start(ws_command(), false); }

Peer start_ws_peer_on_port(std::uint16_t port) {
  auto argv = ws_command();
  argv.insert(argv.end(), {"--port", std::to_string(port)});
  return start(std::move(argv), false);
}

Peer start_ws_peer_with(std::vector<std::string> args, bool tls) {
  auto argv = ws_command();
  argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  return start(std::move(argv), tls);
}

Peer start_ws_peer_tls(const std::string& cert, const std::string& key, const std::string& client_ca) {
  auto argv = ws_command();
  argv.insert(argv.end(), {"--tls-cert", cert, "--tls-key", key});
  if (!client_ca.empty()) argv.insert(argv.end(), {"--tls-client-ca", client_ca});
  return start(std::move(argv), true);
}

Peer start_ws_peer_tls_up_to(const std::string& cert, const std::string& key, const std::string& max_version) {
  auto argv = ws_command();
  argv.insert(argv.end(), {"--tls-cert", cert, "--tls-key", key, "--tls-max-version", max_version});
  return start(std::move(argv), true);
}

Peer start_python_peer() { return start(python_command(), false); }

Peer start_ws_peer_deflate() {
  auto argv = ws_command();
  argv.push_back("--deflate");
  return start(std::move(argv), false);
}

Peer start_python_peer_deflate() {
  auto argv = python_command();
  argv.push_back("--deflate");
  return start(std::move(argv), false);
}

std::uint16_t refused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);  // nothing listens there any more
  if (!ok) throw std::runtime_error("cannot bind a port on 127.0.0.1");
  return ntohs(address.sin_port);
}

SilentListener::SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd_, 8) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
}

SilentListener::~SilentListener() { ::close(fd_); }

Peer start_python_peer_tls(const std::string& cert, const std::string& key) {
  auto argv = python_command();
  argv.insert(argv.end(), {"--tls-cert", cert, "--tls-key", key});
  return start(std::move(argv), true);
}

Peer start_hostile_peer() {
  return start({python_binary(), peers_dir() + "/hostile_server.py", "--exit-with-stdin"}, false);
}

const TestCertificates& test_certificates() {
  static const CertificateStore store;
  return store.files;
}

}  // namespace duplex::test
