#pragma once
// The Retry-After header field (RFC 9110 §10.2.3): how long a server that
// answered 429 or 503 asks the client to wait.

#include <chrono>
#include <optional>
#include <string_view>

namespace duplex {

/// `Retry-After = HTTP-date / delay-seconds`: the delay it asks for, from
/// `now` for an HTTP-date (0 for a date past). Nothing for a value that is
/// neither (RFC 9110 §5.6.7 dates: IMF-fixdate, and the obsolete RFC 850 and
/// asctime forms a recipient "MUST accept").
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace duplex
