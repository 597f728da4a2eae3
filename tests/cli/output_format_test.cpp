// Output formats (native/cli/output_format.hpp); the JSON is read back by
// Boost.JSON, a parser of its own.
#include "output_format.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>

// Boost.JSON's implementation, compiled once here for all the CLI tests (its
// header-only use: no library to link).
#include <boost/json/src.hpp>

#include "encoding.hpp"

namespace duplex::cli {
namespace {

using namespace std::chrono;

// 2024-05-01T12:34:56.789Z
const system_clock::time_point sample_time = sys_days(year(2024) / 5 / 1) + hours(12) + minutes(34) + seconds(56) +
                                             milliseconds(789);

}  // namespace

TEST_CASE("json_string escapes what RFC 8259 requires and nothing else", "[cli][output]") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  CHECK(json_string(std::string("\0\x01\x1f", 3)) == "\"\\u0000\\u0001\\u001f\"");
  CHECK(json_string("w\xc3\xb6rld \x7f /") == "\"w\xc3\xb6rld \x7f /\"");  // UTF-8, DEL and '/' as they are
  // Every control character and the two specials survive a real parser.
  std::string all;
  for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
  all += "\xe2\x80\xa8\xf0\x9f\x98\x80";  // U+2028, U+1F600
  CHECK(boost::json::parse(json_string(all)).as_string() == all);
}

TEST_CASE("utc_timestamp is RFC 3339 with milliseconds", "[cli][output]") {
  CHECK(utc_timestamp(sample_time) == "2024-05-01T12:34:56.789Z");
  CHECK(utc_timestamp(system_clock::time_point()) == "1970-01-01T00:00:00.000Z");
  CHECK(local_clock_time(sample_time).size() == 12);  // HH:MM:SS.mmm in the local zone
}

TEST_CASE("format_message writes each --output format", "[cli][output]") {
  const std::string binary("A\0\xff\n", 4);
  CHECK(format_message(OutputFormat::text, false, "hi", sample_time) == "hi\n");
  CHECK(format_message(OutputFormat::text, true, binary, sample_time) == binary + "\n");
  CHECK(format_message(OutputFormat::hex, true, binary, sample_time) == "41 00 ff 0a\n");
  CHECK(format_message(OutputFormat::hex, false, "hi", sample_time) == "hi\n");
  CHECK(format_message(OutputFormat::base64, true, binary, sample_time) == "QQD/Cg==\n");
  CHECK(format_message(OutputFormat::raw, true, binary, sample_time) == binary);
  CHECK(format_message(OutputFormat::raw, false, "no newline", sample_time) == "no newline");
}

TEST_CASE("format_message json: one object per line with kind, size, time, payload", "[cli][output]") {
  const std::string text_line = format_message(OutputFormat::json, false, "say \"hi\"\n", sample_time);
  REQUIRE(text_line.back() == '\n');
  CHECK(text_line.find('\n') == text_line.size() - 1);  // one line, whatever the payload holds
  const auto text = boost::json::parse(text_line).as_object();
  CHECK(text.at("kind").as_string() == "text");
  CHECK(text.at("size").as_int64() == 9);
  CHECK(text.at("time").as_string() == "2024-05-01T12:34:56.789Z");
  CHECK(text.at("payload").as_string() == "say \"hi\"\n");

  const std::string bytes("\x00\x01\xfe\xff", 4);
  const auto binary = boost::json::parse(format_message(OutputFormat::json, true, bytes, sample_time)).as_object();
  CHECK(binary.at("kind").as_string() == "binary");
  CHECK(binary.at("size").as_int64() == 4);
  CHECK(base64_decode(std::string(binary.at("payload").as_string())) == bytes);
}

}  // namespace duplex::cli
