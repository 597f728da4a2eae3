#pragma once
// One run of the client: the socket, the input (standard input, a file, or
// the interactive console), the output, interrupts and timers; returns the
// exit status once the connection has ended for good.

#include "cli_options.hpp"

namespace duplex::cli {

/// Connects, runs until the connection ends for good, prints the last word
/// (unless -q) and returns the exit status (exit_status.hpp). `interactive`:
/// read lines from an InteractiveConsole and run its commands. Throws
/// duplex::Error for what the WebSocket constructor refuses (a bad URL).
int run_session(const CliOptions& options, bool interactive);

}  // namespace duplex::cli
