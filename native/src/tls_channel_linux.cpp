// TlsChannel on Linux: the SSL object's BIO is a socket BIO of our own that
// calls recv and send with MSG_DONTWAIT (the loop does the waiting, as in
// asio_session_io_linux.cpp, and no ioctl per connection is needed) and
// MSG_NOSIGNAL (OpenSSL's own socket BIO uses write(2), which raises SIGPIPE
// on a connection the peer has reset: a library must not kill its process).

#include <openssl/bio.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <new>

#include "tls_channel.hpp"

namespace duplex::native {
namespace {

TlsChannel::Socket& socket_of(BIO* bio) { return *static_cast<TlsChannel::Socket*>(BIO_get_data(bio)); }

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

// Before 3.0.14 / 3.1.6 / 3.2.2 / 3.3.1, SSL_free_buffers could free a read
// buffer holding part of a record (CVE-2024-4741).
bool free_buffers_is_safe() {
  static const bool safe = [] {
    const unsigned long version = OpenSSL_version_num();  // 0xMNN00PP0
    const unsigned long major = version >> 28, minor = (version >> 20) & 0xff, patch = (version >> 4) & 0xff;
    if (major != 3) return major > 3;
    const unsigned long first_fixed[] = {14, 6, 2, 1};
    return minor >= 4 || patch >= first_fixed[minor];
  }();
  return safe;
}

int socket_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t sent = ::send(socket_of(bio).fd, data, static_cast<std::size_t>(size), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent < 0 && would_block(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(sent);
}

int socket_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  TlsChannel::Socket& socket = socket_of(bio);
  const ssize_t received = ::recv(socket.fd, data, static_cast<std::size_t>(size), MSG_DONTWAIT);
  socket.short_read = received < size;
  if (received < 0 && would_block(errno)) BIO_set_retry_read(bio);
  return static_cast<int>(received);  // 0: the peer ended the TCP stream
}

long socket_ctrl(BIO*, int command, long, void*) {
  return command == BIO_CTRL_FLUSH ? 1 : 0;  // every write went to the kernel already
}

// One method table for the process (OpenSSL's own BIO methods are static too).
const BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "duplex socket");
    if (m == nullptr) return m;
    BIO_meth_set_write(m, socket_write);
    BIO_meth_set_read(m, socket_read);
    BIO_meth_set_ctrl(m, socket_ctrl);
    return m;
  }();
  return method;
}

}  // namespace

TlsChannel::TlsChannel(SSL_CTX* context) : ssl_(SSL_new(context)) {
  if (ssl_ == nullptr) throw std::bad_alloc();
  // A write of several records returns after each one, so a want never leaves
  // half of a caller's bytes taken; a retried write may come from a new
  // address (the caller gathers small frames on its stack).
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // One recv fills OpenSSL's read buffer (about 17 KiB), not two per record.
  SSL_set_read_ahead(ssl_, 1);
}

TlsChannel::~TlsChannel() { SSL_free(ssl_); }

void TlsChannel::attach(int fd) {
  const BIO_METHOD* method = socket_method();
  BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
  if (bio == nullptr) throw std::bad_alloc();
  socket_.fd = fd;
  BIO_set_data(bio, &socket_);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);  // the SSL object owns it now
}

TlsChannel::Result TlsChannel::handshake() {
  ERR_clear_error();
  errno = 0;
  const int ret = SSL_connect(ssl_);
  return ret == 1 ? Result{} : outcome(ret, 0);
}

TlsChannel::Result TlsChannel::read(std::span<std::byte> into) {
  ERR_clear_error();
  errno = 0;
  std::size_t size = 0;
  const int ret = SSL_read_ex(ssl_, into.data(), into.size(), &size);
  return outcome(ret, size);
}

bool TlsChannel::drained() const noexcept { return socket_.short_read && SSL_has_pending(ssl_) == 0; }

void TlsChannel::release_buffers() noexcept {
  if (free_buffers_is_safe()) SSL_free_buffers(ssl_);  // frees nothing while either buffer holds data
}

TlsChannel::Result TlsChannel::write(std::span<const std::byte> bytes) {
  ERR_clear_error();
  errno = 0;
  std::size_t size = 0;
  const int ret = SSL_write_ex(ssl_, bytes.data(), bytes.size(), &size);
  return outcome(ret, size);
}

void TlsChannel::shutdown() noexcept {
  if (broken_ || SSL_is_init_finished(ssl_) != 1) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // queues and sends close_notify; a full socket buffer loses it
  ERR_clear_error();
}

TlsChannel::Result TlsChannel::outcome(int ret, std::size_t size) {
  namespace asio = boost::asio;
  const int system_error = errno;
  const int kind = SSL_get_error(ssl_, ret);
  if (kind == SSL_ERROR_NONE) return Result{size, Want::nothing, {}};
  if (kind == SSL_ERROR_WANT_READ) return Result{0, Want::read, {}};
  if (kind == SSL_ERROR_WANT_WRITE) return Result{0, Want::write, {}};
  // RFC 8446 §6.1: close_notify ends the peer's data cleanly.
  if (kind == SSL_ERROR_ZERO_RETURN) return Result{0, Want::nothing, asio::error::eof};
  broken_ = true;
  const unsigned long error = ERR_get_error();
  Result result;
  if (kind == SSL_ERROR_SSL && ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
    result.error = asio::ssl::error::stream_truncated;  // TCP ended without close_notify
  else if (error != 0)
    result.error = boost::system::error_code(static_cast<int>(error), asio::error::get_ssl_category());
  else if (kind == SSL_ERROR_SYSCALL && system_error != 0)
    result.error = boost::system::error_code(system_error, boost::system::system_category());
  else
    result.error = asio::ssl::error::stream_truncated;
  return result;
}

}  // namespace duplex::native
