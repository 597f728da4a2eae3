#include "duplex/subprotocol.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "duplex/error.hpp"

using duplex::validate_protocols;

namespace {

std::string error_name(const std::vector<std::string>& protocols) {
  try {
    validate_protocols(protocols);
  } catch (const duplex::Error& e) {
    return e.name();
  }
  return "no error";
}

}  // namespace

TEST_CASE("valid subprotocol lists", "[subprotocol]") {
  CHECK_NOTHROW(validate_protocols({}));
  CHECK_NOTHROW(validate_protocols({"chat"}));
  CHECK_NOTHROW(validate_protocols({"chat", "superchat"}));
  CHECK_NOTHROW(validate_protocols({"v1.json.api", "mqtt", "graphql-ws", "x!#$%&'*+-.^_`|~9"}));
}

TEST_CASE("invalid subprotocols throw SyntaxError", "[subprotocol]") {
  const std::vector<std::vector<std::string>> lists = {
      {""},    {"a b"}, {"a,b"},  {"a/b"},      {"\xC3\xA9"},     {"a\"b"},         {"(a)"},
      {"a;b"}, {"a:b"}, {"a=b"},  {"a\tb"},     {"a\x7F"},        {"[a]"},          {"{a}"},
      {"a?"},  {"a@b"}, {"a\\b"}, {"chat", ""}, {"chat", "chat"}, {"chat", "CHAT"}, {"Chat", "x", "cHaT"},
  };
  for (const auto& list : lists) {
    INFO(list.back());
    CHECK(error_name(list) == "SyntaxError");
  }
}

TEST_CASE("protocols differing in more than case are distinct", "[subprotocol]") {
  CHECK_NOTHROW(validate_protocols({"chat", "chat2", "chAt3"}));
}
