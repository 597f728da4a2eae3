#pragma once
// Which I/O path a backend's plain-TCP connections take: decided once, when
// the backend is made (io_path_linux.cpp, io_path_portable.cpp).

#include <boost/asio/io_context.hpp>

#include "duplex/native/asio_backend.hpp"

namespace duplex::native {

class IoUringService;

/// The path taken, and the io_context's ring when it is io_uring.
struct IoPathChoice {
  IoPath path;
  IoUringService* ring = nullptr;
};

/// Honours `requested` (or, when `automatic`, the DUPLEX_IO environment
/// variable) where the build and the kernel can; else falls back as
/// AsioBackendConfig::io_path says, with one line on stderr per process when a
/// path asked for cannot be taken.
IoPathChoice choose_io_path(boost::asio::io_context& io, IoPath requested);

}  // namespace duplex::native
