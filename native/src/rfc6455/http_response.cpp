// HTTP/1.1 response heads for the opening handshake. Strict: CRLF line ends,
// no obsolete line folding, no whitespace before a field's colon.

#include "http_response.hpp"

#include <algorithm>
#include <array>

#include "duplex/rfc6455/error.hpp"

namespace duplex::rfc6455 {
namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 9110 §5.6.2 tchar, looked up in a table (one load per byte of a field name).
constexpr auto tchars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_tchar(char c) noexcept { return tchars[static_cast<unsigned char>(c)]; }

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
// RFC 6455 §4.1 asks for HTTP/1.1 or later; any HTTP/1.x is accepted here.
bool parse_status_line(std::string_view line, HttpResponseHead& out) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !is_digit(line[7]) || line[8] != ' ') return false;
  if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11])) return false;
  if (line.size() > 12 && line[12] != ' ') return false;
  out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  out.reason = line.size() > 13 ? trim(line.substr(13)) : std::string_view{};
  return true;
}

// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS.
bool parse_field_line(std::string_view line, HttpResponseHead& out) {
  const auto colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  const std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), is_tchar)) return false;  // also rejects obs-fold
  if (out.fields.empty()) out.fields.reserve(8);  // one allocation: a handshake answer has about five
  out.fields.emplace_back(name, trim(line.substr(colon + 1)));
  return true;
}

// Calls `visit` with each non-empty, trimmed element of a comma list (commas
// inside quoted strings do not split) until it returns true; says whether it did.
template <class Visit>
bool any_list_item(std::string_view list, Visit visit) {
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size()) {
      const char c = list[i];
      if (quoted && c == '\\' && i + 1 < list.size()) {
        ++i;  // quoted-pair
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c != ',' || quoted) continue;
    }
    const std::string_view item = trim(list.substr(start, i - start));
    if (!item.empty() && visit(item)) return true;
    start = i + 1;
  }
  return false;
}

}  // namespace

bool has_cr_lf_or_nul(std::string_view text) noexcept {
  // A plain loop: find_first_of with a three-character set calls memchr once per byte.
  return std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

std::optional<std::string_view> HttpResponseHead::field(std::string_view name) const {
  std::optional<std::string_view> value;
  std::string* combined = nullptr;
  for (const auto& [field_name, v] : fields) {
    if (!iequals(field_name, name)) continue;
    if (!value) {
      value = v;
      continue;
    }
    if (combined == nullptr) combined = &combined_.emplace_front(*value);
    combined->append(", ").append(v);
    value = *combined;
  }
  return value;
}

std::error_code parse_response_head(std::string_view head, HttpResponseHead& out) {
  out = {};
  bool first = true;
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    if (end == std::string_view::npos) return error::handshake_malformed;
    const std::string_view line = head.substr(0, end);
    head.remove_prefix(end + 2);
    if (has_cr_lf_or_nul(line)) return error::handshake_malformed;
    const bool ok = first ? parse_status_line(line, out) : parse_field_line(line, out);
    if (!ok) return error::handshake_malformed;
    first = false;
  }
  return first ? std::error_code(error::handshake_malformed) : std::error_code{};
}

std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> items;
  any_list_item(list, [&](std::string_view item) {
    items.push_back(item);
    return false;
  });
  return items;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool has_token(std::string_view list, std::string_view token) {
  return any_list_item(list, [&](std::string_view item) { return iequals(item, token); });
}

}  // namespace duplex::rfc6455
