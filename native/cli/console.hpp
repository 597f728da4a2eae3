#pragma once
// What the command line and the standard streams need per platform: on
// Windows, arguments come as UTF-16 and streams translate "\n" to "\r\n"
// unless told not to; elsewhere both are bytes already.

#include <cstddef>
#include <string>
#include <vector>

namespace duplex::cli {

/// Makes standard input, output and error carry bytes unchanged (no newline
/// translation) and a console show and type UTF-8. Call once, first in main.
void prepare_standard_streams();

/// The program's arguments, argv[0] included, as UTF-8.
std::vector<std::string> utf8_arguments(int argc, char* argv[]);

/// True when standard input and standard output are both terminals (a
/// console on Windows): interactive mode's default.
bool standard_streams_are_terminals();

/// Reads what standard input has, up to `size` bytes, waiting for at least
/// one; returns the count, 0 at end of input, -1 on an error. Unlike fread,
/// it does not wait for a full buffer, so piped lines go out as they come.
std::ptrdiff_t read_standard_input(char* buffer, std::size_t size);

}  // namespace duplex::cli
