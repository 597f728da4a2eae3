// AsioSession, Pings and their round-trip time: our Pings (ping() and the
// heartbeat's) are remembered with the time they were queued, and a Pong
// answering one reports how long it took.

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "asio_session.hpp"

namespace duplex::native {
using clock = std::chrono::steady_clock;

bool AsioSession::ping(std::string payload) {
  // Ended already: the failure or close on its way to the owner says why.
  if (phase_ != Phase::open) return true;
  if (!queue_ping(std::move(payload))) return false;
  flush();
  return true;
}

bool AsioSession::queue_ping(std::string payload) {
  // Closing or failed: the engine queues no Ping then (connection.hpp), so
  // there is nothing to wait for.
  if (connection_->state() != rfc6455::Connection::State::open) return true;
  const auto sent = clock::now();
  try {
    connection_->ping(payload);
  } catch (const std::length_error&) {
    return false;  // max_queued_pings of ours wait in output(): nothing was queued
  }
  if (pings_sent_.size() == max_pings_remembered) pings_sent_.erase(pings_sent_.begin());
  pings_sent_.push_back(SentPing{std::move(payload), sent});
  return true;
}

// RFC 6455 §5.5.3: "A Pong frame sent in response to a Ping frame must have
// identical "Application data" as found in the message body of the Ping frame
// being replied to." The oldest Ping with that payload is the one answered;
// the older ones are answered too, since "If an endpoint receives a Ping frame
// and has not yet sent Pong frame(s) in response to previous Ping frame(s),
// the endpoint MAY elect to send a Pong frame for only the most recently
// processed Ping frame." And "A Pong frame MAY be sent unsolicited. This
// serves as a unidirectional heartbeat. A response to an unsolicited Pong
// frame is not expected.": one that answers none of ours has no round-trip
// time, and one per read says as much as many. So at most one is reported per
// drain of the engine's events: a server flooding empty Pongs (a read holds
// 100,000 of them) must not queue an event for each in core/.
void AsioSession::on_pong(std::string payload) {
  std::optional<std::chrono::nanoseconds> round_trip_time;
  const auto answered = std::find_if(pings_sent_.begin(), pings_sent_.end(),
                                     [&](const SentPing& ping) { return ping.payload == payload; });
  if (answered != pings_sent_.end()) {
    round_trip_time = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - answered->sent);
    pings_sent_.erase(pings_sent_.begin(), answered + 1);
  } else if (std::exchange(unsolicited_pong_reported_, true)) {
    return;
  }
  report([&](TransportEvents& t) { t.on_transport_pong(std::move(payload), round_trip_time); });
}

}  // namespace duplex::native
