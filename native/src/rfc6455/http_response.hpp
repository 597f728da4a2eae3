#pragma once
// The HTTP/1.1 syntax the opening handshake needs (RFC 9112 §4, §5; RFC 9110
// §5.6.1 lists): a response status line and header fields, and comma lists.

#include <forward_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace duplex::rfc6455 {

/// A parsed response head: views into the text given to parse_response_head,
/// valid while that text is (parsing allocates nothing for a usual head).
struct HttpResponseHead {
  int status = 0;
  std::string_view reason;
  /// Fields in order: names as received, values without surrounding whitespace.
  std::vector<std::pair<std::string_view, std::string_view>> fields;

  /// The value of field `name` (field names are case-insensitive, RFC 9110
  /// §5.1), several lines combined with ", " (RFC 9110 §5.3); nullopt if
  /// absent. A combined value is kept in the head, so the view lives as long.
  std::optional<std::string_view> field(std::string_view name) const;

 private:
  mutable std::forward_list<std::string> combined_;
};

/// Parses `head`: the status line and header lines, each ending in CRLF,
/// without the final empty line. `out.fields` point into `head`.
/// Error: handshake_malformed.
std::error_code parse_response_head(std::string_view head, HttpResponseHead& out);

/// True if `text` contains CR, LF or NUL (which would end or split a header line).
bool has_cr_lf_or_nul(std::string_view text) noexcept;

/// Splits a comma list into its non-empty elements, trimmed; commas inside
/// quoted strings do not split.
std::vector<std::string_view> split_list(std::string_view list);

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// True if the comma list `list` has an element equal to `token` ignoring case.
bool has_token(std::string_view list, std::string_view token);

}  // namespace duplex::rfc6455
