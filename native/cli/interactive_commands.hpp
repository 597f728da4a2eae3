#pragma once
// The commands of interactive mode: a typed line is either a slash command or
// a text message to send.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
namespace duplex::cli {
/// A line typed in interactive mode: a command, or text to send.
struct Command {
  /// What the line asks for.
  enum class Kind { text, ping, close, binary, quit, help, invalid };
  Kind kind = Kind::text;
  std::string data;  ///< text: the message ("//x" sends "/x"); ping: payload; binary: the decoded bytes
  std::optional<std::uint16_t> code;  ///< close: the code, if given
  std::string reason;                 ///< close: the reason, if given
  std::string error;                  ///< invalid: why (e.g. "/binary needs hex digits")
};
/// Parses "/ping [data]", "/close [code [reason]]", "/binary HEX", "/quit", "/help"; any other line is text
/// ("//x" is the text "/x"; an unknown "/word" is invalid, so a mistyped command is never sent).
Command parse_command(std::string_view line);
/// The /help text, one command per line.
const char* command_help() noexcept;
}  // namespace duplex::cli
