#include "input_reader.hpp"

#include <boost/asio/post.hpp>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "console.hpp"

namespace duplex::cli {

/// Shared by the loop and the reader thread; stop() clears `io`.
struct InputReader::Channel {
  std::mutex mutex;
  boost::asio::io_context* io = nullptr;
  Handler on_frame;

  bool stopped() {
    std::lock_guard lock(mutex);
    return io == nullptr;
  }

  /// Posts `frame` to the loop unless stopped; false once stopped.
  static bool deliver(const std::shared_ptr<Channel>& channel, std::optional<Frame> frame) {
    std::lock_guard lock(channel->mutex);
    if (channel->io == nullptr) return false;
    boost::asio::post(*channel->io, [channel, frame = std::move(frame)]() mutable {
      if (!channel->stopped()) channel->on_frame(std::move(frame));
    });
    return true;
  }
};

namespace {

bool is_standard_input(const std::string& path) { return path.empty() || path == "-"; }

// Reads the source in chunks and feeds the framer until end of input.
template <class ReadChunk>
void pump(const std::shared_ptr<InputReader::Channel>& channel, Framer& framer, ReadChunk read_chunk) {
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    const std::ptrdiff_t n = read_chunk(buffer.data(), buffer.size());
    if (n <= 0) break;
    for (Frame& frame : framer.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n))))
      if (!InputReader::Channel::deliver(channel, std::move(frame))) return;
  }
  if (auto rest = framer.finish()) InputReader::Channel::deliver(channel, std::move(rest));
  InputReader::Channel::deliver(channel, std::nullopt);
}

}  // namespace

InputReader::InputReader(boost::asio::io_context& io, Framer framer, std::string path, Handler on_frame)
    : channel_(std::make_shared<Channel>()) {
  channel_->io = &io;
  channel_->on_frame = std::move(on_frame);
  // Detached: a blocking read of a terminal cannot be interrupted portably; the
  // thread keeps the channel alive and finds it stopped.
  std::thread([channel = channel_, framer = std::move(framer), path = std::move(path)]() mutable {
    if (is_standard_input(path))
      return pump(channel, framer, read_standard_input);
    std::ifstream file(path, std::ios::binary);
    pump(channel, framer, [&file](char* data, std::size_t size) -> std::ptrdiff_t {
      file.read(data, static_cast<std::streamsize>(size));
      return file.gcount();
    });
  }).detach();
}

InputReader::~InputReader() { stop(); }

void InputReader::stop() {
  std::lock_guard lock(channel_->mutex);
  channel_->io = nullptr;
}

std::string InputReader::check_readable(const std::string& path) {
  if (is_standard_input(path)) return {};
  std::ifstream file(path, std::ios::binary);
  if (!file) return "cannot read " + path + ": " + std::strerror(errno);
  return {};
}

}  // namespace duplex::cli
