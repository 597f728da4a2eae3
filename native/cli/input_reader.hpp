#pragma once
// Reads standard input (or a file) on a thread of its own, cuts it into
// frames (input_framing.hpp) and hands each to the event loop, so the socket
// is only ever touched from the loop.

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "input_framing.hpp"

namespace duplex::cli {

/// Starts reading at construction. `on_frame` gets each frame and then, once,
/// std::nullopt at end of input; both are posted to `io`. Call stop() before
/// `io` is destroyed: frames read later are dropped.
class InputReader {
 public:
  using Handler = std::function<void(std::optional<Frame>)>;
  /// Reads `path` ("" or "-": standard input) with `framer`.
  InputReader(boost::asio::io_context& io, Framer framer, std::string path, Handler on_frame);
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;
  void stop();

  /// Why `path` cannot be read, or "" when it can (checked before connecting).
  static std::string check_readable(const std::string& path);

  /// Shared by the loop and the reading thread (input_reader.cpp).
  struct Channel;

 private:
  std::shared_ptr<Channel> channel_;
};

}  // namespace duplex::cli
