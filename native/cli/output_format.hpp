#pragma once
// How a received message is written to standard output (--output): as text
// lines, binary payloads as hex or base64, payloads as they are, or one JSON
// object per message for jq.

#include <chrono>
#include <string>
#include <string_view>

namespace duplex::cli {

/// The --output formats.
enum class OutputFormat {
  text,    ///< text as is, binary payload as is; a newline after each message
  hex,     ///< text as is, binary as spaced hex digits; a newline after each
  base64,  ///< text as is, binary as base64; a newline after each
  raw,     ///< every payload as is, nothing added (--raw-output)
  json,    ///< {"kind":...,"size":...,"time":...,"payload":...} and a newline (--json)
};

/// What stdout gets for one message with `payload` (UTF-8 text, or binary
/// bytes) received at `time`, its newline included where the format adds one.
std::string format_message(OutputFormat format, bool binary, std::string_view payload,
                           std::chrono::system_clock::time_point time);

/// `utf8` as a JSON string, quotes included (RFC 8259 §7: '"', '\\' and the
/// control characters U+0000-U+001F escaped; all else as is).
std::string json_string(std::string_view utf8);

/// `time` in UTC as RFC 3339 with milliseconds: "2024-05-01T12:34:56.789Z".
std::string utc_timestamp(std::chrono::system_clock::time_point time);

/// `time` in the local time zone as "12:34:56.789", for --timestamps.
std::string local_clock_time(std::chrono::system_clock::time_point time);

}  // namespace duplex::cli
