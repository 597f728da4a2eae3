// Hex and base64 of the command line (native/cli/encoding.hpp), against the
// RFC 4648 §10 test vectors.
#include "encoding.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace duplex::cli {

TEST_CASE("base64 encodes and decodes the RFC 4648 test vectors", "[cli][encoding]") {
  // RFC 4648 §10: BASE64("f") = "Zg==" ... BASE64("foobar") = "Zm9vYmFy".
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},   {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    INFO(plain);
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == std::string(plain));
  }
  CHECK(base64_decode("Zg") == std::string("f"));  // padding left out
  CHECK(base64_decode("Zm8") == std::string("fo"));
}

TEST_CASE("base64 round-trips every byte value", "[cli][encoding]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= bytes.size(); length += 37) {
    const std::string part = bytes.substr(0, length);
    CHECK(base64_decode(base64_encode(part)) == part);
  }
  CHECK(base64_encode(std::string("\xff\xfe\x00" "a", 4)) == "//4AYQ==");
}

TEST_CASE("base64 refuses what no encoder writes", "[cli][encoding]") {
  CHECK_FALSE(base64_decode("Zm9v!"));    // outside the alphabet
  CHECK_FALSE(base64_decode("Z"));        // 6 bits encode no byte
  CHECK_FALSE(base64_decode("Zg=a"));     // padding in the middle
  CHECK_FALSE(base64_decode("Zm9=v"));
  CHECK_FALSE(base64_decode("Zh=="));     // pad bits not zero (RFC 4648 §3.5)
  CHECK_FALSE(base64_decode("Zm9v===")); // three '='
  CHECK_FALSE(base64_decode("Zg="));      // padding that does not complete a quantum
  CHECK_FALSE(base64_decode("Zm9v Zg=="));
}

TEST_CASE("hex encodes lowercase and decodes either case with spaces between bytes", "[cli][encoding]") {
  CHECK(hex_encode(std::string("AB\0\xff", 4), true) == "41 42 00 ff");
  CHECK(hex_encode(std::string("AB\0\xff", 4), false) == "414200ff");
  CHECK(hex_encode("") == "");
  CHECK(hex_decode("41 42 00 FF") == std::string("AB\0\xff", 4));
  CHECK(hex_decode("4142\n00ff\r\n") == std::string("AB\0\xff", 4));
  CHECK(hex_decode("") == std::string());
  CHECK_FALSE(hex_decode("4"));     // odd digit count
  CHECK_FALSE(hex_decode("4 1"));   // a space inside a byte
  CHECK_FALSE(hex_decode("zz"));
  CHECK_FALSE(hex_decode("0x41"));
}

}  // namespace duplex::cli
