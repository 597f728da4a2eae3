#include "duplex/rfc6455/permessage_deflate.hpp"

#include <catch2/catch.hpp>

#include "duplex/rfc6455/error.hpp"
#include "duplex/rfc6455/handshake.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using duplex::rfc6455::test::bytes_of;
using duplex::rfc6455::test::for_each_split;

namespace {

// RFC 6455 §1.3's example key and its accept value.
constexpr const char* sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::string response_with(const std::string& extensions_lines) {
  return std::string(
             "HTTP/1.1 101 Switching Protocols\r\n"
             "Upgrade: websocket\r\n"
             "Connection: Upgrade\r\n"
             "Sec-WebSocket-Accept: ") +
         sample_accept + "\r\n" + extensions_lines + "\r\n";
}

HandshakeRequest request_offering(const DeflateOffer& offer) {
  HandshakeRequest r;
  r.host = "server.example.com";
  r.resource = "/chat";
  r.extensions = {deflate_offer_element(offer)};
  return r;
}

}  // namespace

TEST_CASE("offer strings (RFC 7692 §7.1)", "[permessage_deflate]") {
  CHECK(deflate_offer_element({}) == "permessage-deflate; client_max_window_bits");
  CHECK(deflate_offer_element({true, true, true}) ==
        "permessage-deflate; client_no_context_takeover; server_no_context_takeover; client_max_window_bits");
  CHECK(deflate_offer_element({false, false, false}) == "permessage-deflate");
  CHECK(deflate_offer_element({false, false, true}) == "permessage-deflate; server_no_context_takeover");
}

TEST_CASE("offers read back", "[permessage_deflate]") {
  for (const DeflateOffer offer : {DeflateOffer{}, DeflateOffer{false, false, false}, DeflateOffer{true, true, true},
                                   DeflateOffer{false, true, false}}) {
    const auto parsed = parse_deflate_offer(deflate_offer_element(offer));
    REQUIRE(parsed);
    CHECK(parsed->client_max_window_bits == offer.client_max_window_bits);
    CHECK(parsed->client_no_context_takeover == offer.client_no_context_takeover);
    CHECK(parsed->server_no_context_takeover == offer.server_no_context_takeover);
  }
  CHECK_FALSE(parse_deflate_offer("x-webkit-deflate-frame"));
  CHECK(parse_deflate_offer("Permessage-Deflate; client_max_window_bits=12"));
}

TEST_CASE("accepted responses and the parameters they agree on", "[permessage_deflate]") {
  struct Row {
    const char* element;
    DeflateParams expected;
  };
  const Row rows[] = {
      {"permessage-deflate", {false, false, 15, 15}},
      {"permessage-deflate; server_no_context_takeover", {false, true, 15, 15}},
      {"permessage-deflate; client_no_context_takeover", {true, false, 15, 15}},
      {"permessage-deflate; client_max_window_bits=10", {false, false, 10, 15}},
      {"permessage-deflate; server_max_window_bits=8", {false, false, 15, 8}},
      {"permessage-deflate; server_max_window_bits=15; client_max_window_bits=9", {false, false, 9, 15}},
      {"permessage-deflate; client_max_window_bits=\"12\"", {false, false, 12, 15}},
      {"permessage-deflate;server_no_context_takeover;client_no_context_takeover", {true, true, 15, 15}},
      {"permessage-deflate ; server_max_window_bits = 11 ", {false, false, 15, 11}},
      {"PerMessage-Deflate; Server_No_Context_Takeover", {false, true, 15, 15}},
      {"permessage-deflate; client_no_context_takeover; server_no_context_takeover; client_max_window_bits=8; "
       "server_max_window_bits=8",
       {true, true, 8, 8}},
  };
  for (const auto& row : rows) {
    INFO(row.element);
    DeflateParams params;
    std::string detail;
    REQUIRE_FALSE(parse_deflate_response(row.element, DeflateOffer{}, params, detail));
    CHECK(params.client_no_context_takeover == row.expected.client_no_context_takeover);
    CHECK(params.server_no_context_takeover == row.expected.server_no_context_takeover);
    CHECK(params.client_max_window_bits == row.expected.client_max_window_bits);
    CHECK(params.server_max_window_bits == row.expected.server_max_window_bits);
  }
}

TEST_CASE("offering client_no_context_takeover binds the client without the server's echo", "[permessage_deflate]") {
  // RFC 7692 §7.1.1.2: the client "is going to use the "no context takeover" mode".
  DeflateParams params;
  std::string detail;
  REQUIRE_FALSE(parse_deflate_response("permessage-deflate", DeflateOffer{true, true, false}, params, detail));
  CHECK(params.client_no_context_takeover);
  CHECK_FALSE(params.server_no_context_takeover);
}

TEST_CASE("refused responses (RFC 7692 §7.1)", "[permessage_deflate]") {
  const char* rows[] = {
      "permessage-deflate; x-unknown",
      "permessage-deflate; x-unknown=1",
      "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
      "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
      "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
      "permessage-deflate; client_max_window_bits=10; client_max_window_bits=11",
      "permessage-deflate; server_max_window_bits=16",
      "permessage-deflate; server_max_window_bits=7",
      "permessage-deflate; server_max_window_bits=abc",
      "permessage-deflate; server_max_window_bits=08",
      "permessage-deflate; server_max_window_bits=-9",
      "permessage-deflate; server_max_window_bits=",
      "permessage-deflate; server_max_window_bits",
      "permessage-deflate; client_max_window_bits",
      "permessage-deflate; client_max_window_bits=0",
      "permessage-deflate; client_max_window_bits=\"1 5\"",
      "permessage-deflate; server_no_context_takeover=1",
      "permessage-deflate; client_no_context_takeover=\"\"",
      "permessage-deflate;",
      "permessage-deflate; ; server_no_context_takeover",
      "permessage-deflate; server_max_window_bits=\"10",
      "permessage-deflate; server max_window_bits=10",
  };
  for (const char* element : rows) {
    INFO(element);
    DeflateParams params;
    std::string detail;
    CHECK(parse_deflate_response(element, DeflateOffer{}, params, detail) == error::handshake_bad_extension_params);
    CHECK_FALSE(detail.empty());
  }
}

TEST_CASE("client_max_window_bits in a response needs it in the offer (§7.1.2.2)", "[permessage_deflate]") {
  const DeflateOffer without{false, false, false};
  DeflateParams params;
  std::string detail;
  CHECK(parse_deflate_response("permessage-deflate; client_max_window_bits=10", without, params, detail) ==
        error::handshake_bad_extension_params);
  CHECK(detail.find("not offered") != std::string::npos);
  // server_max_window_bits may come unasked: the server limits its own window.
  CHECK_FALSE(parse_deflate_response("permessage-deflate; server_max_window_bits=10", without, params, detail));
}

// ---- through the opening handshake ----

TEST_CASE("the handshake reports the agreed parameters, split anywhere", "[permessage_deflate][handshake]") {
  const std::string text = response_with(
      "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_max_window_bits=10\r\n");
  for_each_split(text, [&](const std::vector<std::string_view>& chunks) {
    ClientHandshake h(request_offering({}), sample_key);
    for (auto chunk : chunks) h.feed(bytes_of(chunk));
    REQUIRE(h.status() == ClientHandshake::Status::done);
    CHECK(h.extensions() == "permessage-deflate; server_no_context_takeover; client_max_window_bits=10");
    REQUIRE(h.permessage_deflate());
    CHECK(h.permessage_deflate()->server_no_context_takeover);
    CHECK_FALSE(h.permessage_deflate()->client_no_context_takeover);
    CHECK(h.permessage_deflate()->client_max_window_bits == 10);
    CHECK(h.permessage_deflate()->server_max_window_bits == 15);
  });
}

TEST_CASE("a server that declines the offer leaves deflate off", "[permessage_deflate][handshake]") {
  ClientHandshake h(request_offering({}), sample_key);
  REQUIRE(h.feed(bytes_of(response_with(""))) == ClientHandshake::Status::done);
  CHECK(h.extensions().empty());
  CHECK_FALSE(h.permessage_deflate());
}

TEST_CASE("the handshake fails on refused parameters and on two elements", "[permessage_deflate][handshake]") {
  struct Row {
    DeflateOffer offer;
    std::string lines;
    error expected;
  };
  const Row rows[] = {
      {{}, "Sec-WebSocket-Extensions: permessage-deflate; foo\r\n", error::handshake_bad_extension_params},
      {{},
       "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=16\r\n",
       error::handshake_bad_extension_params},
      {{false, false, false},
       "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n",
       error::handshake_bad_extension_params},
      {{},
       "Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate\r\n",
       error::handshake_duplicate_extension},
      // Two header lines are one list (RFC 6455 §4.2.2, errata 3433).
      {{},
       "Sec-WebSocket-Extensions: permessage-deflate\r\n"
       "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n",
       error::handshake_duplicate_extension},
  };
  for (const auto& row : rows) {
    INFO(row.lines);
    for_each_split(response_with(row.lines), [&](const std::vector<std::string_view>& chunks) {
      ClientHandshake h(request_offering(row.offer), sample_key);
      for (auto chunk : chunks) h.feed(bytes_of(chunk));
      REQUIRE(h.status() == ClientHandshake::Status::failed);
      CHECK(h.error() == row.expected);
      CHECK(close_code_for(h.error()) == 1006);
      CHECK_FALSE(h.error_detail().empty());
      CHECK_FALSE(h.permessage_deflate());
    });
  }
}
