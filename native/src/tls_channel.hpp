#pragma once
// A TLS client connection whose SSL object reads and writes a connected,
// non-blocking TCP socket itself (an OpenSSL socket BIO): no buffers besides
// OpenSSL's own, which SSL_MODE_RELEASE_BUFFERS frees whenever they are empty,
// so an idle connection holds only the SSL object and its session. The caller
// waits for readiness when an operation says what it wants.

#include <openssl/ssl.h>

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <span>

namespace duplex::native {

class TlsChannel {
 public:
  /// What an operation waits for before it is tried again.
  enum class Want { nothing, read, write };

  /// What one operation did: `size` bytes read or written; else `want`, or
  /// `error` (asio::error::eof for the peer's close_notify, ssl::error::stream_truncated
  /// for a TCP end without one, OpenSSL's error in asio's ssl category, or errno's).
  struct Result {
    std::size_t size = 0;
    Want want = Want::nothing;
    boost::system::error_code error;
  };

  /// A client SSL object of `context` (partial writes, moving write buffers,
  /// read-ahead, buffers released when empty). Throws std::bad_alloc if
  /// OpenSSL cannot make one.
  explicit TlsChannel(SSL_CTX* context);
  ~TlsChannel();
  TlsChannel(const TlsChannel&) = delete;
  TlsChannel& operator=(const TlsChannel&) = delete;

  SSL* native_handle() const noexcept { return ssl_; }

  /// Reads and writes `fd` from now on (connected and non-blocking; not closed here).
  void attach(int fd);

  /// One step of the client handshake: done (no want, no error), a want, or the error.
  Result handshake();
  /// Decrypted bytes into `into` (one record's at most), a want, or the error.
  Result read(std::span<std::byte> into);
  /// Encrypts and sends up to one record of `bytes`, a want, or the error.
  /// After a want, the next call must pass the same bytes (they may have moved).
  Result write(std::span<const std::byte> bytes);
  /// Sends our close_notify (RFC 8446 §6.1) if the connection is still sound;
  /// does not wait for the peer's, nor for a full socket buffer.
  void shutdown() noexcept;

  /// True when the socket's last read took less than it asked for (the
  /// kernel had nothing more) and OpenSSL holds no byte it has not
  /// decrypted: new bytes will be announced, so the caller can wait for
  /// readability without the read that would only say "want read".
  bool drained() const noexcept;
  /// Frees OpenSSL's record buffers if they hold nothing: call before an idle
  /// wait. A TLS 1.3 NewSessionTicket read after the handshake leaves a write
  /// buffer (about 17 KiB) that no write would release.
  void release_buffers() noexcept;

  /// What the socket BIO knows of its descriptor (the BIO's data).
  struct Socket {
    int fd = -1;
    bool short_read = false;  // the last recv returned less than it asked for
  };

 private:
  Result outcome(int ret, std::size_t size);

  SSL* ssl_;
  Socket socket_;
  bool broken_ = false;  // a fatal error happened: no SSL_shutdown (OpenSSL forbids it)
};

}  // namespace duplex::native
