// Builds with the portable I/O path only (Windows, macOS, DUPLEX_PORTABLE_IO):
// every request gets it.

#include "io_path.hpp"

namespace duplex::native {

IoPathChoice choose_io_path(boost::asio::io_context&, IoPath) { return {IoPath::portable}; }

}  // namespace duplex::native
