#include "session_output.hpp"

#include <cstdio>

#include "console.hpp"
#include "encoding.hpp"
#include "interactive_console.hpp"
#include "output_format.hpp"

namespace duplex::cli {
namespace {

using std::chrono::system_clock;

void write_all(std::FILE* stream, std::string_view bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), stream);
  std::fflush(stream);
}

// "12.345 ms"
std::string milliseconds_text(std::chrono::nanoseconds time) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f ms", static_cast<double>(time.count()) / 1e6);
  return text;
}

}  // namespace

void SessionOutput::line(std::string_view text, bool error) {
  std::string out;
  if (options_.timestamps) out = local_clock_time(system_clock::now()) + ' ';
  out += text;
  if (console_ != nullptr) return console_->print(out, error);
  out += '\n';
  if (error) std::fflush(stdout);  // what was printed before comes first
  write_all(error ? stderr : stdout, out);
}

void SessionOutput::received(bool binary, std::string_view payload) {
  if (console_ != nullptr) {
    const bool base64 = options_.output == OutputFormat::base64;
    return line("< " + (binary ? (base64 ? base64_encode(payload) : hex_encode(payload)) : std::string(payload)),
                false);
  }
  const OutputFormat format = options_.output;
  std::string text = format_message(format, binary, payload, system_clock::now());
  // Line formats: the time before the message; json carries its own, raw adds nothing.
  if (options_.timestamps && format != OutputFormat::raw && format != OutputFormat::json)
    text.insert(0, local_clock_time(system_clock::now()) + ' ');
  write_all(stdout, text);
}

void SessionOutput::sent(bool binary, std::string_view payload) {
  if (console_ == nullptr) return;
  // On a terminal the typed line stays on screen after its "> " prompt:
  // printing it again would show it twice. Piped input is not on screen.
  if (!binary && standard_streams_are_terminals()) return;
  line("> " + (binary ? "[binary] " + hex_encode(payload) : std::string(payload)), false);
}

void SessionOutput::pong(std::string_view payload, std::optional<std::chrono::nanoseconds> round_trip_time) {
  std::string text = "pong";
  if (!payload.empty()) text += ' ' + std::string(payload);
  text += round_trip_time ? ' ' + milliseconds_text(*round_trip_time) : std::string(" (unsolicited)");
  if (console_ != nullptr) return line("< " + text, false);
  note(Verbosity::verbose, text);
}

void SessionOutput::handshake(const HandshakeResponse& response) {
  line("HTTP/1.1 " + std::to_string(response.status) + ' ' + response.reason, true);
  for (const auto& [name, value] : response.headers) line(name + ": " + value, true);
}

void SessionOutput::note(Verbosity level, std::string_view text) {
  if (options_.verbosity < level) return;
  line("duplex: " + std::string(text), true);
}

void SessionOutput::console_line(std::string_view text, bool error) { line(text, error); }

}  // namespace duplex::cli
