#include "support/proxies.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "support/test_paths.hpp"

#ifdef _WIN32
#include <stdlib.h>  // _putenv_s
#else
#include <unistd.h>  // geteuid
#endif

namespace duplex::test {
namespace {

using tcp = boost::asio::ip::tcp;

// The proxies are the machine's Unix programs (under Wine too).
std::string find_program(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"}) {
    const std::string path = local_path(std::string(dir) + name);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return path;
  }
  throw std::runtime_error(name + " is not installed: run tools/setup.sh");
}

bool accepts_connections(std::uint16_t port) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::address_v4::loopback(), port}, ec);
  return !ec;
}

// Whether the proxy runs as root and so must be told to drop to nobody.
bool proxy_runs_as_root() {
#ifdef _WIN32
  // Under Wine the proxy runs as the Unix user Wine runs as.
  const char* user = std::getenv("USER");
  return running_under_wine() && user != nullptr && std::string(user) == "root";
#else
  return ::geteuid() == 0;
#endif
}

// The proxies print no "LISTENING" line: poll the port until it accepts.
void wait_until_listening(PeerProcess& process, std::uint16_t port) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts_connections(port)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error(process.command_line() + " did not listen on port " + std::to_string(port));
}

}  // namespace

ProxyPeer::ProxyPeer(PeerProcess p, std::uint16_t port_, std::string dir_)
    : process(std::move(p)), port(port_), dir(std::move(dir_)) {}

ProxyPeer::~ProxyPeer() {
  process.stop();
  if (!dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

std::string ProxyPeer::url(const std::string& scheme, const std::string& user, const std::string& password) const {
  std::string out = scheme + "://";
  if (!user.empty()) out += user + ":" + password + "@";
  return out + "127.0.0.1:" + std::to_string(port);
}

std::uint16_t free_port() {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(tcp::v4(), ec);
  if (!ec) acceptor.bind({boost::asio::ip::address_v4::loopback(), 0}, ec);
  const std::uint16_t port = ec ? 0 : acceptor.local_endpoint(ec).port();
  if (ec || port == 0) throw std::runtime_error("cannot bind a port on 127.0.0.1");
  return port;
}

ProxyPeer start_tinyproxy(const TinyproxyConfig& config) {
  const std::string program = find_program("tinyproxy");
  const std::string dir = make_temp_dir("tinyproxy");
  // tinyproxy reads its port from the configuration only: pick a free one.
  const std::uint16_t port = free_port();
  std::ofstream conf(dir + "/tinyproxy.conf", std::ios::binary);  // LF line ends: tinyproxy rejects CRLF
  conf << "Port " << port << "\nListen 127.0.0.1\nBind " << proxy_source_address
       << "\nTimeout 30\nMaxClients 50\nAllow 127.0.0.1\n"
       << "LogLevel Critical\nLogFile \"" << peer_path(dir) << "/tinyproxy.log\"\nDisableViaHeader Yes\n";
  if (proxy_runs_as_root()) conf << "User nobody\nGroup nogroup\n";
  if (!config.user.empty()) conf << "BasicAuth " << config.user << " " << config.password << "\n";
  if (config.only_connect_port != 0) conf << "ConnectPort " << config.only_connect_port << "\n";
  conf.close();
  std::filesystem::permissions(dir, std::filesystem::perms::all, std::filesystem::perm_options::add);
  PeerProcess process({program, "-d", "-c", dir + "/tinyproxy.conf"});
  wait_until_listening(process, port);
  return ProxyPeer(std::move(process), port, dir);
}

ProxyPeer start_microsocks(const std::string& user, const std::string& password) {
  const std::uint16_t port = free_port();
  std::vector<std::string> argv = {find_program("microsocks"), "-i", "127.0.0.1", "-p", std::to_string(port)};
  argv.insert(argv.end(), {"-b", proxy_source_address});
  if (!user.empty()) argv.insert(argv.end(), {"-u", user, "-P", password});
  PeerProcess process(std::move(argv));
  wait_until_listening(process, port);
  return ProxyPeer(std::move(process), port);
}

Peer start_ws_peer_behind_proxy(bool tls) {
  std::vector<std::string> args = {"--only-from", proxy_source_address};
  if (tls) {
    const auto& certs = test_certificates();
    args.insert(args.end(), {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key});
  }
  return start_ws_peer_with(std::move(args), tls);
}

namespace {

void set_variable(const std::string& name, const std::string& value) {
#ifdef _WIN32
  ::_putenv_s(name.c_str(), value.c_str());
#else
  ::setenv(name.c_str(), value.c_str(), 1);
#endif
}

void unset_variable(const std::string& name) {
#ifdef _WIN32
  ::_putenv_s(name.c_str(), "");  // an empty value removes it there
#else
  ::unsetenv(name.c_str());
#endif
}

}  // namespace

ScopedEnv::ScopedEnv(std::string name, const std::string& value, bool unset) : name_(std::move(name)) {
  if (const char* old = std::getenv(name_.c_str())) {
    had_value_ = true;
    old_value_ = old;
  }
  if (unset)
    unset_variable(name_);
  else
    set_variable(name_, value);
}

ScopedEnv::~ScopedEnv() {
  if (had_value_)
    set_variable(name_, old_value_);
  else
    unset_variable(name_);
}

}  // namespace duplex::test
