// The process-wide default backend of native builds and duplex::run().

#include <boost/asio/io_context.hpp>

#include "duplex/backend.hpp"
#include "duplex/native/asio_backend.hpp"

namespace duplex {
namespace {

boost::asio::io_context& default_context() {
  static boost::asio::io_context io(1);  // one thread runs it: see the threading model
  return io;
}

}  // namespace

Backend& default_backend() {
  static native::AsioBackend backend(default_context());
  return backend;
}

void run() {
  auto& io = default_context();
  io.run();  // returns when no socket has work left: all closed
  io.restart();
}

}  // namespace duplex
