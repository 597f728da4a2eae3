#pragma once
// Interactive input without a line editor: the terminal's own line editing
// (cooked mode), lines read on a thread of their own (line_reader.hpp), the
// prompt written again after each line and after each output line.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "line_reader.hpp"

namespace duplex::cli {

/// The plain counterpart of InteractiveConsole (same contract, no history):
/// where no line editor is built in, or standard input or output is not a
/// terminal.
class PlainLines {
 public:
  using Handler = std::function<void(std::optional<std::string>)>;
  /// Shows `prompt` and starts reading standard input.
  PlainLines(boost::asio::io_context& io, Handler on_line, std::string prompt);
  /// Writes `line` and a newline over the prompt, then the prompt again
  /// (after stop(): no prompt).
  void print(std::string_view line, bool error);
  /// Stops reading and blanks the prompt; no prompt is written after this.
  void stop();

 private:
  void show_prompt();

  std::string prompt_;
  Handler on_line_;
  bool stopped_ = false;
  bool prompt_shown_ = false;  // the cursor is after the prompt on its row
  LineReader reader_;          // last: its lines may arrive as soon as it starts
};

/// Writes `line` and a newline to standard output (standard error when
/// `error`) and flushes it.
void write_line(std::string_view line, bool error);

}  // namespace duplex::cli
