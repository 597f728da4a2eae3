#include "support/peers.hpp"

#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "support/test_paths.hpp"

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
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.open(boost::asio::ip::tcp::v4(), ec);
  if (!ec) socket.bind({boost::asio::ip::address_v4::loopback(), 0}, ec);
  const std::uint16_t port = ec ? 0 : socket.local_endpoint(ec).port();
  if (ec || port == 0) throw std::runtime_error("cannot bind a port on 127.0.0.1");
  return port;  // the socket closes: nothing listens there any more
}

namespace {

// An acceptor with the io_context it needs, owned by a SilentListener.
struct Listening {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io};
};

}  // namespace

SilentListener::SilentListener() {
  auto listening = std::make_shared<Listening>();
  boost::system::error_code ec;
  auto& acceptor = listening->acceptor;
  acceptor.open(boost::asio::ip::tcp::v4(), ec);
  if (!ec) acceptor.bind({boost::asio::ip::address_v4::loopback(), 0}, ec);
  if (!ec) acceptor.listen(8, ec);
  if (!ec) port_ = acceptor.local_endpoint(ec).port();
  if (ec) throw std::runtime_error("cannot listen on 127.0.0.1: " + ec.message());
  socket_ = std::move(listening);
}

SilentListener::~SilentListener() = default;

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
