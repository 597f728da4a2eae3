// What `duplex` sends: a whole file as one message, NUL-separated records,
// hex and base64 input, CR LF handling; checked by what the npm `ws` peer
// echoes or reports (/wire-size: the bytes each message took on the wire).

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>

#include "cli/cli_runner.hpp"
#include "encoding.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

std::string random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  return bytes;
}

// FNV-1a, 64 bits: a checksum to compare payloads by.
std::uint64_t checksum(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

std::string write_temp_file(const std::string& name, const std::string& bytes) {
  const std::string path = make_temp_dir("duplex-cli") + "/" + name;
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace

TEST_CASE("duplex --file sends a 1 MiB file as one message, read back identical", "[cli][input]") {
  const std::string bytes = random_bytes(1024 * 1024, 1);
  const std::string path = write_temp_file("random.bin", bytes);
  auto peer = start_ws_peer();
  SECTION("the server receives one message") {
    auto run = run_cli("", "-q -b --file " + path + " " + peer.url("/wire-size"));
    // One answer: one message, in frames of 1 MiB of payload and their headers.
    const auto lines = lines_starting_with(run.output, "");
    REQUIRE(lines.size() == 1);
    const auto wire = std::stoull(lines[0]);
    CHECK(wire >= bytes.size());
    CHECK(wire < bytes.size() + 1024);
    CHECK(run.status == 0);
  }
  SECTION("--json: one binary message of that size and checksum") {
    auto run = run_cli("", "-q -b --file " + path + " --json " + peer.url("/"));
    const auto lines = lines_starting_with(run.output, "{");
    REQUIRE(lines.size() == 1);
    const auto message = boost::json::parse(lines[0]).as_object();
    CHECK(message.at("kind").as_string() == "binary");
    CHECK(message.at("size").as_int64() == 1024 * 1024);
    const auto payload = cli::base64_decode(std::string(message.at("payload").as_string()));
    REQUIRE(payload);
    CHECK(checksum(*payload) == checksum(bytes));
    CHECK(run.status == 0);
  }
  SECTION("--raw-output: the payload exactly, nothing added") {
    auto run = run_cli("", "-q -b --file " + path + " --raw-output " + peer.url("/"));
    CHECK(run.output.size() == bytes.size());
    CHECK(checksum(run.output) == checksum(bytes));
    CHECK(run.output == bytes);
    CHECK(run.status == 0);
  }
}

TEST_CASE("duplex --file - sends all of standard input as one message", "[cli][input]") {
  auto peer = start_ws_peer();
  const std::string bytes = random_bytes(100, 2) + "\n\r\n" + random_bytes(100, 3);
  auto run = run_cli_bytes(bytes, "-q -b --file - --raw-output " + peer.url("/"));
  CHECK(run.output == bytes);
  // Lines, by contrast, split it wherever a newline falls.
  auto lines = run_cli_bytes(bytes, "-q -b --json " + peer.url("/"));
  CHECK(lines_starting_with(lines.output, "{").size() > 1);
}

TEST_CASE("duplex -0 sends NUL-separated records, newlines stay inside", "[cli][input]") {
  auto peer = start_ws_peer();
  auto run = run_cli_bytes(std::string("first\nline\0second\r\n\0last", 24), "-q -0 --json " + peer.url("/"));
  const auto lines = lines_starting_with(run.output, "{");
  REQUIRE(lines.size() == 3);
  CHECK(boost::json::parse(lines[0]).at("payload").as_string() == "first\nline");
  CHECK(boost::json::parse(lines[1]).at("payload").as_string() == "second\r\n");
  CHECK(boost::json::parse(lines[2]).at("payload").as_string() == "last");
  CHECK(boost::json::parse(lines[0]).at("kind").as_string() == "text");
  CHECK(run.status == 0);
}

TEST_CASE("duplex --base64 / --hex decode what is read and encode what is printed", "[cli][input]") {
  auto peer = start_ws_peer();
  const std::string bytes = random_bytes(300, 4);
  const std::string encoded = cli::base64_encode(bytes);
  SECTION("base64 round trip") {
    auto run = run_cli_bytes(encoded + "\n" + cli::base64_encode(std::string("\0\n", 2)) + "\n",
                             "-q --base64 " + peer.url("/"));
    CHECK(run.output == encoded + "\nAAo=\n");
    CHECK(run.status == 0);
  }
  SECTION("a file of wrapped base64 (as base64(1) writes it) is one message") {
    std::string wrapped;
    for (std::size_t i = 0; i < encoded.size(); i += 76) wrapped += encoded.substr(i, 76) + "\n";
    const std::string path = write_temp_file("payload.b64", wrapped);
    auto run = run_cli("", "-q --file " + path + " --input base64 --raw-output " + peer.url("/"));
    CHECK(run.output == bytes);
  }
  SECTION("hex round trip") {
    auto run = run_cli("00 01 fe FF\\n4142\\n", "-q --hex " + peer.url("/"));
    CHECK(run.output == "00 01 fe ff\n41 42\n");
  }
  SECTION("input that does not decode is not sent, and the status says so") {
    auto run = run_cli("aGk=\\nnot base64!\\naGk=\\n", "--input base64 --text " + peer.url("/"));
    CHECK(run.output.find("hi\nhi\n") != std::string::npos);
    CHECK(run.output.find("duplex: input line 2 is not base64") != std::string::npos);
    CHECK(run.output.find("exit status 1: 1 input message(s) not sent") != std::string::npos);
    CHECK(run.status == 1);
  }
}

TEST_CASE("duplex strips CR before LF with a note once, or keeps it with --crlf keep", "[cli][input]") {
  auto peer = start_ws_peer();
  auto stripped = run_cli_bytes("one\r\ntwo\r\n", "--json " + peer.url("/"));
  CHECK(stripped.output.find("duplex: input line 1 ended in CR LF: the CR is removed") != std::string::npos);
  CHECK(lines_starting_with(stripped.output, "duplex: input line").size() == 1);  // once
  const auto objects = lines_starting_with(stripped.output, "{");
  REQUIRE(objects.size() == 2);
  CHECK(boost::json::parse(objects[1]).at("payload").as_string() == "two");
  auto kept = run_cli_bytes("one\r\n", "--json --crlf keep " + peer.url("/"));
  CHECK(kept.output.find("CR LF") == std::string::npos);
  const auto kept_objects = lines_starting_with(kept.output, "{");
  REQUIRE(kept_objects.size() == 1);
  CHECK(boost::json::parse(kept_objects[0]).at("payload").as_string() == "one\r");
}

TEST_CASE("duplex refuses to send a line that is not UTF-8 as text", "[cli][input]") {
  auto peer = start_ws_peer();
  auto run = run_cli("ok\\n\\377\\n", peer.url("/"));
  CHECK(lines_starting_with(run.output, "ok").size() == 1);
  CHECK(run.output.find("input line 2 is not valid UTF-8; not sent (use --binary)") != std::string::npos);
  CHECK(run.status == 1);
}

}  // namespace duplex::test
