#include "session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <deque>
#include <memory>
#include <regex>
#include <type_traits>
#include <utility>

#include "duplex/duplex.hpp"
#include "duplex/native/asio_backend.hpp"
#include "exit_status.hpp"
#include "input_reader.hpp"
#include "interactive_commands.hpp"
#include "interactive_console.hpp"
#include "interrupts.hpp"
#include "output_format.hpp"
#include "session_output.hpp"

namespace duplex::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// One run of the client over a WebSocket, or with --reconnect a
/// ReconnectingWebSocket (the same API). Everything runs on the loop.
template <class Socket>
class Session {
  static constexpr bool reconnecting = std::is_same_v<Socket, ReconnectingWebSocket>;

 public:
  Session(boost::asio::io_context& io, native::AsioBackend& backend, const CliOptions& options, bool interactive)
      : io_(io),
        options_(options),
        output_(options),
        linger_timer_(io),
        session_timer_(io),
        socket_(make_socket(backend, options)),
        interrupts_(io, [this](int count) { on_interrupt(count); }) {
    end_.expected_codes = options.expected_close_codes;
    end_.wait_for_unmatched = options.wait_for.has_value();
    if (options.wait_for) pattern_.emplace(*options.wait_for);
    output_.note(Verbosity::verbose, "readyState CONNECTING " + socket_.url());
    listen();
    start_input(interactive);
    if (options.timeout) start_session_timer(*options.timeout);
  }

  const SessionEnd& end() const noexcept { return end_; }

 private:
  static Socket make_socket(native::AsioBackend& backend, const CliOptions& options) {
    if constexpr (reconnecting)
      return Socket(backend, options.url, options.protocols, options.connection, options.reconnect);
    else
      return Socket(backend, options.url, options.protocols, options.connection);
  }

  void listen() {
    socket_.binary_type(BinaryType::arraybuffer);
    socket_.onopen([this](const Event&) { on_open(); });
    socket_.onmessage([this](const MessageEvent& e) { on_message(e); });
    socket_.onerror([this](const ErrorEvent& e) { on_error(e); });
    socket_.onclose([this](const CloseEvent& e) { on_close(e); });
    socket_.onpong([this](const PongEvent& e) { output_.pong(e.payload(), e.round_trip_time()); });
    if constexpr (reconnecting) {
      socket_.onreconnecting([this](const ReconnectEvent& e) {
        end_.opened = false;  // the next connection's end decides
        end_.error = {};
        end_.http_status = 0;
        output_.note(Verbosity::normal, "reconnecting in " + std::to_string(e.delay().count()) + " ms (attempt " +
                                            std::to_string(e.attempt()) + ")");
      });
      socket_.ongiveup([this](const ReconnectEvent& e) {
        const bool final_code = e.code() && options_.reconnect.final_codes.contains(*e.code());
        output_.note(Verbosity::normal, final_code ? "not reconnecting after close code " + std::to_string(*e.code())
                                                   : "giving up after " + std::to_string(e.attempt()) + " attempts");
      });
    }
  }

  void start_input(bool interactive) {
    if (interactive) {
      console_ = std::make_unique<InteractiveConsole>(
          io_, [this](std::optional<std::string> line) { on_line(std::move(line)); });
      output_.use_console(console_.get());
      return;
    }
    const Framing framing = options_.file ? Framing::whole : options_.framing;
    input_ = std::make_unique<InputReader>(io_, Framer(framing, options_.crlf), options_.file.value_or(""),
                                           [this](std::optional<Frame> frame) { on_frame(std::move(frame)); });
  }

  void on_open() {
    end_.opened = true;
    output_.note(Verbosity::verbose,
                 "readyState OPEN protocol=\"" + socket_.protocol() + "\" extensions=\"" + socket_.extensions() + "\"");
    if (options_.show_headers) show_headers();
    if (console_) output_.note(Verbosity::normal, "connected to " + socket_.url() + " (/help lists the commands)");
    while (!pending_.empty()) {
      send(std::move(pending_.front()));
      pending_.pop_front();
    }
    for (auto commands = std::exchange(pending_commands_, {}); !commands.empty(); commands.pop_front()) {
      try {
        run_command(commands.front());
      } catch (const Error& e) {
        output_.console_line(e.what(), true);
      }
    }
    if (input_ended_) start_linger();
  }

  void show_headers() {
    try {
      if (const auto& response = socket_.handshake_response()) output_.handshake(*response);
    } catch (const Error& e) {  // NotSupportedError: a backend that hides it
      output_.note(Verbosity::normal, std::string("--show-headers: ") + e.what());
    }
  }

  // ---- Input -------------------------------------------------------------

  std::string input_name() const {
    const bool lines = options_.framing == Framing::lines && !options_.file && !console_;
    return (lines ? "input line " : "input message ") + std::to_string(input_count_);
  }

  void on_frame(std::optional<Frame> frame) {
    if (!frame) return on_input_end();
    ++input_count_;
    if (frame->stripped_cr && !cr_noted_) {
      cr_noted_ = true;
      output_.note(Verbosity::normal, input_name() + " ended in CR LF: the CR is removed from this and later lines "
                                                     "(--crlf keep sends it)");
    }
    auto decoded = decode_frame(std::move(frame->data), options_.input_encoding, options_.sends_binary());
    if (const auto* why = std::get_if<std::string>(&decoded)) return not_sent(input_name() + " is " + *why);
    submit(std::get<OutgoingMessage>(std::move(decoded)));
  }

  void on_input_end() {
    input_ended_ = true;
    if (socket_.ready_state() == ReadyState::OPEN) start_linger();
  }

  /// Sends now when open; keeps it for the open while connecting.
  void submit(OutgoingMessage message) {
    if (socket_.ready_state() == ReadyState::CONNECTING)
      pending_.push_back(std::move(message));
    else if (socket_.ready_state() == ReadyState::OPEN)
      send(std::move(message));
  }

  void send(OutgoingMessage message) {
    std::string shown = console_ ? message.data : std::string();
    try {
      if (message.binary)
        socket_.send(ArrayBuffer(std::move(message.data)));
      else
        socket_.send(std::move(message.data));
      output_.sent(message.binary, shown);
    } catch (const Error& e) {
      if (e.name() == "SyntaxError") return not_sent(input_name() + " is not valid UTF-8; not sent (use --binary)");
      not_sent(input_name() + " not sent: " + e.what());
    }
  }

  void not_sent(const std::string& why) {
    ++end_.unsent_messages;
    output_.note(Verbosity::quiet, why);
  }

  // ---- Interactive mode ----------------------------------------------------

  void on_line(std::optional<std::string> line) {
    if (!line) return on_input_end();
    ++input_count_;
    const Command command = parse_command(*line);
    // Typed ahead while connecting: run in order once open, as messages are
    // sent (a ping or close needs an open connection); Ctrl-C leaves at once.
    if (socket_.ready_state() == ReadyState::CONNECTING) return pending_commands_.push_back(command);
    try {
      run_command(command);
    } catch (const Error& e) {  // what the socket refuses: a bad close code, a ping payload over 125 bytes
      output_.console_line(e.what(), true);
    }
  }

  void run_command(const Command& command) {
    switch (command.kind) {
      case Command::Kind::text:
        if (auto decoded = decode_frame(command.data, options_.input_encoding, options_.sends_binary());
            auto* message = std::get_if<OutgoingMessage>(&decoded))
          return submit(std::move(*message));
        else
          return output_.console_line(std::get<std::string>(decoded), true);
      case Command::Kind::ping: return socket_.ping(command.data);
      case Command::Kind::close:
        return close(command.code, command.code ? std::optional<std::string>(command.reason) : std::nullopt);
      case Command::Kind::binary: return submit(OutgoingMessage{command.data, true});
      case Command::Kind::quit: return close();
      case Command::Kind::help: {
        std::string_view help = command_help();
        for (std::size_t end; !help.empty(); help.remove_prefix(std::min(end + 1, help.size()))) {
          end = help.find('\n');
          output_.console_line(help.substr(0, end), false);
        }
        return;
      }
      case Command::Kind::invalid: return output_.console_line(command.error, true);
    }
  }

  // ---- Received ------------------------------------------------------------

  void on_message(const MessageEvent& event) {
    last_message_ = Clock::now();
    const auto bytes = event.bytes();
    const std::string_view payload(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    output_.received(event.is_binary(), payload);
    ++received_;
    if (pattern_ && end_.wait_for_unmatched && std::regex_search(payload.begin(), payload.end(), *pattern_)) {
      end_.wait_for_unmatched = false;
      output_.note(Verbosity::verbose, "--wait-for matched");
      return close();
    }
    if (options_.count && received_ >= *options_.count) close();
  }

  void on_error(const ErrorEvent& event) {
    end_.error = event.error();
    end_.http_status = event.http_status();
    output_.note(Verbosity::quiet, "error: " + event.message());
    if (options_.show_headers && !end_.opened) show_headers();  // a refused handshake's answer
  }

  void on_close(const CloseEvent& event) {
    end_.closed = true;
    end_.was_clean = event.was_clean();
    end_.code = event.code();
    end_.reason = event.reason();
    end_.cause = event.cause();
    linger_timer_.cancel();
    output_.note(Verbosity::verbose, "readyState CLOSED");
    if constexpr (reconnecting)
      finish_if_closed();  // a reconnecting socket may try again
    else
      finish();
  }

  // ---- Ending --------------------------------------------------------------

  /// After input ends: wait until everything is sent and no reply has come for
  /// --linger, then close (replies arriving after close() are not delivered).
  /// With --count or --wait-for, those decide instead.
  void start_linger() {
    if (linger_started_ || options_.count || options_.wait_for) return;
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

  void start_session_timer(std::chrono::milliseconds timeout) {
    session_timer_.expires_after(timeout);
    session_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      end_.timed_out = true;
      output_.note(Verbosity::verbose, "--timeout expired");
      if (socket_.ready_state() == ReadyState::CLOSING) return drop();  // the closing handshake ran out of time too
      close();
    });
  }

  /// Starts the closing handshake (WHATWG § close(); while connecting it fails
  /// the connection) with `code` (default --close-code, else 1000) and
  /// `reason` (default --close-reason). Throws what WebSocket::close throws.
  void close(std::optional<std::uint16_t> code = {}, std::optional<std::string> reason = {}) {
    const ReadyState state = socket_.ready_state();
    if (state == ReadyState::CLOSING || state == ReadyState::CLOSED) return;
    const std::uint16_t sent = code.value_or(options_.close_code.value_or(1000));
    socket_.close(sent, reason.value_or(options_.close_reason));
    end_.sent_close_code = sent;
    output_.note(Verbosity::verbose, "readyState CLOSING");
    if constexpr (reconnecting) finish_if_closed();  // closed while waiting to retry: no close event follows
  }

  void on_interrupt(int count) {
    if (count > 1) {
      output_.note(Verbosity::normal, "interrupted again: dropping the connection");
      end_.dropped = true;
      return drop();
    }
    end_.interrupted = true;
    output_.note(Verbosity::normal, "interrupted: closing the connection (interrupt again to drop it)");
    close();
  }

  /// Leaves without waiting for the closing handshake: the loop stops and the
  /// socket is destroyed with it.
  void drop() {
    finish();
    io_.stop();
  }

  /// Once the loop has run what is queued: if the socket is CLOSED for good
  /// (not waiting to reconnect), finish.
  void finish_if_closed() {
    boost::asio::post(io_, [this] {
      if (socket_.ready_state() == ReadyState::CLOSED) finish();
    });
  }

  /// The connection has ended for good: stop everything that keeps the loop
  /// running, so io.run() returns.
  void finish() {
    if (finished_) return;
    finished_ = true;
    linger_timer_.cancel();
    session_timer_.cancel();
    interrupts_.stop();
    if (input_) input_->stop();
    if (console_) {
      console_->stop();
      output_.use_console(nullptr);
    }
  }

  boost::asio::io_context& io_;
  const CliOptions& options_;
  SessionOutput output_;
  boost::asio::steady_timer linger_timer_;
  boost::asio::steady_timer session_timer_;
  SessionEnd end_;
  std::optional<std::regex> pattern_;
  Socket socket_;
  InterruptWatcher interrupts_;
  std::unique_ptr<InputReader> input_;
  std::unique_ptr<InteractiveConsole> console_;
  std::deque<OutgoingMessage> pending_;  // input read before the connection opened
  std::deque<Command> pending_commands_;  // interactive: lines typed before it opened
  std::uint64_t input_count_ = 0;
  std::uint64_t received_ = 0;
  bool input_ended_ = false;
  bool linger_started_ = false;
  bool cr_noted_ = false;
  bool finished_ = false;
  Clock::time_point last_message_ = Clock::now();
};

template <class Socket>
SessionEnd run(const CliOptions& options, bool interactive) {
  boost::asio::io_context io(1);
  native::AsioBackend backend(io);
  Session<Socket> session(io, backend, options, interactive);
  io.run();
  return session.end();
}

}  // namespace

int run_session(const CliOptions& options, bool interactive) {
  const SessionEnd end =
      options.reconnect_enabled ? run<ReconnectingWebSocket>(options, interactive) : run<WebSocket>(options, interactive);
  const Outcome outcome = session_outcome(end);
  std::fflush(stdout);
  if (options.verbosity != Verbosity::quiet) {
    const std::string time =
        options.timestamps ? local_clock_time(std::chrono::system_clock::now()) + ' ' : std::string();
    std::fprintf(stderr, "%sduplex: %s\n", time.c_str(), outcome.last_word.c_str());
  }
  return outcome.status;
}

}  // namespace duplex::cli
