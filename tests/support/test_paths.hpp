#pragma once
// Where the tests find the source tree, the build tree and the peer runtimes.
// test_paths_posix.cpp (Linux, macOS) and test_paths_windows.cpp implement it.
//
// Under Wine the test program is a Windows program on a Linux machine whose
// peers are Unix programs: it opens files by Windows paths (Z:\work\...),
// its peers by Unix ones. local_path() and peer_path() map between the two;
// natively both are the identity.

#include <string>
#include <string_view>

namespace duplex::test {

/// The project's source directory (the DUPLEX_SOURCE_DIR compile definition).
std::string source_dir();

/// The project's build directory (the DUPLEX_BINARY_DIR compile definition).
std::string binary_dir();

/// The `node` executable found on PATH, or /usr/bin/node if none is (under
/// Wine: the machine's /usr/bin/node, as a local_path()).
std::string node_binary();

/// Debian's Python, the one that sees python3-websockets: /usr/bin/python3
/// (under Wine as a local_path(); on Windows python.exe from PATH).
std::string python_binary();

/// A path of the machine the peers run on (e.g. "/usr/bin/node", or a path
/// the build compiled in) as this program opens it: under Wine the Windows
/// path Wine maps it to ("Z:\\usr\\bin\\node"); elsewhere itself.
std::string local_path(const std::string& path);

/// A path this program uses as a peer process reads it (in a configuration
/// file or an argument): under Wine the Unix path of a Windows one; elsewhere
/// itself.
std::string peer_path(const std::string& path);

/// Whether this Windows program runs under Wine (false on other systems).
bool running_under_wine();

/// Creates a fresh directory `<prefix>-XXXXXX` under binary_dir()/tmp (or
/// under /tmp if that cannot be created) and returns its path. The caller
/// owns it. Throws std::runtime_error on failure.
std::string make_temp_dir(std::string_view prefix);

}  // namespace duplex::test
