// PeerProcess's line handling, the same on every platform; starting,
// reading and stopping are the platform's (child_process.hpp).

#include "support/peer_process.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>

#include "support/child_process.hpp"

namespace duplex::test {
namespace {

// Takes the first complete line out of `pending` (without "\n" or "\r\n").
std::optional<std::string> take_line(std::string& pending) {
  const auto eol = pending.find('\n');
  if (eol == std::string::npos) return std::nullopt;
  std::string line = pending.substr(0, eol);
  pending.erase(0, eol + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::string join_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

PeerProcess::PeerProcess(std::vector<std::string> argv) : argv_(std::move(argv)) {
  if (argv_.empty()) throw std::runtime_error("PeerProcess: empty command");
  child_ = start_child(argv_);
}

PeerProcess::PeerProcess(PeerProcess&& other) noexcept = default;

PeerProcess& PeerProcess::operator=(PeerProcess&& other) noexcept {
  if (this != &other) {
    stop();
    argv_ = std::move(other.argv_);
    child_ = std::move(other.child_);
    pending_ = std::move(other.pending_);
    port_ = std::exchange(other.port_, std::nullopt);
    wait_status_ = std::exchange(other.wait_status_, std::nullopt);
  }
  return *this;
}

PeerProcess::~PeerProcess() { stop(); }

std::string PeerProcess::command_line() const { return join_command(argv_); }

long PeerProcess::pid() const noexcept { return child_ ? child_->id() : -1; }

std::optional<int> PeerProcess::wait_status() const noexcept { return wait_status_; }

std::uint16_t PeerProcess::wait_for_port(std::chrono::milliseconds timeout) {
  if (port_) return *port_;
  if (!child_) throw std::runtime_error("wait_for_port: process not running: " + command_line());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  constexpr std::string_view marker = "LISTENING ";
  for (;;) {
    while (auto line = take_line(pending_)) {
      if (line->rfind(marker, 0) != 0) continue;
      int port = 0;
      try {
        port = std::stoi(line->substr(marker.size()));
      } catch (const std::exception&) {
        port = 0;
      }
      if (port <= 0 || port > 65535) throw std::runtime_error("bad port line '" + *line + "' from " + command_line());
      port_ = static_cast<std::uint16_t>(port);
      return *port_;
    }
    const auto read = child_->read(pending_, deadline);
    if (read == ChildProcess::Read::timeout) {
      throw std::runtime_error("timed out after " + std::to_string(timeout.count()) +
                               " ms waiting for 'LISTENING <port>' from " + command_line());
    }
    if (read == ChildProcess::Read::data) continue;
    // EOF: the child closed stdout, most likely because it exited.
    if (auto status = child_->wait_exit(std::chrono::seconds(2))) {
      wait_status_ = status;
      child_.reset();
      throw std::runtime_error(command_line() + " exited before listening: " + describe_wait_status(*status));
    }
    throw std::runtime_error(command_line() + " closed stdout before printing 'LISTENING <port>'");
  }
}

std::optional<std::string> PeerProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto line = take_line(pending_)) return line;
    if (!child_) return std::nullopt;
    // Timed out, or EOF: no further line.
    if (child_->read(pending_, deadline) != ChildProcess::Read::data) return std::nullopt;
  }
}

void PeerProcess::stop() noexcept {
  if (!child_) return;
  if (auto status = child_->stop()) wait_status_ = status;
  child_.reset();
}

}  // namespace duplex::test
