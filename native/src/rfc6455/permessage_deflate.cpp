// Negotiation of permessage-deflate (RFC 7692 §5, §7.1), client side.

#include "duplex/rfc6455/permessage_deflate.hpp"

#include <algorithm>
#include <vector>

#include "duplex/rfc6455/error.hpp"
#include "http_response.hpp"

namespace duplex::rfc6455 {
namespace {

struct Param {
  std::string_view name;
  std::optional<std::string> value;  // unquoted
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 §5.6.2 tchar.
bool is_token(std::string_view s) {
  constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           specials.find(c) != std::string_view::npos;
  });
}

// RFC 9110 §5.6.4: a quoted-string, unescaped; nullopt if malformed.
std::optional<std::string> unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '"') return std::nullopt;
    if (s[i] == '\\') {
      if (++i + 1 >= s.size()) return std::nullopt;
    }
    out.push_back(s[i]);
  }
  return out;
}

// RFC 6455 §9.1: extension = extension-token *( ";" extension-param ),
// extension-param = token [ "=" (token | quoted-string) ]. Returns false if
// `element` does not follow that grammar.
bool parse_element(std::string_view element, std::string_view& name, std::vector<Param>& params) {
  std::vector<std::string_view> parts;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= element.size(); ++i) {
    if (i < element.size()) {
      if (quoted && element[i] == '\\') {
        ++i;
        continue;
      }
      if (element[i] == '"') quoted = !quoted;
      if (element[i] != ';' || quoted) continue;
    }
    parts.push_back(trim(element.substr(start, i - start)));
    start = i + 1;
  }
  name = parts.front();
  if (!is_token(name)) return false;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    Param param{trim(parts[i].substr(0, eq)), std::nullopt};
    if (!is_token(param.name)) return false;
    if (eq != std::string_view::npos) {
      const std::string_view raw = trim(parts[i].substr(eq + 1));
      param.value = is_token(raw) ? std::optional<std::string>(std::string(raw)) : unquote(raw);
      if (!param.value) return false;
    }
    params.push_back(std::move(param));
  }
  return true;
}

// §7.1.2.1: "The value ... MUST conform to the ABNF below.
//   server-max-window-bits = 1*DIGIT ; "8" to "15" without leading zeros
std::optional<int> parse_window_bits(const std::optional<std::string>& value) {
  if (!value || value->empty() || value->size() > 2 || (*value)[0] == '0') return std::nullopt;
  if (!std::all_of(value->begin(), value->end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  const int bits = std::stoi(*value);
  if (bits < 8 || bits > 15) return std::nullopt;
  return bits;
}

}  // namespace

std::string deflate_offer_element(const DeflateOffer& offer) {
  std::string out(permessage_deflate_token);
  if (offer.client_no_context_takeover) out += "; client_no_context_takeover";
  if (offer.server_no_context_takeover) out += "; server_no_context_takeover";
  if (offer.client_max_window_bits) out += "; client_max_window_bits";
  return out;
}

std::optional<DeflateOffer> parse_deflate_offer(std::string_view element) {
  std::string_view name;
  std::vector<Param> params;
  if (!parse_element(element, name, params) || !iequals(name, permessage_deflate_token)) return std::nullopt;
  DeflateOffer offer;
  offer.client_max_window_bits = false;
  for (const auto& p : params) {
    if (iequals(p.name, "client_max_window_bits")) offer.client_max_window_bits = true;
    if (iequals(p.name, "client_no_context_takeover")) offer.client_no_context_takeover = true;
    if (iequals(p.name, "server_no_context_takeover")) offer.server_no_context_takeover = true;
  }
  return offer;
}

std::error_code parse_deflate_response(std::string_view element, const DeflateOffer& offer, DeflateParams& out,
                                       std::string& detail) {
  auto bad = [&](std::string why) {
    detail = "permessage-deflate response: " + std::move(why);
    return make_error_code(error::handshake_bad_extension_params);
  };
  std::string_view name;
  std::vector<Param> params;
  if (!parse_element(element, name, params)) return bad("malformed extension element");
  DeflateParams result;
  // §7.1.1.2: by offering client_no_context_takeover the client announces that
  // "the client is going to use the "no context takeover" mode" even if the
  // response does not include the parameter.
  result.client_no_context_takeover = offer.client_no_context_takeover;
  bool seen[4] = {};
  for (const auto& p : params) {
    // §7.1: "A client MUST _Fail the WebSocket Connection_ if the peer server
    // accepted an extension negotiation offer for this extension with an
    // extension negotiation response meeting any of the following conditions:
    // * The negotiation response contains an extension parameter not defined
    //   for use in a response.
    // * The negotiation response contains an extension parameter with an
    //   invalid value.
    // * The negotiation response contains multiple extension parameters with
    //   the same name.
    // * The client does not support the configuration that the response represents."
    const std::string param_name(p.name);
    int index = 0;
    if (iequals(p.name, "server_no_context_takeover")) {
      index = 0;
      if (p.value) return bad(param_name + " takes no value");
      result.server_no_context_takeover = true;
    } else if (iequals(p.name, "client_no_context_takeover")) {
      index = 1;
      if (p.value) return bad(param_name + " takes no value");
      result.client_no_context_takeover = true;
    } else if (iequals(p.name, "server_max_window_bits")) {
      index = 2;
      const auto bits = parse_window_bits(p.value);
      if (!bits) return bad(param_name + " needs a value from 8 to 15");
      result.server_max_window_bits = *bits;
    } else if (iequals(p.name, "client_max_window_bits")) {
      index = 3;
      // §7.1.2.2: "If a received extension negotiation offer doesn't have the
      // "client_max_window_bits" extension parameter, the corresponding
      // extension negotiation response to the offer MUST NOT include the
      // "client_max_window_bits" extension parameter."
      if (!offer.client_max_window_bits) return bad(param_name + " was not offered");
      const auto bits = parse_window_bits(p.value);
      if (!bits) return bad(param_name + " needs a value from 8 to 15");
      result.client_max_window_bits = *bits;
    } else {
      return bad("unknown parameter " + param_name);
    }
    if (seen[index]) return bad("duplicate parameter " + param_name);
    seen[index] = true;
  }
  out = result;
  return {};
}

}  // namespace duplex::rfc6455
