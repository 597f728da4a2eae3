#pragma once
// Command-line options of the `duplex` client.

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "duplex/options.hpp"
#include "duplex/reconnecting_websocket.hpp"
#include "input_framing.hpp"
#include "output_format.hpp"

namespace duplex::cli {

/// A command line that cannot be run; the message says why (exit status 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Verbosity { quiet, normal, verbose };

/// Everything the command line asks for.
struct CliOptions {
  std::string url;
  std::vector<std::string> protocols;
  Options connection;  ///< headers, origin, TLS files, proxy, timeouts, limits, deflate

  // Input: how standard input (or --file) becomes messages.
  Framing framing = Framing::lines;
  CrlfMode crlf = CrlfMode::strip;
  InputEncoding input_encoding = InputEncoding::none;
  std::optional<bool> binary;       ///< -b / --text; unset: binary exactly when the input is hex or base64
  std::optional<std::string> file;  ///< --file PATH: the whole file is one message ("-": standard input)
  std::optional<bool> interactive;  ///< --interactive / --no-interactive; unset: when both streams are terminals

  // Output.
  OutputFormat output = OutputFormat::text;
  bool timestamps = false;    ///< --timestamps: a local time before every line printed
  bool show_headers = false;  ///< --show-headers: the handshake response on stderr

  // Closing and ending.
  std::optional<std::uint16_t> close_code;  ///< sent when we close (none: 1000)
  std::string close_reason;
  std::set<std::uint16_t> expected_close_codes;  ///< --expect-close: also exit 0 after these
  std::optional<std::uint64_t> count;            ///< close after this many messages received
  std::optional<std::string> wait_for;           ///< close (exit 0) once a message matches this ECMAScript regex
  std::optional<std::chrono::milliseconds> timeout;  ///< --timeout: the whole session
  std::chrono::milliseconds linger{500};             ///< quiet time awaited for replies after input ends
  bool reconnect_enabled = false;                    ///< --reconnect: a ReconnectingWebSocket
  ReconnectOptions reconnect;                        ///< its backoff, attempts and final codes

  Verbosity verbosity = Verbosity::normal;
  bool help = false;
  bool version = false;

  /// Whether input messages go out as binary messages.
  bool sends_binary() const noexcept { return binary.value_or(input_encoding != InputEncoding::none); }
};

/// Parses argv. Throws UsageError for unknown options, missing values, bad
/// numbers, and combinations that cannot be run (check_options()).
CliOptions parse_command_line(int argc, const char* const argv[]);

/// Throws UsageError for values the session would refuse: a close code the
/// API refuses, a reason over 123 bytes, a bad --wait-for pattern, --file
/// with -0.
void check_options(const CliOptions& options);

/// The --help text.
const char* usage_text();

}  // namespace duplex::cli
