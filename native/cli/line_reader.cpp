#include "line_reader.hpp"

#include <boost/asio/post.hpp>
#include <iostream>
#include <mutex>
#include <thread>

namespace duplex::cli {

/// Shared by the loop and the reader thread; stop() clears `io`.
struct LineReader::Channel {
  std::mutex mutex;
  boost::asio::io_context* io = nullptr;
  Handler on_line;

  bool stopped() {
    std::lock_guard lock(mutex);
    return io == nullptr;
  }
};

LineReader::LineReader(boost::asio::io_context& io, Handler on_line) : channel_(std::make_shared<Channel>()) {
  channel_->io = &io;
  channel_->on_line = std::move(on_line);
  auto deliver = [](const std::shared_ptr<Channel>& channel, std::optional<std::string> line) {
    std::lock_guard lock(channel->mutex);
    if (channel->io == nullptr) return;
    boost::asio::post(*channel->io, [channel, line = std::move(line)]() mutable {
      if (!channel->stopped()) channel->on_line(std::move(line));
    });
  };
  // Detached: a blocking read of a terminal cannot be interrupted portably; the
  // thread keeps the channel alive and finds it stopped.
  std::thread([channel = channel_, deliver] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      deliver(channel, line);
    }
    deliver(channel, std::nullopt);
  }).detach();
}

LineReader::~LineReader() { stop(); }

void LineReader::stop() {
  std::lock_guard lock(channel_->mutex);
  channel_->io = nullptr;
}

}  // namespace duplex::cli
