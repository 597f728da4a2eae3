#pragma once
// Interactive input on a terminal: line editing and history (libedit), a
// prompt, and output printed above the line being typed.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
namespace duplex::cli {
/// True where a line editor is built in (POSIX with libedit); elsewhere
/// interactive mode falls back to plain lines with the same markers.
bool line_editor_available() noexcept;
/// Reads lines typed on the terminal for interactive mode and prints output
/// without garbling the line being edited.
class InteractiveConsole {
 public:
  /// `on_line` gets each line typed (without newline) and, once, std::nullopt
  /// at end of input (Ctrl-D); both are posted to `io`'s thread. History is kept
  /// for the session (up arrow recalls earlier lines).
  using Handler = std::function<void(std::optional<std::string>)>;
  /// Starts reading from standard input with `prompt` shown.
  InteractiveConsole(boost::asio::io_context& io, Handler on_line, std::string prompt = "> ");
  /// Stops reading and restores the terminal.
  ~InteractiveConsole();
  InteractiveConsole(const InteractiveConsole&) = delete;
  InteractiveConsole& operator=(const InteractiveConsole&) = delete;
  /// Prints `line` (a newline is added) above the prompt, keeping what is being
  /// typed; to stderr when `error`. Call on io's thread.
  void print(std::string_view line, bool error = false);
  /// Stops reading and restores the terminal; lines typed later are dropped.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
}  // namespace duplex::cli
