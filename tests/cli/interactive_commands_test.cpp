// The interactive mode's command parser: /ping, /close, /binary, /quit, /help
// and the text lines around them.
#include "interactive_commands.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace duplex::cli {
namespace {

using Kind = Command::Kind;

}  // namespace

TEST_CASE("a line without a leading slash is text, unchanged", "[cli][interactive]") {
  for (const std::string line : {"hello", "", " /ping", "a/b", "  spaces  ", "héllo"}) {
    INFO(line);
    const Command command = parse_command(line);
    CHECK(command.kind == Kind::text);
    CHECK(command.data == line);
  }
}

TEST_CASE("command // sends a text that starts with one slash", "[cli][interactive]") {
  CHECK(parse_command("//ping").kind == Kind::text);
  CHECK(parse_command("//ping").data == "/ping");
  CHECK(parse_command("//").data == "/");
  CHECK(parse_command("///x").data == "//x");
}

TEST_CASE("command /ping takes the rest of the line as its payload", "[cli][interactive]") {
  CHECK(parse_command("/ping").kind == Kind::ping);
  CHECK(parse_command("/ping").data.empty());
  CHECK(parse_command("/ping hello").data == "hello");
  CHECK(parse_command("/ping hello world").data == "hello world");
  CHECK(parse_command("/ping  x").data == " x");  // only the separating space is dropped
  CHECK(parse_command(std::string("/ping ") + std::string(125, 'p')).kind == Kind::ping);
}

TEST_CASE("command /ping refuses a payload over 125 bytes (RFC 6455 5.5)", "[cli][interactive]") {
  const Command command = parse_command(std::string("/ping ") + std::string(126, 'p'));
  CHECK(command.kind == Kind::invalid);
  CHECK(command.error.find("125") != std::string::npos);
}

TEST_CASE("command /close takes an optional code and an optional reason", "[cli][interactive]") {
  const Command bare = parse_command("/close");
  CHECK(bare.kind == Kind::close);
  CHECK_FALSE(bare.code);
  CHECK(bare.reason.empty());

  const Command code = parse_command("/close 4000");
  CHECK(code.kind == Kind::close);
  CHECK(code.code == std::uint16_t{4000});
  CHECK(code.reason.empty());

  const Command reason = parse_command("/close 4000 bye now");
  CHECK(reason.kind == Kind::close);
  CHECK(reason.code == std::uint16_t{4000});
  CHECK(reason.reason == "bye now");

  CHECK(parse_command("/close 1000").code == std::uint16_t{1000});
  CHECK(parse_command("/close 4999  spaced ").reason == "spaced");
}

TEST_CASE("command /close refuses codes close() would refuse and non-numbers", "[cli][interactive]") {
  for (const char* line : {"/close abc", "/close 40x0", "/close -1", "/close 70000", "/close 1001", "/close 2999",
                           "/close 5000", "/close 0"}) {
    INFO(line);
    const Command command = parse_command(line);
    CHECK(command.kind == Kind::invalid);
    CHECK_FALSE(command.error.empty());
  }
  const Command too_long = parse_command("/close 1000 " + std::string(124, 'r'));
  CHECK(too_long.kind == Kind::invalid);
  CHECK(too_long.error.find("123") != std::string::npos);
  CHECK(parse_command("/close 1000 " + std::string(123, 'r')).kind == Kind::close);
}

TEST_CASE("command /binary decodes hex digits, spaces between bytes allowed", "[cli][interactive]") {
  const Command command = parse_command("/binary 48656c6C6f");
  CHECK(command.kind == Kind::binary);
  CHECK(command.data == "Hello");
  CHECK(parse_command("/binary 00 ff 7F").data == std::string("\x00\xff\x7f", 3));
}

TEST_CASE("command /binary refuses odd, split or non-hex digits and an empty payload", "[cli][interactive]") {
  for (const char* line : {"/binary", "/binary ", "/binary 4", "/binary 4 8", "/binary zz", "/binary 0x41"}) {
    INFO(line);
    const Command command = parse_command(line);
    CHECK(command.kind == Kind::invalid);
    CHECK(command.error.find("/binary") == 0);
  }
  CHECK(parse_command("/binary").error == "/binary needs hex digits");
}

TEST_CASE("command /quit and /help take no arguments", "[cli][interactive]") {
  CHECK(parse_command("/quit").kind == Kind::quit);
  CHECK(parse_command("/help").kind == Kind::help);
  CHECK(parse_command("/help ").kind == Kind::help);
  CHECK(parse_command("/quit now").kind == Kind::invalid);
  CHECK(parse_command("/help me").kind == Kind::invalid);
}

TEST_CASE("an unknown slash command is refused, not sent", "[cli][interactive]") {
  for (const char* line : {"/pong", "/pingx", "/", "/ hello", "/Close 1000"}) {
    INFO(line);
    const Command command = parse_command(line);
    CHECK(command.kind == Kind::invalid);
    CHECK(command.error.find("unknown command") != std::string::npos);
  }
}

TEST_CASE("the help lists every command, one a line", "[cli][interactive]") {
  const std::string help = command_help();
  for (const char* name : {"/ping", "/close", "/binary", "/quit", "/help", "//"}) {
    INFO(name);
    CHECK((help.find(std::string("\n") + name) != std::string::npos || help.rfind(name, 0) == 0));
  }
  CHECK(help.back() == '\n');
}

}  // namespace duplex::cli
