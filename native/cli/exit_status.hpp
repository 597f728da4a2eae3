#pragma once
// How a session ended, and what that makes of the exit status and the one
// line ("the last word") printed on stderr at the end.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <system_error>

namespace duplex::cli {

/// The exit statuses of `duplex` (listed in --help and the README).
enum ExitStatus : int {
  exit_ok = 0,              ///< clean close with 1000, 1001, 1005, an --expect-close code or our own code
  exit_not_done = 1,        ///< ended without what was asked: another close code, no --wait-for match, input not sent
  exit_usage = 2,           ///< a command line that cannot be run
  exit_connect_failed = 3,  ///< no connection: name, TCP, TLS, proxy, connect or open timeout
  exit_handshake_refused = 4,  ///< the server answered the upgrade with an HTTP status (or an invalid 101)
  exit_timeout = 5,            ///< --timeout expired
  exit_connection_lost = 6,    ///< an open connection ended without a clean closing handshake
};

/// What the session saw; filled in as events arrive.
struct SessionEnd {
  bool opened = false;        ///< the (last) connection opened
  std::error_code error;      ///< the last error event's duplex::errc; empty if none
  int http_status = 0;        ///< errc::handshake_status: the server's answer
  bool closed = false;        ///< a close event arrived
  bool was_clean = false;
  std::uint16_t code = 1006;
  std::string reason;
  std::error_code cause;                         ///< CloseEvent::cause()
  std::optional<std::uint16_t> sent_close_code;  ///< we started the closing handshake with this code
  std::set<std::uint16_t> expected_codes;        ///< --expect-close
  bool timed_out = false;                        ///< --timeout expired
  bool wait_for_unmatched = false;               ///< --wait-for given, nothing matched
  bool interrupted = false;                      ///< a signal started the close
  bool dropped = false;                          ///< a second signal dropped the connection
  std::uint64_t unsent_messages = 0;             ///< input not sent (not UTF-8, not hex or base64)
};

/// The exit status and the last word (without "duplex: " and newline).
struct Outcome {
  int status = exit_ok;
  std::string last_word;
};

/// Decides the exit status: the first that applies of a dropped connection
/// (6), --timeout (5), no connection (4 for a refused handshake, 1 when a
/// signal stopped the connecting, else 3), an unclean close (6), a close code
/// other than 1000, 1001, 1005, an expected one or the one we sent (1),
/// no --wait-for match or unsent input (1); else 0.
Outcome session_outcome(const SessionEnd& end);

/// A close code's name from the IANA registry (RFC 6455 §7.4.1), e.g.
/// "normal closure" for 1000; "" for codes without one.
const char* close_code_name(std::uint16_t code) noexcept;

}  // namespace duplex::cli
