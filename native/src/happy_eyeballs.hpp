#pragma once
// Connecting to a host with several addresses as browsers do: RFC 8305
// "Happy Eyeballs Version 2". Attempts are staggered, address families
// interleaved, the first connection to complete wins and the others are
// cancelled.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deadline_timer.hpp"
#include "duplex/errc.hpp"

namespace duplex::native {

/// RFC 8305 §5: "Connection Attempt Delay ... A recommended value for a
/// default delay is 250 milliseconds."
inline constexpr std::chrono::milliseconds connection_attempt_delay{250};

/// Orders `addresses` for connection attempts (RFC 8305 §4): the resolver's
/// order is kept within each family, and families alternate, starting with
/// the family of the first address ("the first address ... should be of the
/// preferred address family, ... the next address ... should be of the other
/// address family"). Pure: no I/O.
std::vector<boost::asio::ip::tcp::endpoint> interleave_families(std::vector<boost::asio::ip::tcp::endpoint> addresses);

/// What a connection attempt that ran out of time reports: "timed out after N ms".
std::string attempt_timeout_error(std::chrono::milliseconds timeout);

/// The kind of a failed connection attempt: connect_timeout when its timer
/// ended it (`timed_out`), connection_refused when the port answered with a
/// reset (ECONNREFUSED), connection_failed for anything else (unreachable, ...).
errc connect_error_kind(const boost::system::error_code& ec, bool timed_out) noexcept;

/// Races TCP connections to a list of addresses. Create with make_shared, call
/// start() once; the handler runs once, with the connected socket or with the
/// last attempt's error and its kind.
class HappyEyeballs : public std::enable_shared_from_this<HappyEyeballs> {
 public:
  using tcp = boost::asio::ip::tcp;
  /// `socket` is set on success; else `kind` (connect_error_kind of the last
  /// attempt) and `error` say why every attempt failed.
  using Handler = std::function<void(std::optional<tcp::socket> socket, errc kind, std::string error)>;

  HappyEyeballs(boost::asio::io_context& io, std::vector<tcp::endpoint> addresses, std::chrono::milliseconds delay,
                std::chrono::milliseconds attempt_timeout, Handler handler);

  void start();
  /// Stops every attempt; the handler is not called any more.
  void cancel();

 private:
  struct Attempt {
    Attempt(boost::asio::io_context& io) : socket(io), timer(io) {}
    tcp::socket socket;
    DeadlineTimer timer;
    bool timed_out = false;
    bool done = false;
  };

  void start_next();
  void on_attempt(std::size_t index, const boost::system::error_code& ec);
  void finish(std::optional<tcp::socket> socket, errc kind, std::string error);

  boost::asio::io_context& io_;
  std::vector<tcp::endpoint> addresses_;
  std::chrono::milliseconds delay_;
  std::chrono::milliseconds attempt_timeout_;
  Handler handler_;
  std::vector<std::unique_ptr<Attempt>> attempts_;
  boost::asio::steady_timer stagger_;
  std::size_t failed_ = 0;
  std::string last_error_;
  errc last_kind_ = errc::connection_failed;
  bool finished_ = false;
};

}  // namespace duplex::native
