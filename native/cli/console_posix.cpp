// POSIX: streams are bytes and argv is what the caller passed (UTF-8 in any
// UTF-8 locale); nothing to convert. Terminals by isatty(3), input by read(2).
#include "console.hpp"

#include <unistd.h>

#include <cerrno>

namespace duplex::cli {

void prepare_standard_streams() {}

std::vector<std::string> utf8_arguments(int argc, char* argv[]) { return {argv, argv + argc}; }

bool standard_streams_are_terminals() { return isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1; }

std::ptrdiff_t read_standard_input(char* buffer, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, size);
    if (n >= 0 || errno != EINTR) return n;  // a signal interrupted the wait: read again
  }
}

}  // namespace duplex::cli
