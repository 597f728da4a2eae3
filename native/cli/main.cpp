// duplex — a WebSocket client for the command line (think wscat / websocat),
// written against the same duplex::WebSocket API applications use.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <string>
#include <type_traits>
#include <vector>

#include "cli_options.hpp"
#include "console.hpp"
#include "duplex/close_code.hpp"
#include "duplex/duplex.hpp"
#include "duplex/native/asio_backend.hpp"
#include "line_reader.hpp"

namespace duplex::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string to_hex(std::span<const std::byte> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) hex += ' ';
    hex += digits[std::to_integer<unsigned>(bytes[i]) >> 4];
    hex += digits[std::to_integer<unsigned>(bytes[i]) & 0xF];
  }
  return hex;
}

/// One run of the client: the socket (a WebSocket, or with --reconnect a
/// ReconnectingWebSocket: the same API), standard input, and the exit status.
template <class Socket>
class Client {
  static constexpr bool reconnecting = std::is_same_v<Socket, ReconnectingWebSocket>;

 public:
  Client(boost::asio::io_context& io, native::AsioBackend& backend, const CliOptions& options)
      : options_(options),
        linger_timer_(io),
        socket_(make_socket(backend, options)),
        input_(io, [this](std::optional<std::string> line) { on_input(std::move(line)); }) {
    diagnose(Verbosity::verbose, "readyState CONNECTING " + socket_.url());
    socket_.binary_type(BinaryType::arraybuffer);
    socket_.onopen([this](const Event&) { on_open(); });
    socket_.onmessage([this](const MessageEvent& e) { on_message(e); });
    socket_.onerror([](const ErrorEvent& e) { std::cerr << "duplex: error: " << e.message() << std::endl; });
    socket_.onclose([this](const CloseEvent& e) { on_close(e); });
    if constexpr (reconnecting) {
      socket_.onreconnecting([this](const ReconnectEvent& e) {
        diagnose(Verbosity::normal, "reconnecting in " + std::to_string(e.delay().count()) + " ms (attempt " +
                                        std::to_string(e.attempt()) + ")");
      });
      socket_.ongiveup([this](const ReconnectEvent& e) {
        const bool final_code = e.code() && options_.reconnect.final_codes.count(*e.code()) > 0;
        diagnose(Verbosity::normal, final_code ? "not reconnecting after close code " + std::to_string(*e.code())
                                               : "giving up after " + std::to_string(e.attempt()) + " attempts");
        if (!final_code) exit_status_ = 1;
      });
    }
  }

  int exit_status() const noexcept { return exit_status_; }

 private:
  static Socket make_socket(native::AsioBackend& backend, const CliOptions& options) {
    if constexpr (reconnecting)
      return Socket(backend, options.url, options.protocols, options.connection, options.reconnect);
    else
      return Socket(backend, options.url, options.protocols, options.connection);
  }

  void diagnose(Verbosity level, const std::string& text) const {
    if (options_.verbosity >= level) std::cerr << "duplex: " << text << std::endl;
  }

  void on_open() {
    diagnose(Verbosity::verbose,
             "readyState OPEN protocol=\"" + socket_.protocol() + "\" extensions=\"" + socket_.extensions() + "\"");
    while (!pending_.empty()) {
      send_line(std::move(pending_.front()));
      pending_.pop_front();
    }
    if (input_ended_) start_linger();
  }

  void on_input(std::optional<std::string> line) {
    if (!line) {
      input_ended_ = true;
      if (socket_.ready_state() == ReadyState::OPEN) start_linger();
      return;
    }
    ++line_number_;
    if (socket_.ready_state() == ReadyState::CONNECTING)
      pending_.push_back(std::move(*line));
    else if (socket_.ready_state() == ReadyState::OPEN)
      send_line(std::move(*line));
  }

  void send_line(std::string line) {
    if (options_.send_binary) return socket_.send(ArrayBuffer(std::move(line)));
    try {
      socket_.send(std::move(line));
    } catch (const Error& e) {  // SyntaxError: not UTF-8
      std::cerr << "duplex: input line " << line_number_ << " is not valid UTF-8; not sent (use --binary)" << std::endl;
      exit_status_ = 1;
    }
  }

  void on_message(const MessageEvent& event) {
    last_message_ = Clock::now();
    if (event.is_text()) {
      std::cout << event.text() << '\n';
    } else if (options_.hex) {
      std::cout << to_hex(event.bytes()) << '\n';
    } else {
      std::cout.write(reinterpret_cast<const char*>(event.bytes().data()),
                      static_cast<std::streamsize>(event.bytes().size()));
      std::cout << '\n';
    }
    std::cout.flush();
    if (options_.count && ++received_ >= *options_.count) close();
  }

  /// After input ends: wait until everything is sent and no reply has come for
  /// `linger`, then close (replies arriving after close() are not delivered).
  void start_linger() {
    if (linger_started_) return;
    linger_started_ = true;
    last_message_ = Clock::now();
    check_linger();
  }

  void check_linger() {
    if (socket_.ready_state() != ReadyState::OPEN) {
      linger_started_ = false;  // a reconnecting socket lingers again once it reopens
      return;
    }
    const auto quiet_until = last_message_ + options_.linger;
    if (socket_.buffered_amount() == 0 && Clock::now() >= quiet_until) return close();
    linger_timer_.expires_at(std::max(quiet_until, Clock::now() + std::chrono::milliseconds(10)));
    linger_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) check_linger();
    });
  }

  void close() {
    if (socket_.ready_state() != ReadyState::OPEN) return;
    socket_.close(options_.close_code.value_or(1000), options_.close_reason);
    diagnose(Verbosity::verbose, "readyState CLOSING");
  }

  void on_close(const CloseEvent& event) {
    linger_timer_.cancel();
    if (!reconnecting) input_.stop();  // a reconnecting socket still takes lines for its next connection
    const std::string summary = "readyState CLOSED code=" + std::to_string(event.code()) + " reason=\"" +
                                event.reason() + "\" " + (event.was_clean() ? "clean" : "not clean");
    exit_status_ = event.was_clean() ? 0 : 1;  // the last connection's end decides
    diagnose(event.was_clean() ? Verbosity::verbose : Verbosity::normal, summary);
  }

  const CliOptions& options_;
  boost::asio::steady_timer linger_timer_;
  Socket socket_;
  LineReader input_;
  std::deque<std::string> pending_;  // lines read before the connection opened
  std::uint64_t line_number_ = 0;
  std::uint64_t received_ = 0;
  bool input_ended_ = false;
  bool linger_started_ = false;
  Clock::time_point last_message_ = Clock::now();
  int exit_status_ = 0;
};

/// Runs the client until its socket is closed for good; returns the exit status.
template <class Socket>
int run_client(const CliOptions& options) {
  boost::asio::io_context io(1);
  native::AsioBackend backend(io);
  Client<Socket> client(io, backend, options);
  io.run();
  return client.exit_status();
}

void check_close_options(const CliOptions& options) {
  if (options.close_code && !is_valid_api_close_code(*options.close_code))
    throw UsageError("--close-code must be 1000 or 3000-4999, not " + std::to_string(*options.close_code));
  if (options.close_reason.size() > 123) throw UsageError("--close-reason is longer than 123 bytes");
}

}  // namespace
}  // namespace duplex::cli

int main(int argc, char* argv[]) {
  using namespace duplex::cli;
  prepare_standard_streams();
  const std::vector<std::string> args = utf8_arguments(argc, argv);
  std::vector<const char*> arg_pointers;
  for (const std::string& arg : args) arg_pointers.push_back(arg.c_str());
  CliOptions options;
  try {
    options = parse_command_line(static_cast<int>(arg_pointers.size()), arg_pointers.data());
    check_close_options(options);
  } catch (const UsageError& e) {
    std::cerr << "duplex: " << e.what() << "\n(duplex --help lists the options)" << std::endl;
    return 2;
  }
  if (options.help) return std::fputs(usage_text(), stdout) < 0 ? 1 : 0;
  if (options.version) return std::puts("duplex 0.1.0") < 0 ? 1 : 0;
  if (options.connection.insecure_skip_certificate_verification)
    std::cerr << "duplex: WARNING: --insecure: server certificates are NOT verified; anyone on the path can read "
                 "and change this connection"
              << std::endl;

  try {
    return options.reconnect_enabled ? run_client<duplex::ReconnectingWebSocket>(options)
                                     : run_client<duplex::WebSocket>(options);
  } catch (const duplex::Error& e) {  // misuse the API refuses: a bad URL, protocol or header
    std::cerr << "duplex: " << e.what() << std::endl;
    return 2;
  }
}
