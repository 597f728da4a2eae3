#include "output_format.hpp"

#include <cstdio>
#include <ctime>

#include "encoding.hpp"

namespace duplex::cli {
namespace {

using namespace std::chrono;

std::string json_object(bool binary, std::string_view payload, system_clock::time_point time) {
  std::string out = "{\"kind\":";
  out += binary ? "\"binary\"" : "\"text\"";
  out += ",\"size\":" + std::to_string(payload.size());
  out += ",\"time\":\"" + utc_timestamp(time) + "\"";
  out += ",\"payload\":";
  // A binary payload need not be UTF-8, which JSON text must be: base64.
  out += binary ? "\"" + base64_encode(payload) + "\"" : json_string(payload);
  out += "}\n";
  return out;
}

}  // namespace

std::string format_message(OutputFormat format, bool binary, std::string_view payload, system_clock::time_point time) {
  switch (format) {
    case OutputFormat::raw:
      return std::string(payload);
    case OutputFormat::json:
      return json_object(binary, payload, time);
    case OutputFormat::hex:
      return (binary ? hex_encode(payload) : std::string(payload)) + '\n';
    case OutputFormat::base64:
      return (binary ? base64_encode(payload) : std::string(payload)) + '\n';
    case OutputFormat::text:
      break;
  }
  return std::string(payload) + '\n';
}

std::string json_string(std::string_view utf8) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(utf8.size() + 2);
  out += '"';
  for (char c : utf8) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        // RFC 8259 §7: "All Unicode characters may be placed within the
        // quotation marks, except for the characters that MUST be escaped:
        // quotation mark, reverse solidus, and the control characters (U+0000
        // through U+001F)."
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += digits[static_cast<unsigned char>(c) >> 4];
          out += digits[static_cast<unsigned char>(c) & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string utc_timestamp(system_clock::time_point time) {
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(floor<milliseconds>(time - day));
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

std::string local_clock_time(system_clock::time_point time) {
  const std::time_t seconds = system_clock::to_time_t(time);
  const auto millis = duration_cast<milliseconds>(time.time_since_epoch()).count() % 1000;
  // std::localtime's buffer is shared: called from the event loop's thread only.
  const std::tm* local = std::localtime(&seconds);
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", local ? local->tm_hour : 0, local ? local->tm_min : 0,
                local ? local->tm_sec : 0, static_cast<int>(millis < 0 ? millis + 1000 : millis));
  return text;
}

}  // namespace duplex::cli
