// The URL rules of the WHATWG WebSockets Standard's constructor, on top of a
// deliberately strict subset of the WHATWG URL Standard's parser.
//
// Subset, and why:
// - Any ASCII whitespace or control character anywhere in the input is a
//   SyntaxError (the URL parser would strip leading/trailing C0 controls and
//   spaces and remove tabs and newlines; a socket URL carrying them is almost
//   always a bug worth reporting).
// - The two slashes of the authority are required ("ws:host" is refused).
// - Credentials ("user:pass@host") are refused: the WebSocket API has no use
//   for them and silently dropping them would surprise.
// - Hosts are ASCII domains (letters, digits, '-', '.', '_'), IPv4 addresses
//   (every WHATWG IPv4 form: "127.1", "0x7f.0.0.1") or bracketed IPv6
//   addresses. Percent-encoded and non-ASCII hosts are refused: there is no
//   IDNA (UTS #46) processing here.
// Within that subset the result is what the URL Standard produces: lower-case
// scheme and host, default port dropped, dot segments resolved, non-ASCII and
// unsafe bytes of path and query percent-encoded.

#include "duplex/url.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "duplex/error.hpp"

namespace duplex {
namespace {

[[noreturn]] void syntax_error(const std::string& what) { throw Error("SyntaxError", what); }

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
int hex_value(char c) noexcept { return is_digit(c) ? c - '0' : to_lower(c) - 'a' + 10; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

std::uint16_t default_port(bool secure) noexcept { return secure ? 443 : 80; }

// ---------------------------------------------------------------- IPv4 ----

// URL Standard § IPv4 number parser: decimal, "0x" hex or leading-zero octal.
std::optional<std::uint64_t> parse_ipv4_number(std::string_view input) {
  if (input.empty()) return std::nullopt;
  int radix = 10;
  if (input.size() >= 2 && input[0] == '0' && (input[1] == 'x' || input[1] == 'X')) {
    input.remove_prefix(2);
    radix = 16;
  } else if (input.size() >= 2 && input[0] == '0') {
    input.remove_prefix(1);
    radix = 8;
  }
  if (input.empty()) return 0;
  std::uint64_t value = 0;
  for (char c : input) {
    int digit = -1;
    if (radix == 16 && is_hex(c))
      digit = hex_value(c);
    else if (radix == 10 && is_digit(c))
      digit = c - '0';
    else if (radix == 8 && c >= '0' && c <= '7')
      digit = c - '0';
    if (digit < 0) return std::nullopt;
    value = value * static_cast<std::uint64_t>(radix) + static_cast<std::uint64_t>(digit);
    if (value > 0xFFFFFFFFull) value = 0x100000000ull;  // saturate: already invalid
  }
  return value;
}

// `host` without the one empty last part the URL Standard's IPv4 steps drop
// ("If the last item in parts is the empty string ... remove the last item").
std::string_view without_trailing_dot(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// URL Standard § ends in a number checker: such a host "must" be an IPv4 address.
bool ends_in_a_number(std::string_view host) {
  // "Let parts be the result of strictly splitting input on U+002E (.). If the
  // last item in parts is the empty string: if parts's size is 1, return false."
  if (host.empty()) return false;
  const std::string_view rest = without_trailing_dot(host);
  const std::string_view last = rest.substr(rest.rfind('.') + 1);  // npos + 1 == 0: the whole
  if (!last.empty() && std::all_of(last.begin(), last.end(), is_digit)) return true;
  return parse_ipv4_number(last).has_value();
}

// URL Standard § IPv4 parser, serialized as a dotted quad.
std::string parse_ipv4(std::string_view host) {
  std::array<std::uint64_t, 4> numbers{};
  std::size_t count = 0;
  std::string_view rest = without_trailing_dot(host);
  for (bool more = true; more;) {
    const std::size_t dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    more = dot != std::string_view::npos;
    if (more) rest.remove_prefix(dot + 1);
    if (count == numbers.size()) syntax_error("IPv4 address with more than four parts");
    const auto n = parse_ipv4_number(part);
    if (!n) syntax_error("invalid IPv4 address part \"" + std::string(part) + "\"");
    numbers[count++] = *n;
  }
  for (std::size_t i = 0; i + 1 < count; ++i)
    if (numbers[i] > 255) syntax_error("IPv4 address part out of range");
  const std::uint64_t limit = 1ull << (8 * (5 - count));
  if (numbers[count - 1] >= limit) syntax_error("IPv4 address out of range");
  std::uint64_t address = numbers[count - 1];
  for (std::size_t i = 0; i + 1 < count; ++i) address += numbers[i] << (8 * (3 - i));
  // Dotted decimal by hand: snprintf costs more than the whole URL parse.
  char text[16];  // "255.255.255.255"
  char* out = text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto part = static_cast<unsigned>(address >> shift & 0xFF);
    if (part >= 100) *out++ = static_cast<char>('0' + part / 100);
    if (part >= 10) *out++ = static_cast<char>('0' + part / 10 % 10);
    *out++ = static_cast<char>('0' + part % 10);
    if (shift != 0) *out++ = '.';
  }
  return std::string(text, out);
}

// ---------------------------------------------------------------- IPv6 ----

using Ipv6 = std::array<std::uint16_t, 8>;

// The embedded dotted quad at the end of an IPv6 address (URL Standard § IPv6
// parser, the "IPv4 in IPv6" steps); fills two pieces from `piece`.
std::size_t parse_embedded_ipv4(std::string_view in, std::size_t p, Ipv6& address, std::size_t& piece) {
  if (piece > 6) syntax_error("IPv4 part of an IPv6 address comes too late");
  int numbers_seen = 0;
  while (p < in.size()) {
    if (numbers_seen > 0) {
      if (in[p] != '.' || numbers_seen >= 4) syntax_error("malformed IPv4 part of an IPv6 address");
      ++p;
    }
    if (p >= in.size() || !is_digit(in[p])) syntax_error("malformed IPv4 part of an IPv6 address");
    int value = -1;
    while (p < in.size() && is_digit(in[p])) {
      if (value == 0) syntax_error("leading zero in the IPv4 part of an IPv6 address");
      value = (value < 0 ? 0 : value * 10) + (in[p] - '0');
      if (value > 255) syntax_error("IPv4 part of an IPv6 address out of range");
      ++p;
    }
    address[piece] = static_cast<std::uint16_t>(address[piece] * 0x100 + value);
    ++numbers_seen;
    if (numbers_seen == 2 || numbers_seen == 4) ++piece;
  }
  if (numbers_seen != 4) syntax_error("IPv4 part of an IPv6 address needs four numbers");
  return p;
}

// URL Standard § IPv6 parser (`in` is the text between the brackets).
Ipv6 parse_ipv6(std::string_view in) {
  Ipv6 address{};
  std::size_t piece = 0, p = 0;
  std::optional<std::size_t> compress;
  if (!in.empty() && in[0] == ':') {
    if (in.size() < 2 || in[1] != ':') syntax_error("IPv6 address starts with a single ':'");
    p = 2;
    compress = ++piece;
  }
  while (p < in.size()) {
    if (piece == 8) syntax_error("IPv6 address with more than eight pieces");
    if (in[p] == ':') {
      if (compress) syntax_error("IPv6 address with two '::'");
      ++p;
      compress = ++piece;
      continue;
    }
    std::uint32_t value = 0;
    std::size_t length = 0;
    while (length < 4 && p < in.size() && is_hex(in[p])) {
      value = value * 0x10 + static_cast<std::uint32_t>(hex_value(in[p]));
      ++p;
      ++length;
    }
    if (p < in.size() && in[p] == '.') {
      if (length == 0) syntax_error("malformed IPv6 address");
      p = parse_embedded_ipv4(in, p - length, address, piece);
      break;
    }
    if (p < in.size() && in[p] == ':') {
      if (++p == in.size()) syntax_error("IPv6 address ends with a single ':'");
    } else if (p < in.size()) {
      syntax_error("invalid character in IPv6 address");
    }
    address[piece++] = static_cast<std::uint16_t>(value);
  }
  if (compress) {
    std::size_t swaps = piece - *compress;
    for (piece = 7; piece != 0 && swaps > 0; --piece, --swaps)
      std::swap(address[piece], address[*compress + swaps - 1]);
  } else if (piece != 8) {
    syntax_error("IPv6 address with fewer than eight pieces");
  }
  return address;
}

// URL Standard § IPv6 serializer: lower-case hex, the first longest run of
// two or more zero pieces compressed to "::".
std::string serialize_ipv6(const Ipv6& address) {
  std::optional<std::size_t> compress;
  std::size_t best = 1;
  for (std::size_t i = 0; i < 8;) {
    std::size_t j = i;
    while (j < 8 && address[j] == 0) ++j;
    if (j - i > best) {
      best = j - i;
      compress = i;
    }
    i = (j == i) ? i + 1 : j;
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "[";
  bool ignore0 = false;
  for (std::size_t i = 0; i < 8; ++i) {
    if (ignore0 && address[i] == 0) continue;
    ignore0 = false;
    if (compress == i) {
      out += (i == 0) ? "::" : ":";
      ignore0 = true;
      continue;
    }
    std::string piece;
    for (unsigned v = address[i]; piece.empty() || v; v >>= 4) piece.insert(piece.begin(), digits[v & 0xF]);
    out += piece;
    if (i != 7) out += ':';
  }
  return out + "]";
}

// ---------------------------------------------------------------- host ----

std::string parse_host(std::string_view host) {
  if (host.empty()) syntax_error("empty host");
  if (host.front() == '[') {
    if (host.back() != ']') syntax_error("unterminated IPv6 address");
    return serialize_ipv6(parse_ipv6(host.substr(1, host.size() - 2)));
  }
  for (char c : host) {
    if (c == '%') syntax_error("percent-encoded host names are not supported");
    if (static_cast<unsigned char>(c) >= 0x80) syntax_error("non-ASCII host names are not supported (no IDNA)");
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_')
      syntax_error(std::string("invalid character '") + c + "' in host");
  }
  if (ends_in_a_number(host)) return parse_ipv4(host);
  return lower(host);
}

std::optional<std::uint16_t> parse_port(std::string_view port) {
  if (port.empty()) return std::nullopt;  // "ws://h:/" means the default port
  std::uint32_t value = 0;
  for (char c : port) {
    if (!is_digit(c)) syntax_error("invalid port \"" + std::string(port) + "\"");
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 65535) syntax_error("port out of range");
  }
  return static_cast<std::uint16_t>(value);
}

// ------------------------------------------------------- path and query ----

// Percent-encodes bytes above 0x7E and the ASCII bytes of `set` (the URL
// Standard's path and special-query percent-encode sets, minus the characters
// already refused: controls, space and '#').
std::string percent_encode(std::string_view in, std::string_view set) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (char c : in) {
    auto b = static_cast<unsigned char>(c);
    if (b > 0x7E || set.find(c) != std::string_view::npos) {
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

bool is_single_dot(std::string_view s) { return s == "." || iequals(s, "%2e"); }
bool is_double_dot(std::string_view s) {
  return s == ".." || iequals(s, ".%2e") || iequals(s, "%2e.") || iequals(s, "%2e%2e");
}

// URL Standard § path state for special URLs: '\' is a separator, "." and ".."
// segments are resolved. `path` starts with '/' or '\' (or is empty).
std::string normalize_path(std::string_view path) {
  std::vector<std::string> segments;
  if (path.empty()) return "/";
  path.remove_prefix(1);
  for (;;) {
    std::size_t end = path.find_first_of("/\\");
    std::string_view segment = path.substr(0, end);
    const bool last = end == std::string_view::npos;
    if (is_double_dot(segment)) {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (is_single_dot(segment)) {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(percent_encode(segment, "\"<>`{}"));
    }
    if (last) break;
    path.remove_prefix(end + 1);
  }
  std::string out;
  for (const auto& s : segments) out += "/" + s;
  return out.empty() ? "/" : out;
}

// Splits "scheme:" off `input`, returning whether the scheme is secure.
bool parse_scheme(std::string_view& input) {
  std::size_t colon = input.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(input[0]))
    syntax_error("not an absolute URL (no scheme)");
  for (char c : input.substr(0, colon))
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') syntax_error("not an absolute URL");
  const std::string scheme = lower(input.substr(0, colon));
  input.remove_prefix(colon + 1);
  // WebSockets § constructor: "If urlRecord's scheme is "http", then set
  // urlRecord's scheme to "ws". Otherwise, if urlRecord's scheme is "https",
  // set urlRecord's scheme to "wss"." / "If urlRecord's scheme is not "ws" or
  // "wss", then throw a "SyntaxError" DOMException."
  if (scheme == "ws" || scheme == "http") return false;
  if (scheme == "wss" || scheme == "https") return true;
  syntax_error("scheme \"" + scheme + "\" is not ws, wss, http or https");
}

void check_characters(std::string_view input) {
  for (char c : input) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7F) syntax_error("whitespace or control character in URL");
  }
  // WebSockets § constructor: "If urlRecord's fragment is non-null, then throw
  // a "SyntaxError" DOMException."
  if (input.find('#') != std::string_view::npos) syntax_error("URL has a fragment");
}

void parse_authority(std::string_view authority, WebSocketUrl& url) {
  if (authority.find('@') != std::string_view::npos) syntax_error("credentials in the URL are not supported");
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) syntax_error("unterminated IPv6 address");
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') syntax_error("garbage after IPv6 address");
    if (!rest.empty()) port = rest.substr(1);
  } else if (std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  url.host = parse_host(host);
  url.port = parse_port(port).value_or(default_port(url.secure));
}

}  // namespace

std::string WebSocketUrl::host_header() const {
  if (port == default_port(secure)) return host;
  char digits[6];
  const char* end = std::to_chars(digits, digits + sizeof digits, port).ptr;
  std::string header;
  header.reserve(host.size() + 1 + static_cast<std::size_t>(end - digits));
  header.append(host).append(1, ':').append(digits, static_cast<std::size_t>(end - digits));
  return header;
}

std::string WebSocketUrl::host_name() const {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

WebSocketUrl parse_websocket_url(std::string_view input) {
  check_characters(input);
  WebSocketUrl url;
  url.secure = parse_scheme(input);
  auto is_slash = [](char c) { return c == '/' || c == '\\'; };
  if (input.size() < 2 || !is_slash(input[0]) || !is_slash(input[1])) syntax_error("URL has no \"//\" authority");
  input.remove_prefix(2);

  const std::size_t authority_end = input.find_first_of("/\\?");
  parse_authority(input.substr(0, authority_end), url);
  input.remove_prefix(authority_end == std::string_view::npos ? input.size() : authority_end);

  const std::size_t query_start = input.find('?');
  url.resource = normalize_path(input.substr(0, query_start));
  if (query_start != std::string_view::npos) {
    url.resource += '?';
    url.resource += percent_encode(input.substr(query_start + 1), "\"<>'");
  }
  url.serialized = url.secure ? "wss://" : "ws://";
  url.serialized += url.host_header();
  url.serialized += url.resource;
  return url;
}

}  // namespace duplex
