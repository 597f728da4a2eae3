#include "support/proxies.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/test_paths.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace duplex::test {
namespace {

std::string find_program(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"}) {
    if (std::filesystem::exists(std::string(dir) + name)) return std::string(dir) + name;
  }
  throw std::runtime_error(name + " is not installed: run tools/setup.sh");
}

bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
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
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot bind a port on 127.0.0.1");
  return ntohs(address.sin_port);
}

ProxyPeer start_tinyproxy(const TinyproxyConfig& config) {
  const std::string program = find_program("tinyproxy");
  const std::string dir = make_temp_dir("tinyproxy");
  // tinyproxy reads its port from the configuration only: pick a free one.
  const std::uint16_t port = free_port();
  std::ofstream conf(dir + "/tinyproxy.conf");
  conf << "Port " << port << "\nListen 127.0.0.1\nBind " << proxy_source_address
       << "\nTimeout 30\nMaxClients 50\nAllow 127.0.0.1\n"
       << "LogLevel Critical\nLogFile \"" << dir << "/tinyproxy.log\"\nDisableViaHeader Yes\n";
  if (::geteuid() == 0) conf << "User nobody\nGroup nogroup\n";
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

ScopedEnv::ScopedEnv(std::string name, const std::string& value, bool unset) : name_(std::move(name)) {
  if (const char* old = std::getenv(name_.c_str())) {
    had_value_ = true;
    old_value_ = old;
  }
  if (unset)
    ::unsetenv(name_.c_str());
  else
    ::setenv(name_.c_str(), value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
  if (had_value_)
    ::setenv(name_.c_str(), old_value_.c_str(), 1);
  else
    ::unsetenv(name_.c_str());
}

}  // namespace duplex::test
