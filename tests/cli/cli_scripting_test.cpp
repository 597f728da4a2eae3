// `duplex` in scripts: --count, --wait-for, --json (parsed here as jq would),
// --timestamps, --show-headers, and the library options that change what the
// server sees (--no-deflate, --origin, --idle-timeout).

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <regex>
#include <string>

#include "cli/cli_runner.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("duplex --count N exits 0 after N messages, input or not", "[cli][scripting]") {
  auto peer = start_ws_peer();
  auto run = run_cli("one\\ntwo\\nthree\\n", "--count 2 " + peer.url("/"));
  CHECK(run.output == "one\ntwo\nduplex: closed code=1000 (normal closure) reason=\"\" clean\n");
  CHECK(run.status == 0);
  // The server's one message comes without input: --count waits for it.
  auto headers = run_cli("", "-q -n 1 " + peer.url("/headers"));
  CHECK(headers.output.starts_with("{"));
  CHECK(headers.status == 0);
}

TEST_CASE("duplex --wait-for exits 0 at the first matching message, 1 if none matches", "[cli][scripting]") {
  auto peer = start_ws_peer();
  auto matched = run_cli("starting\\nstatus: ready 42\\nafter\\n", "-q --wait-for \"ready [0-9]+$\" " + peer.url("/"));
  CHECK(matched.output == "starting\nstatus: ready 42\n");
  CHECK(matched.status == 0);
  // The server closes (1000) before anything matched.
  auto unmatched = run_cli("", "--wait-for ready " + peer.url("/close/1000/done"));
  CHECK(unmatched.output.find("exit status 1: no message matched --wait-for") != std::string::npos);
  CHECK(unmatched.status == 1);
}

TEST_CASE("duplex --json writes one object per message for jq", "[cli][scripting]") {
  auto peer = start_ws_peer();
  auto run = run_cli_bytes("say \"hi\"\ttab\n\x01\x02\n", "-q --json " + peer.url("/"));
  const auto text_lines = lines_starting_with(run.output, "{");
  REQUIRE(text_lines.size() == 2);
  const auto first = boost::json::parse(text_lines[0]).as_object();
  CHECK(first.at("kind").as_string() == "text");
  CHECK(first.at("payload").as_string() == "say \"hi\"\ttab");
  CHECK(first.at("size").as_int64() == 12);
  const std::string time(first.at("time").as_string());
  CHECK(std::regex_match(time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(boost::json::parse(text_lines[1]).at("payload").as_string() == "\x01\x02");
  // Binary payloads are base64.
  auto binary = run_cli("AB\\n", "-q -b --json " + peer.url("/"));
  const auto object = boost::json::parse(binary.output).as_object();
  CHECK(object.at("kind").as_string() == "binary");
  CHECK(object.at("payload").as_string() == "QUI=");
  CHECK(object.at("size").as_int64() == 2);
}

TEST_CASE("duplex --timestamps puts the time before every line", "[cli][scripting]") {
  auto peer = start_ws_peer();
  auto run = run_cli("a\\nb\\n", "--timestamps " + peer.url("/"));
  CHECK(std::regex_match(run.output, std::regex(R"((\d\d:\d\d:\d\d\.\d{3} (a|b|duplex: closed .*)\n){3})")));
}

TEST_CASE("duplex --show-headers prints the handshake response, 101 or refused", "[cli][scripting]") {
  auto peer = start_ws_peer();
  auto accepted = run_cli("", "-q --show-headers " + peer.url("/cookies"));
  CHECK(accepted.output.starts_with("HTTP/1.1 101 Switching Protocols\n"));
  CHECK(accepted.output.find("\nSet-Cookie: session=abc; Path=/\n") != std::string::npos);
  CHECK(accepted.output.find("\nSet-Cookie: theme=dark\n") != std::string::npos);
  CHECK(accepted.output.find("\nX-Duplex-Test: yes\n") != std::string::npos);
  auto refused = run_cli("", "-q --show-headers " + peer.url("/status/403"));
  CHECK(refused.output.find("HTTP/1.1 403 Forbidden\n") != std::string::npos);
  CHECK(refused.output.find("\nSet-Cookie: refused=403\n") != std::string::npos);
  CHECK(refused.status == 4);
}

TEST_CASE("duplex --no-deflate does not offer permessage-deflate", "[cli][scripting]") {
  auto peer = start_ws_peer_deflate();
  auto offered = run_cli("x\\n", "-v " + peer.url("/"));
  CHECK(offered.output.find("extensions=\"permessage-deflate") != std::string::npos);
  auto refused = run_cli("x\\n", "-v --no-deflate " + peer.url("/"));
  CHECK(refused.output.find("extensions=\"\"") != std::string::npos);
  CHECK(refused.status == 0);
  // The server saw no offer either.
  auto headers = run_cli("", "-q -n 1 --no-deflate " + peer.url("/headers"));
  CHECK(headers.output.find("sec-websocket-extensions") == std::string::npos);
}

TEST_CASE("duplex --origin and --idle-timeout reach the connection", "[cli][scripting]") {
  auto peer = start_ws_peer();
  auto origin = run_cli("", "-q -n 1 --origin https://app.example " + peer.url("/headers"));
  CHECK(origin.output.find("\"origin\":\"https://app.example\"") != std::string::npos);
  // No message either way for 0.3 s: the library closes with 1000 "idle timeout".
  auto idle = run_cli("", "--idle-timeout 0.3 --wait-for never --timeout 20 " + peer.url("/"));
  CHECK(idle.output.find("closed code=1000 (normal closure) reason=\"idle timeout\" clean") != std::string::npos);
  CHECK(idle.status == 1);  // --wait-for never matched
}

TEST_CASE("duplex -v shows pongs with their round-trip time", "[cli][scripting]") {
  auto peer = start_ws_peer();
  auto run = run_cli("", "-v --ping-interval 0.1 --linger 400 " + peer.url("/"));
  CHECK(std::regex_search(run.output, std::regex(R"(duplex: pong \d+\.\d{3} ms\n)")));
  CHECK(run.status == 0);
}

}  // namespace duplex::test
