#pragma once
// Everything a session prints: received messages on standard output in the
// --output format, diagnostics on standard error, and in interactive mode
// both through the InteractiveConsole with `< ` / `> ` markers.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cli_options.hpp"
#include "duplex/handshake_response.hpp"

namespace duplex::cli {

class InteractiveConsole;

/// Formats and writes a session's output; used from the event loop only.
class SessionOutput {
 public:
  explicit SessionOutput(const CliOptions& options) : options_(options) {}

  /// Interactive mode: from now on lines go through `console` (nullptr: the
  /// standard streams again, e.g. once the console has stopped).
  void use_console(InteractiveConsole* console) noexcept { console_ = console; }

  /// A message received: stdout in the --output format; interactive: `< `
  /// and the text (binary payloads as hex, or base64 with --base64).
  void received(bool binary, std::string_view payload);
  /// A message sent; shown in interactive mode only, as `> ` and the text.
  void sent(bool binary, std::string_view payload);
  /// A Pong: interactive `< pong <payload> <rtt> ms`; otherwise with -v on stderr.
  void pong(std::string_view payload, std::optional<std::chrono::nanoseconds> round_trip_time);
  /// The opening handshake's response, status line and fields (--show-headers).
  void handshake(const HandshakeResponse& response);
  /// "duplex: <text>" on stderr when the verbosity is at least `level`.
  void note(Verbosity level, std::string_view text);
  /// A line of interactive mode's own (help text, a command's error).
  void console_line(std::string_view text, bool error);

 private:
  /// Writes one line (a newline is added), --timestamps prefixed.
  void line(std::string_view text, bool error);

  const CliOptions& options_;
  InteractiveConsole* console_ = nullptr;
};

}  // namespace duplex::cli
