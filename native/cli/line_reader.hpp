#pragma once
// Reads standard input line by line on a thread of its own and hands each line
// to the event loop, so the socket is only ever touched from the loop.

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace duplex::cli {

/// Starts the reader. `on_line` gets each line (without its newline) and then,
/// once, std::nullopt at end of input; both are posted to `io`. Call stop()
/// before `io` is destroyed: lines read later are dropped.
class LineReader {
 public:
  using Handler = std::function<void(std::optional<std::string>)>;
  LineReader(boost::asio::io_context& io, Handler on_line);
  ~LineReader();
  void stop();

 private:
  struct Channel;
  std::shared_ptr<Channel> channel_;
};

}  // namespace duplex::cli
