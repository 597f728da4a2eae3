// The client's opening handshake (RFC 6455 §4.1, §4.2.2).

#include "duplex/rfc6455/handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

#include "duplex/rfc6455/error.hpp"
#include "http_response.hpp"

namespace duplex::rfc6455 {
namespace {

// §1.3: the globally unique identifier appended to the key.
constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Bound on the response head; a server that needs more is not one we talk to.
constexpr std::size_t max_response_head = 16 * 1024;

// OpenSSL 3 looks the implementation up (EVP_MD_fetch, a locked table search)
// on every digest it is asked for by EVP_sha1(); fetch SHA-1 once instead.
// The fetched algorithm is immutable and may be used from any thread.
const EVP_MD* sha1() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// The Sec-WebSocket-Accept value for `key` (§4.2.2 item 5.4), without a heap
// allocation: the digest context is kept per thread, since creating one costs
// more than hashing the 60 bytes.
std::array<char, 28> accept_for(std::string_view key) {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  const bool ok = context && sha1() && EVP_DigestInit_ex2(context.get(), sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(context.get(), key.data(), key.size()) == 1 &&
                  EVP_DigestUpdate(context.get(), accept_guid.data(), accept_guid.size()) == 1 &&
                  EVP_DigestFinal_ex(context.get(), digest.data(), &size) == 1 && size == 20;
  if (!ok) throw std::runtime_error("SHA-1 unavailable");
  std::array<unsigned char, 29> text{};  // 28 characters and EVP_EncodeBlock's NUL
  EVP_EncodeBlock(text.data(), digest.data(), 20);
  std::array<char, 28> accept{};
  std::copy_n(text.begin(), accept.size(), accept.begin());
  return accept;
}

std::string fresh_key(const RandomSource& random) {
  // §4.1 item 7: "a randomly selected 16-byte value that has been base64-encoded".
  std::array<std::byte, 16> nonce{};
  random(nonce);
  return base64(reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size());
}

// Defence in depth: the API layer validates first; a CR or LF here would let a
// value inject header lines.
void check_field(std::string_view what, std::string_view value) {
  if (has_cr_lf_or_nul(value)) throw std::invalid_argument(std::string(what) + " contains CR, LF or NUL");
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
  check_field(name, value);
  out.append(name).append(": ").append(value).append("\r\n");
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string build_request(const HandshakeRequest& request, std::string_view key) {
  const std::string_view resource = request.resource.empty() ? std::string_view("/") : request.resource;
  check_field("resource", resource);
  if (resource.find(' ') != std::string_view::npos) throw std::invalid_argument("resource contains a space");
  // §4.1 items 1–9: method GET, HTTP/1.1, Host, Upgrade, Connection, key, version.
  std::string out;
  std::size_t extra = resource.size() + request.host.size() + request.origin.size();
  for (const auto& item : request.protocols) extra += item.size() + 2;
  for (const auto& item : request.extensions) extra += item.size() + 2;
  for (const auto& [name, value] : request.headers) extra += name.size() + value.size() + 4;
  out.reserve(256 + extra);  // the fixed fields take about 150 bytes: one allocation
  out.append("GET ").append(resource).append(" HTTP/1.1\r\n");
  add_field(out, "Host", request.host);
  add_field(out, "Upgrade", "websocket");
  add_field(out, "Connection", "Upgrade");
  add_field(out, "Sec-WebSocket-Key", key);
  add_field(out, "Sec-WebSocket-Version", "13");
  if (!request.protocols.empty()) add_field(out, "Sec-WebSocket-Protocol", join(request.protocols));
  if (!request.extensions.empty()) add_field(out, "Sec-WebSocket-Extensions", join(request.extensions));
  if (!request.origin.empty()) add_field(out, "Origin", request.origin);
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || name.find(':') != std::string::npos) throw std::invalid_argument("bad header name");
    check_field("header name", name);
    add_field(out, name, value);
  }
  out.append("\r\n");
  return out;
}

// The extension name of one element of a Sec-WebSocket-Extensions list.
std::string_view extension_name(std::string_view item) {
  const auto semi = item.find(';');
  std::string_view name = item.substr(0, semi);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

// True if `name` is the name of an extension in the client's offer (each
// offer element may itself be a comma list).
bool was_offered(const std::vector<std::string>& offers, std::string_view name) {
  for (const auto& offer : offers) {
    for (std::string_view element : split_list(offer)) {
      if (iequals(extension_name(element), name)) return true;
    }
  }
  return false;
}

}  // namespace

// The union of the permessage-deflate offers in the request: a parameter
// counts as offered if any of them carries it.
DeflateOffer ClientHandshake::offered_deflate() const {
  DeflateOffer all{false, false, false};
  for (const auto& offer : request_.extensions) {
    for (std::string_view element : split_list(offer)) {
      const auto parsed = parse_deflate_offer(element);
      if (!parsed) continue;
      all.client_max_window_bits |= parsed->client_max_window_bits;
      all.client_no_context_takeover |= parsed->client_no_context_takeover;
      all.server_no_context_takeover |= parsed->server_no_context_takeover;
    }
  }
  return all;
}

std::string compute_accept(std::string_view key) {
  const auto accept = accept_for(key);
  return std::string(accept.data(), accept.size());
}

ClientHandshake::ClientHandshake(HandshakeRequest request, const RandomSource& random)
    : ClientHandshake(std::move(request), fresh_key(random)) {}

ClientHandshake::ClientHandshake(HandshakeRequest request, std::string key)
    : request_(std::move(request)), key_(std::move(key)), request_bytes_(build_request(request_, key_)) {}

std::span<const std::byte> ClientHandshake::leftover() const noexcept {
  if (status_ != Status::done) return {};
  return std::as_bytes(std::span(buffer_)).subspan(header_end_);
}

std::optional<HandshakeResponse> ClientHandshake::response() const {
  // status_code_ is set only once the whole head parsed (validate()).
  if (status_code_ == 0) return std::nullopt;
  HttpResponseHead head;
  if (parse_response_head(std::string_view(buffer_).substr(0, header_end_ - 2), head)) return std::nullopt;
  HandshakeResponse out;
  out.status = head.status;
  out.reason = head.reason;
  // A multimap inserts a name already present after its earlier values:
  // repeated fields (Set-Cookie, RFC 6265 §3) keep the order received.
  for (const auto& [name, value] : head.fields) out.headers.emplace(name, value);
  return out;
}

ClientHandshake::Status ClientHandshake::fail(std::error_code ec, std::string detail) {
  error_ = ec;
  error_detail_ = std::move(detail);
  deflate_.reset();
  status_ = Status::failed;
  return status_;
}

ClientHandshake::Status ClientHandshake::feed(std::span<const std::byte> bytes) {
  if (status_ != Status::need_more) return status_;
  const std::size_t old_size = buffer_.size();
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  // Search only where the terminator can newly appear: linear even byte by byte.
  const auto end = buffer_.find("\r\n\r\n", old_size < 3 ? 0 : old_size - 3);
  if (end == std::string::npos || end + 4 > max_response_head) {
    if (buffer_.size() < max_response_head) return status_;
    return fail(error::handshake_too_large, "response header exceeds 16 KiB");
  }
  header_end_ = end + 4;
  return validate();
}

ClientHandshake::Status ClientHandshake::validate() {
  HttpResponseHead head;
  if (auto ec = parse_response_head(std::string_view(buffer_).substr(0, header_end_ - 2), head))
    return fail(ec, "malformed HTTP response");
  status_code_ = head.status;
  // §4.1 (1): "If the status code received from the server is not 101, the client handles the response per HTTP".
  if (head.status != 101) {
    std::string detail = "server answered " + std::to_string(head.status);
    if (!head.reason.empty()) detail.append(" ").append(head.reason);
    // WHATWG WebSockets: the handshake's fetch uses redirect mode "error", so a
    // 3xx is not followed; say where it pointed.
    if (head.status >= 300 && head.status < 400) {
      if (auto location = head.field("location"))
        detail.append(" (redirect to ").append(*location).append(", not followed)");
    }
    return fail(error::handshake_bad_status, std::move(detail));
  }
  // §4.1 (2): "If the response lacks an |Upgrade| header field or the |Upgrade|
  // header field contains a value that is not an ASCII case-insensitive match
  // for the value "websocket", the client MUST _Fail the WebSocket Connection_."
  const auto upgrade = head.field("upgrade");
  if (!upgrade || !has_token(*upgrade, "websocket"))
    return fail(error::handshake_bad_upgrade, "Upgrade is not websocket");
  // §4.1 (3): "If the response lacks a |Connection| header field or the
  // |Connection| header field doesn't contain a token that is an ASCII
  // case-insensitive match for the value "Upgrade", the client MUST _Fail ..._"
  const auto connection = head.field("connection");
  if (!connection || !has_token(*connection, "upgrade"))
    return fail(error::handshake_bad_connection, "Connection does not contain Upgrade");
  // §4.1 (4): "If the |Sec-WebSocket-Accept| contains a value other than the
  // base64-encoded SHA-1 of the concatenation of the |Sec-WebSocket-Key| (as a
  // string, not base64-decoded) with the string "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
  // ... the client MUST _Fail the WebSocket Connection_."
  const auto accept = head.field("sec-websocket-accept");
  if (!accept || *accept != std::string_view(accept_for(key_).data(), 28))
    return fail(error::handshake_bad_accept, "Sec-WebSocket-Accept does not match the key");
  // §4.1 (5): "If the response includes a |Sec-WebSocket-Extensions| header
  // field and this header field indicates the use of an extension that was not
  // present in the client's handshake ... the client MUST _Fail ..._"
  const auto extensions = head.field("sec-websocket-extensions");
  if (extensions && validate_extensions(*extensions) == Status::failed) return status_;
  // §4.1 (6): "If the response includes a |Sec-WebSocket-Protocol| header field
  // and this header field indicates the use of a subprotocol that was not
  // present in the client's handshake ... the client MUST _Fail ..._"
  const auto protocol = head.field("sec-websocket-protocol");
  if (protocol && !protocol->empty()) {
    if (std::find(request_.protocols.begin(), request_.protocols.end(), *protocol) == request_.protocols.end())
      return fail(error::handshake_unrequested_protocol, "server selected subprotocol " + std::string(*protocol));
    protocol_ = *protocol;
  }
  status_ = Status::done;
  return status_;
}

ClientHandshake::Status ClientHandshake::validate_extensions(std::string_view header) {
  for (std::string_view item : split_list(header)) {
    const auto name = extension_name(item);
    if (!was_offered(request_.extensions, name))
      return fail(error::handshake_unrequested_extension, "server selected extension " + std::string(name));
    if (!iequals(name, permessage_deflate_token)) continue;
    // RFC 7692 §5: "A server MUST NOT accept a PMCE extension negotiation
    // offer together with another extension if the PMCE will conflict with the
    // extension on their use of the RSV1 bit. A client that received a
    // response accepting a PMCE extension negotiation offer together with such
    // an extension MUST _Fail the WebSocket Connection_." Two permessage-deflate
    // elements would both claim RSV1.
    if (deflate_) return fail(error::handshake_duplicate_extension, "server accepted permessage-deflate twice");
    DeflateParams params;
    std::string detail;
    if (auto ec = parse_deflate_response(item, offered_deflate(), params, detail)) return fail(ec, std::move(detail));
    deflate_ = params;
  }
  extensions_ = header;
  return status_;
}

}  // namespace duplex::rfc6455
