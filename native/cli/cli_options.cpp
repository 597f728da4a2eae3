#include "cli_options.hpp"

#include <charconv>
#include <regex>
#include <string_view>

#include "duplex/close_code.hpp"

namespace duplex::cli {
namespace {

/// The arguments still to read; value() takes the one after the option.
struct Arguments {
  int argc;
  const char* const* argv;
  int index = 1;

  std::string_view value(std::string_view option) {
    if (index + 1 >= argc) throw UsageError(std::string(option) + " needs a value");
    return argv[++index];
  }
};

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
  if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0.001) || value > 86'400)
    throw UsageError(std::string(option) + " needs seconds from 0.001 to 86400, not '" + std::string(text) + "'");
  return std::chrono::milliseconds(static_cast<long long>(value * 1000 + 0.5));
}

Options::TlsVersion parse_tls_version(std::string_view text) {
  if (text == "1.2") return Options::TlsVersion::tls1_2;
  if (text == "1.3") return Options::TlsVersion::tls1_3;
  throw UsageError("--min-tls needs 1.2 or 1.3, not '" + std::string(text) + "'");
}

InputEncoding parse_input_encoding(std::string_view text) {
  if (text == "text") return InputEncoding::none;
  if (text == "hex") return InputEncoding::hex;
  if (text == "base64") return InputEncoding::base64;
  throw UsageError("--input needs text, hex or base64, not '" + std::string(text) + "'");
}

OutputFormat parse_output_format(std::string_view text) {
  if (text == "text") return OutputFormat::text;
  if (text == "hex") return OutputFormat::hex;
  if (text == "base64") return OutputFormat::base64;
  if (text == "raw") return OutputFormat::raw;
  if (text == "json") return OutputFormat::json;
  throw UsageError("--output needs text, hex, base64, raw or json, not '" + std::string(text) + "'");
}

CrlfMode parse_crlf(std::string_view text) {
  if (text == "strip") return CrlfMode::strip;
  if (text == "keep") return CrlfMode::keep;
  throw UsageError("--crlf needs keep or strip, not '" + std::string(text) + "'");
}

// The handshake, TLS, proxy and the library's limits and timers.
bool parse_connection_option(std::string_view arg, Arguments& args, CliOptions& o) {
  Options& c = o.connection;
  if (arg == "-p" || arg == "--protocol") o.protocols.emplace_back(args.value(arg));
  else if (arg == "-H" || arg == "--header") c.headers.push_back(parse_header(args.value(arg)));
  else if (arg == "--origin") c.origin = args.value(arg);
  else if (arg == "--cacert") c.ca_file = args.value(arg);
  else if (arg == "--cert") c.client_certificate_file = args.value(arg);
  else if (arg == "--key") c.client_key_file = args.value(arg);
  else if (arg == "--min-tls") c.min_tls_version = parse_tls_version(args.value(arg));
  else if (arg == "--insecure") c.insecure_skip_certificate_verification = true;
  else if (arg == "--proxy") c.proxy = args.value(arg);
  else if (arg == "--no-deflate") c.permessage_deflate = false;
  else if (arg == "--connect-timeout") c.connect_timeout = parse_seconds(arg, args.value(arg));
  else if (arg == "--open-timeout") c.open_timeout = parse_seconds(arg, args.value(arg));
  else if (arg == "--close-timeout") c.close_timeout = parse_seconds(arg, args.value(arg));
  else if (arg == "--idle-timeout") c.idle_timeout = parse_seconds(arg, args.value(arg));
  else if (arg == "--ping-interval") c.ping_interval = parse_seconds(arg, args.value(arg));
  else if (arg == "--pong-timeout") c.pong_timeout = parse_seconds(arg, args.value(arg));
  else if (arg == "--max-message") c.max_message_size = parse_number<std::size_t>(arg, args.value(arg), 1, SIZE_MAX);
  else if (arg == "--reconnect") o.reconnect_enabled = true;
  else if (arg == "--max-retries")
    o.reconnect.max_attempts = parse_number<std::uint32_t>(arg, args.value(arg), 0, UINT32_MAX);
  else if (arg == "--final-code")
    o.reconnect.final_codes.insert(parse_number<std::uint16_t>(arg, args.value(arg), 1000, 4999));
  else return false;
  return true;
}

// What is read and how it becomes messages.
bool parse_input_option(std::string_view arg, Arguments& args, CliOptions& o) {
  if (arg == "--text") o.binary = false;
  else if (arg == "-b" || arg == "--binary") o.binary = true;
  else if (arg == "-0" || arg == "--null") o.framing = Framing::nul;
  else if (arg == "--file") o.file = args.value(arg);
  else if (arg == "--input") o.input_encoding = parse_input_encoding(args.value(arg));
  else if (arg == "--crlf") o.crlf = parse_crlf(args.value(arg));
  else if (arg == "-i" || arg == "--interactive") o.interactive = true;
  else if (arg == "--no-interactive") o.interactive = false;
  else return false;
  return true;
}

// What is printed.
bool parse_output_option(std::string_view arg, Arguments& args, CliOptions& o) {
  if (arg == "--output") o.output = parse_output_format(args.value(arg));
  else if (arg == "-x") o.output = OutputFormat::hex;  // output only, as before --hex read input too
  else if (arg == "--hex") o.output = OutputFormat::hex, o.input_encoding = InputEncoding::hex;
  else if (arg == "--base64") o.output = OutputFormat::base64, o.input_encoding = InputEncoding::base64;
  else if (arg == "--raw-output") o.output = OutputFormat::raw;
  else if (arg == "--json") o.output = OutputFormat::json;
  else if (arg == "--timestamps") o.timestamps = true;
  else if (arg == "--show-headers") o.show_headers = true;
  else if (arg == "-q" || arg == "--quiet") o.verbosity = Verbosity::quiet;
  else if (arg == "-v" || arg == "--verbose") o.verbosity = Verbosity::verbose;
  else return false;
  return true;
}

// When and how the session ends.
bool parse_ending_option(std::string_view arg, Arguments& args, CliOptions& o) {
  if (arg == "--close-code") o.close_code = parse_number<std::uint16_t>(arg, args.value(arg), 0, 65535);
  else if (arg == "--close-reason") o.close_reason = args.value(arg);
  else if (arg == "--expect-close")
    o.expected_close_codes.insert(parse_number<std::uint16_t>(arg, args.value(arg), 1000, 4999));
  else if (arg == "-n" || arg == "--count") o.count = parse_number<std::uint64_t>(arg, args.value(arg), 1, UINT64_MAX);
  else if (arg == "--wait-for") o.wait_for = std::string(args.value(arg));
  else if (arg == "--timeout") o.timeout = parse_seconds(arg, args.value(arg));
  else if (arg == "--linger")
    o.linger = std::chrono::milliseconds(parse_number<std::uint32_t>(arg, args.value(arg), 0, 3'600'000));
  else return false;
  return true;
}

}  // namespace

CliOptions parse_command_line(int argc, const char* const argv[]) {
  CliOptions options;
  Arguments args{argc, argv};
  for (; args.index < argc; ++args.index) {
    const std::string_view arg = argv[args.index];
    if (arg == "-h" || arg == "--help") options.help = true;
    else if (arg == "--version") options.version = true;
    else if (parse_connection_option(arg, args, options) || parse_input_option(arg, args, options) ||
             parse_output_option(arg, args, options) || parse_ending_option(arg, args, options))
      continue;
    else if (arg.starts_with("-") && arg.size() > 1) throw UsageError("unknown option " + std::string(arg));
    else if (options.url.empty()) options.url = arg;
    else throw UsageError("more than one URL: '" + options.url + "' and '" + std::string(arg) + "'");
  }
  if (options.help || options.version) return options;
  if (options.url.empty()) throw UsageError("no URL given");
  check_options(options);
  return options;
}

void check_options(const CliOptions& options) {
  if (options.close_code && !is_valid_api_close_code(*options.close_code))
    throw UsageError("--close-code must be 1000 or 3000-4999, not " + std::to_string(*options.close_code));
  if (options.close_reason.size() > 123) throw UsageError("--close-reason is longer than 123 bytes");
  if (options.file && options.framing == Framing::nul) throw UsageError("--file and -0 do not go together");
  if (options.file && options.interactive.value_or(false))
    throw UsageError("--file and --interactive do not go together");
  if (options.wait_for) {
    try {
      std::regex pattern(*options.wait_for);
    } catch (const std::regex_error& e) {
      throw UsageError("--wait-for needs an ECMAScript regular expression: " + std::string(e.what()));
    }
  }
}

}  // namespace duplex::cli
