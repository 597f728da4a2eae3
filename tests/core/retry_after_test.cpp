// Retry-After (RFC 9110 §10.2.3): delay-seconds, and the three HTTP-date
// forms of §5.6.7 measured from a fixed `now`.

#include "retry_after.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>

using duplex::parse_retry_after;
using namespace std::chrono;

namespace {

// A UTC instant, to the millisecond.
system_clock::time_point utc(int y, unsigned mon, unsigned d, int h, int min, int s, int ms = 0) {
  return sys_days(year(y) / month(mon) / day(d)) + hours(h) + minutes(min) + seconds(s) + milliseconds(ms);
}

// The RFC's own example instant, "Sun, 06 Nov 1994 08:49:37 GMT".
const auto example = utc(1994, 11, 6, 8, 49, 37);

std::optional<seconds> at_example_minus(seconds before, std::string_view value) {
  return parse_retry_after(value, example - before);
}

}  // namespace

TEST_CASE("delay-seconds is the delay itself", "[retry_after]") {
  const auto now = system_clock::now();
  CHECK(parse_retry_after("0", now) == seconds(0));
  CHECK(parse_retry_after("120", now) == seconds(120));
  CHECK(parse_retry_after("  120\t", now) == seconds(120));  // OWS around a field value
  CHECK(parse_retry_after("000000000000030", now) == seconds(30));  // leading zeros add nothing
  CHECK(parse_retry_after("999999999", now) == seconds(999'999'999));
}

TEST_CASE("delay-seconds too long to hold saturates to a very long wait", "[retry_after]") {
  const auto now = system_clock::now();
  const auto ten_digits = parse_retry_after("1000000000", now);
  const auto forty_digits = parse_retry_after(std::string(40, '9'), now);
  REQUIRE(ten_digits);
  REQUIRE(forty_digits);
  CHECK(*ten_digits >= seconds(999'999'999));
  CHECK(*forty_digits == *ten_digits);
  CHECK(duration_cast<milliseconds>(*forty_digits) > milliseconds(0));  // no overflow as milliseconds
}

TEST_CASE("IMF-fixdate: seconds from now, rounded up, 0 when past", "[retry_after]") {
  const std::string_view date = "Sun, 06 Nov 1994 08:49:37 GMT";
  CHECK(at_example_minus(seconds(90), date) == seconds(90));
  CHECK(at_example_minus(hours(24), date) == seconds(86'400));
  CHECK(parse_retry_after(date, example - milliseconds(250)) == seconds(1));  // 0.25 s: rounded up
  CHECK(parse_retry_after(date, example - milliseconds(1750)) == seconds(2));
  CHECK(parse_retry_after(date, example) == seconds(0));
  CHECK(parse_retry_after(date, example + seconds(1)) == seconds(0));
  CHECK(parse_retry_after(date, utc(2026, 1, 1, 0, 0, 0)) == seconds(0));
  // Days of other months and a leap day.
  CHECK(parse_retry_after("Thu, 29 Feb 2024 00:00:10 GMT", utc(2024, 2, 29, 0, 0, 0)) == seconds(10));
  CHECK(parse_retry_after("Mon, 01 Jan 2024 00:00:00 GMT", utc(2023, 12, 31, 23, 59, 0)) == seconds(60));
}

TEST_CASE("the obsolete RFC 850 and asctime forms are accepted", "[retry_after]") {
  // RFC 9110 §5.6.7: "A recipient that parses a timestamp value in an HTTP
  // header field MUST accept all three HTTP-date formats."
  CHECK(at_example_minus(seconds(90), "Sunday, 06-Nov-94 08:49:37 GMT") == seconds(90));
  CHECK(at_example_minus(seconds(90), "Sun Nov  6 08:49:37 1994") == seconds(90));
  CHECK(at_example_minus(seconds(90), "Sun Nov 06 08:49:37 1994") == seconds(90));
}

TEST_CASE("an RFC 850 two-digit year more than 50 years ahead is in the past century", "[retry_after]") {
  const auto now = utc(2026, 6, 1, 0, 0, 0);
  // 94 would be 2094, 68 years ahead: it is 1994, long past.
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == seconds(0));
  // 26: this year; 27: next year; 76: 2076, exactly 50 years ahead (not more).
  CHECK(parse_retry_after("Monday, 01-Jun-26 00:00:05 GMT", now) == seconds(5));
  const auto next_year = parse_retry_after("Tuesday, 01-Jun-27 00:00:00 GMT", now);
  CHECK(next_year == duration_cast<seconds>(days(365)));
  const auto fifty = parse_retry_after("Monday, 01-Jun-76 00:00:00 GMT", now);
  REQUIRE(fifty);
  CHECK(*fifty > duration_cast<seconds>(days(365 * 49)));
  // 77: 2077 is 51 years ahead, so 1977.
  CHECK(parse_retry_after("Wednesday, 01-Jun-77 00:00:00 GMT", now) == seconds(0));
}

TEST_CASE("a value that is neither delay-seconds nor an HTTP-date is nothing", "[retry_after]") {
  const auto now = example - hours(1);
  for (const char* value : {"", "   ", "soon", "1.5", "-1", "+5", "120s", "12 0", "0x10",
                            "Sun, 06 Nov 1994 08:49:37 UTC",    // not GMT
                            "Sun, 06 Nov 1994 08:49:37",        // no zone
                            "Sun, 06 Foo 1994 08:49:37 GMT",    // no such month
                            "Sun, 06 nov 1994 08:49:37 GMT",    // month names are case-sensitive
                            "Sun, 31 Nov 1994 08:49:37 GMT",    // no such day
                            "Sun, 06 Nov 1994 24:00:00 GMT",    // no such hour
                            "Sun, 06 Nov 1994 08:60:00 GMT",    // no such minute
                            "Sun, 06 Nov 1994 8:49:37 GMT",     // hh:mm:ss has two digits each
                            "Sun, 06 Nov 994 08:49:37 GMT",     // a year has four digits
                            "Sun, 06 Nov 67536 08:49:37 GMT",   // (or two in RFC 850 form)
                            "Sun Nov  6 08:49:37 94",           // asctime: four
                            "Sun, 06 Nov 1994 08:49:37 GMT extra"}) {
    INFO("Retry-After: " << value);
    CHECK_FALSE(parse_retry_after(value, now).has_value());
  }
}
