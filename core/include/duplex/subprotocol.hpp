#pragma once
// Validation of the subprotocol list given to the WebSocket constructor.

#include <string>
#include <vector>

#include "duplex/export.hpp"

namespace duplex {

/// WHATWG WebSockets § new WebSocket(url, protocols), step "If any of the
/// values in protocols occur more than once or otherwise fail to match the
/// requirements for elements that comprise the value of
/// `Sec-WebSocket-Protocol` fields as defined by The WebSocket Protocol, then
/// throw a SyntaxError". Each entry must be an RFC 7230 token (RFC 6455 §4.1,
/// item 10) and no two may be equal ignoring ASCII case.
/// Throws Error("SyntaxError") naming the offending entry.
DUPLEX_API void validate_protocols(const std::vector<std::string>& protocols);

}  // namespace duplex
