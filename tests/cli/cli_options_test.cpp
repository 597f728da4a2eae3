// The command line's options (native/cli/cli_options.hpp): each flag lands in
// its duplex::Options field or session setting; bad values are usage errors.
#include "cli_options.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace duplex::cli {
namespace {

CliOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "duplex");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("every library option has its flag", "[cli][options]") {
  using namespace std::chrono_literals;
  const CliOptions o = parse({"--no-deflate", "--connect-timeout", "1.5", "--open-timeout", "2", "--close-timeout",
                              "0.25", "--idle-timeout", "60", "--max-message", "1024", "--origin", "https://a.example",
                              "--proxy", "socks5h://127.0.0.1:1080", "--ping-interval", "3", "--pong-timeout", "4",
                              "ws://x/"});
  CHECK_FALSE(o.connection.permessage_deflate);
  CHECK(o.connection.connect_timeout == 1500ms);
  CHECK(o.connection.open_timeout == 2000ms);
  CHECK(o.connection.close_timeout == 250ms);
  CHECK(o.connection.idle_timeout == 60000ms);
  CHECK(o.connection.max_message_size == 1024);
  CHECK(o.connection.origin == "https://a.example");
  CHECK(o.connection.proxy == "socks5h://127.0.0.1:1080");
  CHECK(o.connection.ping_interval == 3000ms);
  CHECK(o.connection.pong_timeout == 4000ms);
  CHECK(o.url == "ws://x/");
  const CliOptions defaults = parse({"ws://x/"});
  CHECK(defaults.connection.permessage_deflate);
  CHECK(defaults.connection.idle_timeout == 0ms);
  CHECK_FALSE(defaults.timeout);
}

TEST_CASE("input, output and ending flags", "[cli][options]") {
  const CliOptions o = parse({"-0", "--input", "base64", "--crlf", "keep", "--json", "--timestamps", "--show-headers",
                              "--expect-close", "4001", "--expect-close", "1011", "--wait-for", "^ok", "--timeout",
                              "2.5", "--no-interactive", "ws://x/"});
  CHECK(o.framing == Framing::nul);
  CHECK(o.input_encoding == InputEncoding::base64);
  CHECK(o.sends_binary());  // decoded input goes out as binary by default
  CHECK(o.crlf == CrlfMode::keep);
  CHECK(o.output == OutputFormat::json);
  CHECK(o.timestamps);
  CHECK(o.show_headers);
  CHECK(o.expected_close_codes == std::set<std::uint16_t>{1011, 4001});
  CHECK(o.wait_for == "^ok");
  CHECK(o.timeout == std::chrono::milliseconds(2500));
  CHECK(o.interactive == false);
  CHECK(parse({"--input", "hex", "--text", "ws://x/"}).sends_binary() == false);
  CHECK(parse({"-b", "ws://x/"}).sends_binary());
  CHECK_FALSE(parse({"ws://x/"}).sends_binary());
  CHECK(parse({"--file", "-", "ws://x/"}).file == "-");
  CHECK(parse({"-x", "ws://x/"}).output == OutputFormat::hex);
  CHECK(parse({"--base64", "ws://x/"}).output == OutputFormat::base64);
  // --hex and --base64 read and print the encoding; -x only prints it.
  CHECK(parse({"--base64", "ws://x/"}).input_encoding == InputEncoding::base64);
  CHECK(parse({"--hex", "ws://x/"}).input_encoding == InputEncoding::hex);
  CHECK(parse({"--hex", "ws://x/"}).output == OutputFormat::hex);
  CHECK(parse({"-x", "ws://x/"}).input_encoding == InputEncoding::none);
  CHECK(parse({"--raw-output", "ws://x/"}).output == OutputFormat::raw);
  CHECK(parse({"--output", "raw", "ws://x/"}).output == OutputFormat::raw);
  CHECK(parse({"-i", "ws://x/"}).interactive == true);
}

TEST_CASE("values and combinations that cannot run are usage errors", "[cli][options]") {
  const std::vector<std::vector<std::string>> bad = {
      {"--crlf", "lf", "ws://x/"},           {"--input", "octal", "ws://x/"},
      {"--output", "xml", "ws://x/"},        {"--expect-close", "999", "ws://x/"},
      {"--wait-for", "(", "ws://x/"},        {"--file", "f", "-0", "ws://x/"},
      {"--file", "f", "-i", "ws://x/"},      {"--close-code", "1005", "ws://x/"},
      {"--connect-timeout", "0", "ws://x/"}, {"--idle-timeout", "soon", "ws://x/"},
      {"--timeout", "-1", "ws://x/"},        {"--count", "0", "ws://x/"},
      {"--file"},                            {"ws://x/", "ws://y/"},
      {}};
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& a : args) joined += a + ' ';
    INFO(joined);
    CHECK_THROWS_AS(parse(args), UsageError);
  }
  CHECK_NOTHROW(parse({"--help"}));
}

}  // namespace duplex::cli
