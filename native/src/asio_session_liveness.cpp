// AsioSession, liveness: the opt-in heartbeat (Options::ping_interval,
// pong_timeout) and idle timeout (Options::idle_timeout).

#include "asio_session.hpp"

namespace duplex::native {
using boost::system::error_code;
using clock = std::chrono::steady_clock;

void AsioSession::start_liveness_timers() {
  const auto now = clock::now();
  last_received_ = last_message_ = now;
  if (request_.options.ping_interval.count() > 0 || request_.options.idle_timeout.count() > 0)
    liveness_ = std::make_unique<LivenessTimers>(io_);
  if (request_.options.ping_interval.count() > 0) schedule_ping();
  if (request_.options.idle_timeout.count() > 0) schedule_idle_check(request_.options.idle_timeout);
}

void AsioSession::schedule_ping() {
  liveness_->ping.expires_after(request_.options.ping_interval);
  liveness_->ping.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->on_ping_due();
  });
}

// RFC 6455 §5.5.2: "A Ping frame MAY be sent ... as a means to verify that
// the remote endpoint is still responsive." Our Ping goes ahead of queued
// data fragments (connection.hpp), so a big send does not delay it.
void AsioSession::on_ping_due() {
  if (phase_ != Phase::open || connection_->state() != rfc6455::Connection::State::open) return;
  const auto sent = clock::now();
  // Remembered like ping()'s, so its Pong reports a round-trip time too. With
  // rfc6455::max_queued_pings of ours still unwritten it is skipped: the
  // pong deadline below runs all the same.
  queue_ping({});
  flush();
  const auto timeout =
      request_.options.pong_timeout.count() > 0 ? request_.options.pong_timeout : request_.options.ping_interval;
  // The deadline runs from the oldest unanswered Ping: a later Ping must not
  // push it back (with pong_timeout > ping_interval it would never expire).
  if (!pong_timer_armed_) {
    pong_timer_armed_ = true;
    liveness_->pong.expires_after(timeout);
    liveness_->pong.async_wait([self = shared_from_this(), sent](const error_code& ec) {
      self->pong_timer_armed_ = false;
      if (!ec) self->on_pong_deadline(sent);
    });
  }
  schedule_ping();
}

// Any bytes from the peer since the Ping prove it alive, a Pong or not: a
// peer busy sending a large message may answer late.
void AsioSession::on_pong_deadline(clock::time_point ping_sent) {
  if (phase_ != Phase::open || last_received_ >= ping_sent) return;
  const auto timeout =
      request_.options.pong_timeout.count() > 0 ? request_.options.pong_timeout : request_.options.ping_interval;
  fail(errc::pong_timeout, "no pong within " + std::to_string(timeout.count()) + " ms");
}

void AsioSession::schedule_idle_check(clock::duration after) {
  liveness_->idle.expires_after(after);
  liveness_->idle.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->on_idle_check();
  });
}

// An idle connection is healthy, only unused: it is closed cleanly (1000),
// not failed. RFC 6455 §7.4.1: "1000 indicates a normal closure, meaning that
// the purpose for which the connection was established has been fulfilled."
void AsioSession::on_idle_check() {
  if (phase_ != Phase::open || connection_->state() != rfc6455::Connection::State::open) return;
  const auto idle_for = clock::now() - last_message_;
  if (idle_for < request_.options.idle_timeout) return schedule_idle_check(request_.options.idle_timeout - idle_for);
  report([](TransportEvents& t) { t.on_transport_closing(); });
  close(1000, "idle timeout");
}

}  // namespace duplex::native
