#pragma once
// Runs the `duplex` command-line client as a person would: its arguments
// split as a shell splits them, standard input fed in, stdout and stderr read
// together. No shell runs: the same on every platform.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/peer_process.hpp"
#include "support/test_paths.hpp"

namespace duplex::test {

/// What one run of the client printed and its exit status.
struct CliRun {
  int status = -1;
  std::string output;  // stdout and stderr together
};

/// Splits `args` at spaces outside single or double quotes, which are removed
/// (backslashes are kept: Windows paths pass unchanged).
inline std::vector<std::string> split_cli_args(const std::string& args) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : args) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ') {
      if (in_word) out.push_back(std::exchange(word, {}));
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

/// The bytes printf(1) writes for `format`'s escapes: \n, \t, \\, \NNN (octal).
inline std::string printf_escapes(const std::string& format) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '\\' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    const char next = format[++i];
    if (next == 'n') out += '\n';
    else if (next == 't') out += '\t';
    else if (next == '\\') out += '\\';
    else if (next >= '0' && next <= '7') {
      int value = 0;
      for (int digits = 0; digits < 3 && i < format.size() && format[i] >= '0' && format[i] <= '7'; ++digits, ++i)
        value = value * 8 + (format[i] - '0');
      --i;
      out += static_cast<char>(value);
    } else {
      out += '\\';
      out += next;
    }
  }
  return out;
}

/// Runs `duplex ARGS 2>&1` with `input` on its standard input, byte for byte.
inline CliRun run_cli_bytes(const std::string& input, const std::string& args) {
  std::vector<std::string> argv = {local_path(DUPLEX_CLI_PATH)};
  for (auto& arg : split_cli_args(args)) argv.push_back(std::move(arg));
  const auto captured = run_process_capture(argv, input);
  return CliRun{captured.exit_code, captured.output};
}

/// Runs `printf INPUT | duplex ARGS 2>&1` (INPUT uses printf escapes).
inline CliRun run_cli(const std::string& input, const std::string& args) {
  return run_cli_bytes(printf_escapes(input), args);
}

/// The lines of `text` that start with `prefix`, each without its newline.
inline std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.compare(start, prefix.size(), prefix) == 0) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace duplex::test
