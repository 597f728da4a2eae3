// How a session's end becomes the exit status and the last word
// (native/cli/exit_status.hpp).
#include "exit_status.hpp"

#include <catch2/catch.hpp>

#include "duplex/errc.hpp"

namespace duplex::cli {
namespace {

SessionEnd clean_close(std::uint16_t code, std::string reason = {}) {
  SessionEnd end;
  end.opened = true;
  end.closed = true;
  end.was_clean = true;
  end.code = code;
  end.reason = std::move(reason);
  return end;
}

SessionEnd failed_connection(errc error, int http_status = 0) {
  SessionEnd end;
  end.error = make_error_code(error);
  end.http_status = http_status;
  end.closed = true;
  end.code = 1006;
  end.cause = make_error_code(error);
  return end;
}

}  // namespace

TEST_CASE("a clean close with 1000, 1001 or 1005 exits 0 and says so", "[cli][exit]") {
  for (std::uint16_t code : {1000, 1001, 1005}) {
    const Outcome outcome = session_outcome(clean_close(code));
    CHECK(outcome.status == exit_ok);
    CHECK(outcome.last_word.starts_with("closed code=" + std::to_string(code)));
    CHECK(outcome.last_word.ends_with(" clean"));
  }
  CHECK(session_outcome(clean_close(1000, "bye")).last_word == "closed code=1000 (normal closure) reason=\"bye\" clean");
}

TEST_CASE("another close code exits 1 unless expected or sent by us", "[cli][exit]") {
  SessionEnd end = clean_close(4001, "bye");
  Outcome outcome = session_outcome(end);
  CHECK(outcome.status == exit_not_done);
  CHECK(outcome.last_word.starts_with("closed code=4001 reason=\"bye\" clean; exit status 1: close code 4001"));
  CHECK(outcome.last_word.find("--expect-close 4001") != std::string::npos);

  const Outcome internal_error = session_outcome(clean_close(1011, "boom"));
  CHECK(internal_error.status == exit_not_done);
  CHECK(internal_error.last_word.starts_with("closed code=1011 (internal error) reason=\"boom\" clean"));

  end.expected_codes = {4001};
  CHECK(session_outcome(end).status == exit_ok);
  end.expected_codes.clear();
  end.sent_close_code = 4001;  // our --close-code, echoed by the server
  CHECK(session_outcome(end).status == exit_ok);
}

TEST_CASE("failures before the open: 4 for a refused handshake, 3 for the rest", "[cli][exit]") {
  const Outcome refused = session_outcome(failed_connection(errc::handshake_status, 403));
  CHECK(refused.status == exit_handshake_refused);
  CHECK(refused.last_word.find("not clean (handshake_status)") != std::string::npos);
  CHECK(refused.last_word.ends_with("handshake refused with HTTP 403"));
  CHECK(session_outcome(failed_connection(errc::handshake_invalid)).status == exit_handshake_refused);
  for (errc error : {errc::connection_refused, errc::name_resolution, errc::connect_timeout, errc::open_timeout,
                     errc::tls_certificate_expired, errc::proxy_refused, errc::unknown}) {
    const Outcome outcome = session_outcome(failed_connection(error));
    CHECK(outcome.status == exit_connect_failed);
    CHECK(outcome.last_word.find(std::string("(") + errc_name(error) + ")") != std::string::npos);
  }
  SessionEnd interrupted = failed_connection(errc::aborted);
  interrupted.interrupted = true;
  CHECK(session_outcome(interrupted).status == exit_not_done);
}

TEST_CASE("an open connection that ends without a clean close exits 6", "[cli][exit]") {
  SessionEnd dropped = clean_close(1006);
  dropped.was_clean = false;
  dropped.cause = make_error_code(errc::going_away);
  const Outcome outcome = session_outcome(dropped);
  CHECK(outcome.status == exit_connection_lost);
  CHECK(outcome.last_word ==
        "closed code=1006 (abnormal closure) reason=\"\" not clean (going_away); exit status 6: connection lost");
  SessionEnd too_big = clean_close(1009);
  too_big.was_clean = false;
  too_big.error = make_error_code(errc::message_too_big);
  CHECK(session_outcome(too_big).status == exit_connection_lost);
  CHECK(session_outcome(too_big).last_word.find("(message_too_big)") != std::string::npos);
}

TEST_CASE("a second interrupt and --timeout come first", "[cli][exit]") {
  SessionEnd end = clean_close(1000);
  end.timed_out = true;
  CHECK(session_outcome(end).status == exit_timeout);
  CHECK(session_outcome(end).last_word.ends_with("--timeout expired"));
  end.dropped = true;
  CHECK(session_outcome(end).status == exit_connection_lost);
}

TEST_CASE("a clean close still exits 1 without a --wait-for match or with unsent input", "[cli][exit]") {
  SessionEnd end = clean_close(1000);
  end.wait_for_unmatched = true;
  CHECK(session_outcome(end).status == exit_not_done);
  CHECK(session_outcome(end).last_word.ends_with("no message matched --wait-for"));
  end.wait_for_unmatched = false;
  end.unsent_messages = 2;
  CHECK(session_outcome(end).status == exit_not_done);
  CHECK(session_outcome(end).last_word.ends_with("2 input message(s) not sent"));
}

TEST_CASE("the reason is quoted as a JSON string", "[cli][exit]") {
  CHECK(session_outcome(clean_close(1000, "a \"b\"\n")).last_word.find("reason=\"a \\\"b\\\"\\n\"") !=
        std::string::npos);
}

}  // namespace duplex::cli
