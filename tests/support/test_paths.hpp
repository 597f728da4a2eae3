#pragma once
// Where the tests find the source tree, the build tree and the peer runtimes.

#include <string>
#include <string_view>

namespace duplex::test {

/// The project's source directory (the DUPLEX_SOURCE_DIR compile definition).
std::string source_dir();

/// The project's build directory (the DUPLEX_BINARY_DIR compile definition).
std::string binary_dir();

/// The `node` executable found on PATH, or /usr/bin/node if none is.
std::string node_binary();

/// Debian's Python, the one that sees python3-websockets: /usr/bin/python3.
std::string python_binary();

/// Creates a fresh directory `<prefix>-XXXXXX` under binary_dir()/tmp (or
/// under /tmp if that cannot be created) and returns its path. The caller
/// owns it. Throws std::runtime_error on failure.
std::string make_temp_dir(std::string_view prefix);

}  // namespace duplex::test
