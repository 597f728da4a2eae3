#pragma once
// Command-line options of the `duplex` client.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "duplex/options.hpp"
#include "duplex/reconnecting_websocket.hpp"

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
  Options connection;                       ///< headers, origin, TLS files, timeouts, limits
  bool send_binary = false;                 ///< stdin lines go out as binary messages
  bool hex = false;                         ///< print binary messages as hex
  std::optional<std::uint16_t> close_code;  ///< sent at end of input (none: no status)
  std::string close_reason;
  std::optional<std::uint64_t> count;     ///< close after this many messages received
  std::chrono::milliseconds linger{500};  ///< quiet time awaited for replies after input ends
  bool reconnect_enabled = false;         ///< --reconnect: a ReconnectingWebSocket
  ReconnectOptions reconnect;             ///< its backoff, attempts and final codes
  Verbosity verbosity = Verbosity::normal;
  bool help = false;
  bool version = false;
};

/// Parses argv. Throws UsageError for unknown options, missing values, bad numbers.
CliOptions parse_command_line(int argc, const char* const argv[]);

/// The --help text.
const char* usage_text();

}  // namespace duplex::cli
