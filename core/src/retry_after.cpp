// Retry-After (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date in any of
// its three forms (§5.6.7), as a delay from `now`.

#include "retry_after.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace duplex {
namespace {

using namespace std::chrono;

std::optional<int> number(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<unsigned> month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < months.size(); ++i)
    if (months[i] == name) return i + 1;
  return std::nullopt;
}

// Splits at spaces, commas and dashes ("Sun, 06 Nov 1994", "Sunday, 06-Nov-94").
std::vector<std::string_view> fields(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '-') continue;
    if (i > start) out.push_back(text.substr(start, i - start));
    start = i + 1;
  }
  return out;
}

std::optional<seconds> time_of_day(std::string_view hh_mm_ss) {
  if (hh_mm_ss.size() != 8 || hh_mm_ss[2] != ':' || hh_mm_ss[5] != ':') return std::nullopt;
  const auto h = number(hh_mm_ss.substr(0, 2)), m = number(hh_mm_ss.substr(3, 2)), s = number(hh_mm_ss.substr(6, 2));
  if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
  return hours(*h) + minutes(*m) + seconds(*s);
}

std::optional<system_clock::time_point> at(int y, std::optional<unsigned> mon, std::optional<int> d,
                                           std::optional<seconds> time) {
  // std::chrono::year holds -32767..32767 only; 4 digits are all a date has.
  if (!mon || !d || !time || y < 0 || y > 9999) return std::nullopt;
  const year_month_day date{year(y), month(*mon), day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date) + *time;
}

// RFC 9110 §5.6.7, rfc850-date: "Recipients of a timestamp value in
// rfc850-date format, which uses a two-digit year, MUST interpret a timestamp
// that appears to be more than 50 years in the future as representing the
// most recent year in the past that had the same last two digits."
int full_year(int two_digits, system_clock::time_point now) {
  const int this_year = static_cast<int>(year_month_day(floor<days>(now)).year());
  int y = this_year - this_year % 100 + two_digits;
  if (y > this_year + 50) y -= 100;
  return y;
}

// RFC 9110 §5.6.7: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC
// 850 "Sunday, 06-Nov-94 08:49:37 GMT", asctime "Sun Nov  6 08:49:37 1994".
std::optional<system_clock::time_point> http_date(std::string_view text, system_clock::time_point now) {
  const auto f = fields(text);
  if (f.size() == 6 && f[5] == "GMT") {
    const auto y = number(f[3]);
    if (!y || (f[3].size() != 4 && f[3].size() != 2)) return std::nullopt;
    return at(f[3].size() == 2 ? full_year(*y, now) : *y, month_number(f[2]), number(f[1]), time_of_day(f[4]));
  }
  if (f.size() == 5) {
    const auto y = number(f[4]);
    if (!y || f[4].size() != 4) return std::nullopt;
    return at(*y, month_number(f[1]), number(f[2]), time_of_day(f[3]));
  }
  return std::nullopt;
}

}  // namespace

std::optional<seconds> parse_retry_after(std::string_view value, system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos) {
    // delay-seconds = 1*DIGIT; a value too long to hold is a very long wait.
    // Leading zeros add nothing: "0000000000030" is 30 seconds.
    value.remove_prefix(std::min(value.find_first_not_of('0'), value.size() - 1));
    if (value.size() > 9) return seconds(999'999'999);
    return seconds(*number(value));
  }
  const auto date = http_date(value, now);
  if (!date) return std::nullopt;
  return *date > now ? ceil<seconds>(*date - now) : seconds(0);
}

}  // namespace duplex
