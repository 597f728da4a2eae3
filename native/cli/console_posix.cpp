// POSIX: streams are bytes and argv is what the caller passed (UTF-8 in any
// UTF-8 locale); nothing to convert.
#include "console.hpp"

namespace duplex::cli {

void prepare_standard_streams() {}

std::vector<std::string> utf8_arguments(int argc, char* argv[]) { return {argv, argv + argc}; }

}  // namespace duplex::cli
