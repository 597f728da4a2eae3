#include "happy_eyeballs.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

std::vector<asio::ip::tcp::endpoint> interleave_families(std::vector<asio::ip::tcp::endpoint> addresses) {
  if (addresses.size() < 2) return addresses;
  const bool first_v6 = addresses.front().address().is_v6();
  std::vector<asio::ip::tcp::endpoint> preferred, other, out;
  for (const auto& a : addresses) (a.address().is_v6() == first_v6 ? preferred : other).push_back(a);
  for (std::size_t i = 0; i < std::max(preferred.size(), other.size()); ++i) {
    if (i < preferred.size()) out.push_back(preferred[i]);
    if (i < other.size()) out.push_back(other[i]);
  }
  return out;
}

std::string attempt_timeout_error(std::chrono::milliseconds timeout) {
  return "timed out after " + std::to_string(timeout.count()) + " ms";
}

errc connect_error_kind(const error_code& ec, bool timed_out) noexcept {
  if (timed_out) return errc::connect_timeout;
  if (ec == asio::error::connection_refused) return errc::connection_refused;
  return errc::connection_failed;
}

HappyEyeballs::HappyEyeballs(asio::io_context& io, std::vector<tcp::endpoint> addresses,
                             std::chrono::milliseconds delay, std::chrono::milliseconds attempt_timeout,
                             Handler handler)
    : io_(io),
      addresses_(interleave_families(std::move(addresses))),
      delay_(delay),
      attempt_timeout_(attempt_timeout),
      handler_(std::move(handler)),
      stagger_(io) {}

void HappyEyeballs::start() {
  if (addresses_.empty()) return finish(std::nullopt, errc::name_resolution, "no address to connect to");
  start_next();
}

void HappyEyeballs::start_next() {
  if (finished_ || attempts_.size() >= addresses_.size()) return;
  const std::size_t index = attempts_.size();
  auto& attempt = *attempts_.emplace_back(std::make_unique<Attempt>(io_));
  attempt.socket.async_connect(
      addresses_[index], [self = shared_from_this(), index](const error_code& ec) { self->on_attempt(index, ec); });
  attempt.timer.start(attempt_timeout_, [self = shared_from_this(), index] {
    if (self->finished_) return;
    auto& a = *self->attempts_[index];
    if (a.done) return;
    a.timed_out = true;
    error_code ignored;
    a.socket.close(ignored);  // completes the connect with operation_aborted
  });
  if (attempts_.size() == addresses_.size()) return;  // no next one: no timer to arm
  // §5: "Starting a new connection attempt does not affect previous attempts";
  // the next one starts after the delay, or at once when this one fails.
  stagger_.expires_after(delay_);
  stagger_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->start_next();
  });
}

void HappyEyeballs::on_attempt(std::size_t index, const error_code& ec) {
  auto& attempt = *attempts_[index];
  attempt.done = true;
  attempt.timer.cancel();
  if (finished_) return;
  if (!ec) return finish(std::move(attempt.socket), {}, {});
  last_kind_ = connect_error_kind(ec, attempt.timed_out);
  last_error_ = attempt.timed_out ? attempt_timeout_error(attempt_timeout_) : ec.message();
  if (addresses_.size() > 1) last_error_ += " (" + addresses_[index].address().to_string() + ")";
  ++failed_;
  if (failed_ == addresses_.size()) return finish(std::nullopt, last_kind_, last_error_);
  if (attempts_.size() < addresses_.size()) {
    stagger_.cancel();
    start_next();
  }
}

void HappyEyeballs::finish(std::optional<tcp::socket> socket, errc kind, std::string error) {
  if (finished_) return;
  finished_ = true;
  stagger_.cancel();
  for (auto& a : attempts_) {
    a->timer.cancel();
    if (!a->done) {
      error_code ignored;
      a->socket.close(ignored);
    }
  }
  auto handler = std::move(handler_);
  handler_ = nullptr;
  if (handler) handler(std::move(socket), kind, std::move(error));
}

void HappyEyeballs::cancel() {
  handler_ = nullptr;
  finish(std::nullopt, {}, {});
}

}  // namespace duplex::native
