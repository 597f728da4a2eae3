#pragma once
// One read buffer per io_context, shared by its plain-TCP sessions.

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <span>

namespace duplex::native {

/// The buffer a plain-TCP session reads into when its socket is readable. The
/// bytes are handed to the engine (which keeps what it needs) before the
/// handler returns, and one io_context runs one handler at a time, so every
/// session on the io_context can share one buffer: an idle connection holds no
/// read buffer at all, and a busy one still reads big chunks.
class ReadScratch final : public boost::asio::execution_context::service {
 public:
  using key_type = ReadScratch;
  static inline boost::asio::execution_context::id id;

  /// 256 KiB: a bulk transfer needs few reads per MiB; allocated on first use.
  static constexpr std::size_t size = 256 * 1024;

  explicit ReadScratch(boost::asio::execution_context& context) : service(context) {}

  /// The buffer of `io`'s sessions.
  static ReadScratch& of(boost::asio::io_context& io) { return boost::asio::use_service<ReadScratch>(io); }

  std::span<std::byte> bytes() {
    if (!bytes_) bytes_ = std::make_unique_for_overwrite<std::byte[]>(size);
    return {bytes_.get(), size};
  }

 private:
  void shutdown() override {}
  std::unique_ptr<std::byte[]> bytes_;
};

}  // namespace duplex::native
