#pragma once
// What the command line and the standard streams need per platform: on
// Windows, arguments come as UTF-16 and streams translate "\n" to "\r\n"
// unless told not to; elsewhere both are bytes already.

#include <string>
#include <vector>

namespace duplex::cli {

/// Makes standard input, output and error carry bytes unchanged (no newline
/// translation) and a console show and type UTF-8. Call once, first in main.
void prepare_standard_streams();

/// The program's arguments, argv[0] included, as UTF-8.
std::vector<std::string> utf8_arguments(int argc, char* argv[]);

}  // namespace duplex::cli
