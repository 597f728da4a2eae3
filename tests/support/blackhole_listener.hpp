#pragma once
// A TCP listener on 127.0.0.1 whose accept queue is full: Linux drops further
// SYNs, so a connection attempt to it neither completes nor fails until the
// client gives up (a connect timeout). Native tests only (Asio). Windows
// answers a full queue with a reset instead; under Wine the Linux kernel's
// behaviour holds.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>

namespace duplex::test {

class BlackholeListener {
 public:
  BlackholeListener() {
    using boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.bind({boost::asio::ip::address_v4::loopback(), 0});
    acceptor_.listen(0);
    // Fill the backlog (never accepted): each connect starts at once, and
    // io_ never runs, so nothing waits for it to complete.
    for (auto& client : fillers_) client.async_connect(acceptor_.local_endpoint(), [](boost::system::error_code) {});
  }
  boost::asio::ip::tcp::endpoint endpoint() const {
    return {boost::asio::ip::make_address("127.0.0.1"), acceptor_.local_endpoint().port()};
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  tcp::socket fillers_[3]{tcp::socket(io_), tcp::socket(io_), tcp::socket(io_)};
};

}  // namespace duplex::test
