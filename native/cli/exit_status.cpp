#include "exit_status.hpp"

#include "duplex/errc.hpp"
#include "output_format.hpp"

namespace duplex::cli {
namespace {

std::string cause_name(std::error_code cause) {
  if (cause.category() == error_category()) return errc_name(static_cast<errc>(cause.value()));
  return cause.message();
}

// "closed code=1011 (internal error) reason="boom" clean"
std::string describe_close(const SessionEnd& end) {
  std::string text = "closed code=" + std::to_string(end.code);
  if (const char* name = close_code_name(end.code); *name != '\0') text += std::string(" (") + name + ")";
  text += " reason=" + json_string(end.reason);
  text += end.was_clean ? " clean" : " not clean";
  const std::error_code why = end.cause ? end.cause : end.error;
  if (!end.was_clean && why) text += " (" + cause_name(why) + ")";
  return text;
}

Outcome failed(int status, const SessionEnd& end, const std::string& why) {
  return {status, describe_close(end) + "; exit status " + std::to_string(status) + ": " + why};
}

// RFC 6455 §7.4.1: 1000 "normal closure", 1001 "going away"; 1005 "no status
// code was actually present" (a Close frame without a body), which a server
// ending normally may send too.
bool expected_code(const SessionEnd& end) {
  return end.code == 1000 || end.code == 1001 || end.code == 1005 || end.expected_codes.contains(end.code) ||
         (end.sent_close_code && *end.sent_close_code == end.code);
}

}  // namespace

Outcome session_outcome(const SessionEnd& end) {
  if (end.dropped) return failed(exit_connection_lost, end, "dropped after a second interrupt");
  if (end.timed_out) return failed(exit_timeout, end, "--timeout expired");
  if (!end.opened) {
    if (end.error == errc::handshake_status)
      return failed(exit_handshake_refused, end, "handshake refused with HTTP " + std::to_string(end.http_status));
    if (end.error == errc::handshake_invalid) return failed(exit_handshake_refused, end, "invalid handshake response");
    if (end.interrupted) return failed(exit_not_done, end, "interrupted before the connection opened");
    return failed(exit_connect_failed, end, "could not connect");
  }
  if (!end.closed || !end.was_clean) return failed(exit_connection_lost, end, "connection lost");
  if (!expected_code(end))
    return failed(exit_not_done, end,
                  "close code " + std::to_string(end.code) + " is not 1000, 1001 or 1005 (--expect-close " +
                      std::to_string(end.code) + " accepts it)");
  if (end.wait_for_unmatched) return failed(exit_not_done, end, "no message matched --wait-for");
  if (end.unsent_messages > 0)
    return failed(exit_not_done, end, std::to_string(end.unsent_messages) + " input message(s) not sent");
  return {exit_ok, describe_close(end)};
}

const char* close_code_name(std::uint16_t code) noexcept {
  switch (code) {
    case 1000: return "normal closure";
    case 1001: return "going away";
    case 1002: return "protocol error";
    case 1003: return "unsupported data";
    case 1005: return "no status";
    case 1006: return "abnormal closure";
    case 1007: return "invalid payload data";
    case 1008: return "policy violation";
    case 1009: return "message too big";
    case 1010: return "mandatory extension";
    case 1011: return "internal error";
    case 1012: return "service restart";
    case 1013: return "try again later";
    case 1014: return "bad gateway";
    case 1015: return "TLS handshake";
    default: return "";
  }
}

}  // namespace duplex::cli
