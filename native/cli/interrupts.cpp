#include "interrupts.hpp"

#include <csignal>

namespace duplex::cli {

InterruptWatcher::InterruptWatcher(boost::asio::io_context& io, Handler on_interrupt)
    : signals_(io, SIGINT, SIGTERM), on_interrupt_(std::move(on_interrupt)) {
#ifdef SIGBREAK
  signals_.add(SIGBREAK);  // Windows: Ctrl-Break
#endif
  wait();
}

void InterruptWatcher::wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || stopped_) return;
    wait();  // first: the handler may stop() us
    on_interrupt_(++count_);
  });
}

void InterruptWatcher::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
}

}  // namespace duplex::cli
