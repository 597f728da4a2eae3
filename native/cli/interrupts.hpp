#pragma once
// SIGINT and SIGTERM (Ctrl-C; on Windows also Ctrl-Break, SIGBREAK) as
// events of the loop: the first starts a clean close, the next drops the
// connection. boost::asio::signal_set works the same on POSIX and Windows.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>

namespace duplex::cli {

/// Watches for interrupts from construction until stop().
class InterruptWatcher {
 public:
  /// `on_interrupt` gets the number of interrupts so far (1, 2, ...) on the loop.
  using Handler = std::function<void(int count)>;
  InterruptWatcher(boost::asio::io_context& io, Handler on_interrupt);

  /// Stops watching (the loop can then run out of work); the signals' default
  /// action is back once the watcher is destroyed.
  void stop();

 private:
  void wait();

  boost::asio::signal_set signals_;
  Handler on_interrupt_;
  int count_ = 0;
  bool stopped_ = false;
};

}  // namespace duplex::cli
