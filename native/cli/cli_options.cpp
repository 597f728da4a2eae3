#include "cli_options.hpp"

#include <charconv>
#include <string_view>

namespace duplex::cli {
namespace {

template <class Integer>
Integer parse_number(std::string_view option, std::string_view text, Integer min, Integer max) {
  Integer value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    throw UsageError(std::string(option) + " needs a number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not '" + std::string(text) + "'");
  return value;
}

std::pair<std::string, std::string> parse_header(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    throw UsageError("-H needs 'Name: value', not '" + std::string(text) + "'");
  auto value = text.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  return {std::string(text.substr(0, colon)), std::string(value)};
}

// Seconds with an optional fraction ("0.5"), as milliseconds.
std::chrono::milliseconds parse_seconds(std::string_view option, std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value > 0) || value > 86'400)
    throw UsageError(std::string(option) + " needs seconds from 0.001 to 86400, not '" + std::string(text) + "'");
  return std::chrono::milliseconds(static_cast<long long>(value * 1000 + 0.5));
}

Options::TlsVersion parse_tls_version(std::string_view text) {
  if (text == "1.2") return Options::TlsVersion::tls1_2;
  if (text == "1.3") return Options::TlsVersion::tls1_3;
  throw UsageError("--min-tls needs 1.2 or 1.3, not '" + std::string(text) + "'");
}

}  // namespace

const char* usage_text() {
  return R"(usage: duplex [options] URL

Connects to the WebSocket server at URL (ws://, wss://, http://, https://),
prints every message received, one per line, and sends each line read from
standard input as a text message. At the end of input it waits for replies
(--linger), then closes the connection cleanly.

options:
  -p, --protocol NAME      offer subprotocol NAME (repeatable, in order of preference)
  -H, --header 'N: V'      add a header to the opening handshake (repeatable)
      --origin ORIGIN      send an Origin header
      --cacert FILE        also trust the CA certificates in FILE (PEM) for wss://
      --cert FILE          client certificate (PEM) for mutual TLS; needs --key
      --key FILE           private key (PEM) of --cert
      --min-tls VERSION    lowest TLS version accepted: 1.2 (default) or 1.3
      --insecure           DANGER: accept any server certificate (expired,
                           self-signed, another host's); prints a warning
      --proxy URL          proxy: http://[user:pass@]host:port, socks5://...,
                           socks5h://..., or 'direct' (default: the
                           https_proxy / http_proxy / all_proxy variables)
      --ping-interval S    send a Ping every S seconds (decimals allowed)
      --pong-timeout S     fail when nothing answers a Ping within S seconds
      --reconnect          reconnect after a connection ends (exponential
                           backoff with full jitter, 0.5 s base, 30 s cap);
                           lines read meanwhile are sent once it reopens
      --max-retries N      with --reconnect: give up after N failed attempts
      --final-code CODE    with --reconnect: never reconnect after a close with
                           CODE (repeatable)
  -b, --binary             send each input line as a binary message
  -x, --hex                print binary messages as hex instead of raw bytes
      --close-code CODE    close with CODE (1000 or 3000-4999) at end of input
      --close-reason TEXT  close reason (at most 123 bytes of UTF-8)
  -n, --count N            close after receiving N messages
      --linger MS          after input ends, wait until MS milliseconds pass
                           with no message before closing (default 500)
      --timeout SECONDS    opening handshake timeout (default 30)
      --max-message BYTES  largest message accepted (default 67108864)
  -q, --quiet              print messages only, no diagnostics
  -v, --verbose            also print readyState changes, protocol and close code
  -h, --help               print this help
      --version            print the version

exit status: 0 after a clean close, 1 after a failed or unclean close,
2 for a command line that cannot be run.
)";
}

CliOptions parse_command_line(int argc, const char* const argv[]) {
  CliOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw UsageError(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help")
      options.help = true;
    else if (arg == "--version")
      options.version = true;
    else if (arg == "-p" || arg == "--protocol")
      options.protocols.emplace_back(value());
    else if (arg == "-H" || arg == "--header")
      options.connection.headers.push_back(parse_header(value()));
    else if (arg == "--origin")
      options.connection.origin = value();
    else if (arg == "--cacert")
      options.connection.ca_file = value();
    else if (arg == "--cert")
      options.connection.client_certificate_file = value();
    else if (arg == "--key")
      options.connection.client_key_file = value();
    else if (arg == "--min-tls")
      options.connection.min_tls_version = parse_tls_version(value());
    else if (arg == "--insecure")
      options.connection.insecure_skip_certificate_verification = true;
    else if (arg == "--proxy")
      options.connection.proxy = value();
    else if (arg == "--ping-interval")
      options.connection.ping_interval = parse_seconds(arg, value());
    else if (arg == "--pong-timeout")
      options.connection.pong_timeout = parse_seconds(arg, value());
    else if (arg == "-b" || arg == "--binary")
      options.send_binary = true;
    else if (arg == "-x" || arg == "--hex")
      options.hex = true;
    else if (arg == "--close-code")
      options.close_code = parse_number<std::uint16_t>(arg, value(), 0, 65535);
    else if (arg == "--close-reason")
      options.close_reason = value();
    else if (arg == "-n" || arg == "--count")
      options.count = parse_number<std::uint64_t>(arg, value(), 1, UINT64_MAX);
    else if (arg == "--reconnect")
      options.reconnect_enabled = true;
    else if (arg == "--max-retries")
      options.reconnect.max_attempts = parse_number<std::uint32_t>(arg, value(), 0, UINT32_MAX);
    else if (arg == "--final-code")
      options.reconnect.final_codes.insert(parse_number<std::uint16_t>(arg, value(), 1000, 4999));
    else if (arg == "--linger")
      options.linger = std::chrono::milliseconds(parse_number<std::uint32_t>(arg, value(), 0, 3'600'000));
    else if (arg == "--timeout")
      options.connection.open_timeout = std::chrono::seconds(parse_number<std::uint32_t>(arg, value(), 1, 86'400));
    else if (arg == "--max-message")
      options.connection.max_message_size = parse_number<std::size_t>(arg, value(), 1, SIZE_MAX);
    else if (arg == "-q" || arg == "--quiet")
      options.verbosity = Verbosity::quiet;
    else if (arg == "-v" || arg == "--verbose")
      options.verbosity = Verbosity::verbose;
    else if (arg.starts_with("-") && arg.size() > 1)
      throw UsageError("unknown option " + std::string(arg));
    else if (options.url.empty())
      options.url = arg;
    else
      throw UsageError("more than one URL: '" + options.url + "' and '" + std::string(arg) + "'");
  }
  if (options.url.empty() && !options.help && !options.version) throw UsageError("no URL given");
  return options;
}

}  // namespace duplex::cli
