#pragma once
// The server's answer to the opening handshake (RFC 6455 §4.1, §4.2.2), as a
// native backend received it: beyond the WHATWG API, which hides it.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "duplex/export.hpp"

namespace duplex {

/// Orders header names ignoring ASCII case (RFC 9110 §5.1: "Field names are
/// case-insensitive"). Transparent: lookups take a std::string_view.
struct CaseInsensitiveLess {
  using is_transparent = void;
  DUPLEX_API bool operator()(std::string_view a, std::string_view b) const noexcept;
};

/// Header fields by name, ignoring case; a name received several times (e.g.
/// Set-Cookie) keeps each value, in the order received.
using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

/// The status line and header fields of the handshake response.
struct HandshakeResponse {
  int status = 0;       ///< e.g. 101, or 403 for a refused handshake
  std::string reason;   ///< the reason phrase, e.g. "Switching Protocols"
  HeaderMap headers;    ///< every field, names as received, values trimmed

  /// The first value of the field `name` (any case), or nothing.
  DUPLEX_API std::optional<std::string_view> header(std::string_view name) const;
};

}  // namespace duplex
