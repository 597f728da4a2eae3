// The slash commands of interactive mode. A line that starts with one "/" is a
// command; "//" escapes a text message that starts with "/".
#include "interactive_commands.hpp"

#include <charconv>

#include "duplex/close_code.hpp"

namespace duplex::cli {
namespace {

Command invalid(std::string why) {
  Command command;
  command.kind = Command::Kind::invalid;
  command.error = std::move(why);
  return command;
}

Command of_kind(Command::Kind kind, std::string data = {}) {
  Command command;
  command.kind = kind;
  command.data = std::move(data);
  return command;
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Command parse_ping(std::string_view payload) {
  // RFC 6455 §5.5: "All control frames MUST have a payload length of 125
  // bytes or less".
  if (payload.size() > 125) return invalid("/ping data is at most 125 bytes (RFC 6455 §5.5)");
  return of_kind(Command::Kind::ping, std::string(payload));
}

/// "/close", "/close CODE" or "/close CODE REASON" (the reason is the rest of
/// the line, spaces included).
Command parse_close(std::string_view arguments) {
  Command command = of_kind(Command::Kind::close);
  arguments = trim(arguments);
  if (arguments.empty()) return command;
  const std::size_t end = std::min(arguments.find_first_of(" \t"), arguments.size());
  const std::string_view digits = arguments.substr(0, end);
  unsigned value = 0;
  const auto [last, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || last != digits.data() + digits.size() || value > 0xFFFF)
    return invalid("/close needs a numeric code, not \"" + std::string(digits) + "\"");
  // WHATWG WebSockets § close(): "If code is present, but is neither an
  // integer equal to 1000 nor an integer in the range 3000 to 4999,
  // inclusive, throw an InvalidAccessError".
  if (!is_valid_api_close_code(static_cast<std::uint16_t>(value)))
    return invalid("/close code must be 1000 or 3000-4999, not " + std::string(digits));
  command.code = static_cast<std::uint16_t>(value);
  command.reason = std::string(trim(arguments.substr(end)));
  // WHATWG WebSockets § close(): "If reasonBytes is longer than 123 bytes,
  // then throw a SyntaxError".
  if (command.reason.size() > 123) return invalid("/close reason is longer than 123 bytes");
  return command;
}

/// "/binary HEX": pairs of hex digits, spaces between bytes allowed.
Command parse_binary(std::string_view hex) {
  std::string bytes;
  int high = -1;
  for (const char c : hex) {
    if (is_space(c)) {
      if (high >= 0) return invalid("/binary needs pairs of hex digits");
      continue;
    }
    const int value = hex_value(c);
    if (value < 0) return invalid(std::string("/binary needs hex digits, not '") + c + "'");
    if (high < 0) {
      high = value;
    } else {
      bytes += static_cast<char>(high << 4 | value);
      high = -1;
    }
  }
  if (high >= 0) return invalid("/binary needs pairs of hex digits");
  if (bytes.empty()) return invalid("/binary needs hex digits");
  return of_kind(Command::Kind::binary, std::move(bytes));
}

}  // namespace

Command parse_command(std::string_view line) {
  if (line.size() >= 2 && line.substr(0, 2) == "//") return of_kind(Command::Kind::text, std::string(line.substr(1)));
  if (line.empty() || line.front() != '/') return of_kind(Command::Kind::text, std::string(line));
  const std::size_t name_end = std::min(line.find_first_of(" \t"), line.size());
  const std::string_view name = line.substr(0, name_end);
  // The arguments start after the one space that ends the name: "/ping  x"
  // pings with " x".
  const std::string_view arguments = name_end < line.size() ? line.substr(name_end + 1) : std::string_view();
  if (name == "/ping") return parse_ping(arguments);
  if (name == "/close") return parse_close(arguments);
  if (name == "/binary") return parse_binary(arguments);
  if (name == "/quit" || name == "/help") {
    if (!trim(arguments).empty()) return invalid(std::string(name) + " takes no arguments");
    return of_kind(name == "/quit" ? Command::Kind::quit : Command::Kind::help);
  }
  return invalid("unknown command " + std::string(name) +
                 " (/help lists them; a message that starts with / is typed as //)");
}

const char* command_help() noexcept {
  return "/ping [data]            send a ping; its pong is shown with the round-trip time\n"
         "/close [code [reason]]  close the connection (code 1000 or 3000-4999)\n"
         "/binary HEX             send a binary message (hex digits, spaces between bytes allowed)\n"
         "/quit                   close the connection and leave\n"
         "/help                   show this list\n"
         "//text                  send the text message \"/text\"\n";
}

}  // namespace duplex::cli
