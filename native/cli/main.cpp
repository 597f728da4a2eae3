// duplex — a WebSocket client for the command line (think wscat / websocat),
// written against the same duplex::WebSocket API applications use.
//
// main() reads the command line and hands over to the session (session.cpp);
// how a session's end becomes the exit status is exit_status.cpp's.

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "console.hpp"
#include "duplex/error.hpp"
#include "exit_status.hpp"
#include "input_reader.hpp"
#include "session.hpp"

namespace duplex::cli {
namespace {

constexpr const char* version_text = "duplex 0.1.0";

/// Interactive mode: asked for, or both standard streams are terminals (and
/// no --file to read).
bool interactive_mode(const CliOptions& options) {
  if (options.interactive) return *options.interactive;
  return !options.file && standard_streams_are_terminals();
}

/// Runs a command line that parsed; returns the exit status.
int run(const CliOptions& options) {
  if (options.help) return std::fputs(usage_text(), stdout) < 0 ? exit_not_done : exit_ok;
  if (options.version) return std::puts(version_text) < 0 ? exit_not_done : exit_ok;
  if (options.file) {
    if (const std::string why = InputReader::check_readable(*options.file); !why.empty())
      throw UsageError("--file: " + why);
  }
  if (options.connection.insecure_skip_certificate_verification)
    std::cerr << "duplex: WARNING: --insecure: server certificates are NOT verified; anyone on the path can read "
                 "and change this connection"
              << std::endl;
  return run_session(options, interactive_mode(options));
}

}  // namespace
}  // namespace duplex::cli

int main(int argc, char* argv[]) {
  using namespace duplex::cli;
  prepare_standard_streams();
  const std::vector<std::string> args = utf8_arguments(argc, argv);
  std::vector<const char*> arg_pointers;
  for (const std::string& arg : args) arg_pointers.push_back(arg.c_str());
  try {
    return run(parse_command_line(static_cast<int>(arg_pointers.size()), arg_pointers.data()));
  } catch (const UsageError& e) {
    std::cerr << "duplex: " << e.what() << "\n(duplex --help lists the options)" << std::endl;
    return exit_usage;
  } catch (const duplex::Error& e) {  // what the WebSocket constructor refuses: a bad URL, protocol or header
    std::cerr << "duplex: " << e.what() << std::endl;
    return exit_usage;
  }
}
