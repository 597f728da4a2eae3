// BrowserTransport: one host WebSocket, seen through duplex_websocket.js. The
// js-library reports facts by calling the exported functions at the bottom,
// always from a host task; they find the transport by id.

#include <emscripten/emscripten.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "browser_backend.hpp"
#include "duplex/wasm/browser_backend.hpp"
#include "js_imports.hpp"

namespace duplex::wasm {
namespace {

class BrowserTransport;

/// Live transports by socket id: facts for an id not here are dropped. Per
/// thread, as the js-library's ids are (each thread has its own).
std::unordered_map<int, BrowserTransport*>& transports() {
  static thread_local std::unordered_map<int, BrowserTransport*> map;
  return map;
}

double milliseconds(std::chrono::milliseconds d) { return d.count() > 0 ? static_cast<double>(d.count()) : 0.0; }

class BrowserTransport final : public Transport {
 public:
  BrowserTransport(BrowserBackend& backend, const ConnectRequest& request, TransportEvents& events)
      : backend_(backend), events_(events), close_timeout_ms_(milliseconds(request.options.close_timeout)) {
    std::string protocols;
    for (const auto& p : request.protocols) protocols += (protocols.empty() ? "" : ",") + p;
    // The serialized URL (http(s) already mapped to ws(s)) is what the host
    // parses again; core has validated it, so the host does not throw.
    const std::string& url = request.url.serialized;
    id_ = duplex_ws_create(url.data(), url.size(), protocols.data(), protocols.size(),
                           milliseconds(request.options.open_timeout),
                           static_cast<double>(request.options.max_message_size));
    transports()[id_] = this;
    backend_.transport_started();
  }

  ~BrowserTransport() override {
    // Transport contract: no fact afterwards; an open connection is closed in
    // the background (1001 where the host allows it, see duplex_websocket.js).
    transports().erase(id_);
    if (!ended_) {
      duplex_ws_destroy(id_, open_ ? 1 : 0);
      end();
    }
  }

  void send(Message message) override {
    if (ended_) return;
    duplex_ws_send(id_, message.kind == Message::Kind::binary ? 1 : 0, message.payload.data(), message.payload.size());
  }

  void close(std::optional<std::uint16_t> code, std::string reason) override {
    if (ended_) return;
    duplex_ws_close(id_, code ? static_cast<int>(*code) : -1, reason.data(), reason.size(), close_timeout_ms_);
  }

  void abort() override {
    if (ended_) return;
    duplex_ws_destroy(id_, 0);
    end();
  }

  // Facts from the js-library.
  void opened(std::string protocol, std::string extensions) {
    open_ = true;
    events_.on_transport_open(std::move(protocol), std::move(extensions));
  }
  void message(bool binary, std::string payload) {
    events_.on_transport_message(Message{binary ? Message::Kind::binary : Message::Kind::text, std::move(payload)});
  }
  void flushed(std::size_t bytes) { events_.on_transport_flushed(bytes); }
  void closed(bool was_clean, std::uint16_t code, std::string reason) {
    end();
    events_.on_transport_closed(was_clean, code, std::move(reason));
  }
  void failed(std::string reason) {
    end();
    // The host's error event says nothing of why (WHATWG § "fire an event
    // named error" carries no detail): before open it refused, after it
    // something failed.
    const errc kind = open_ ? errc::unknown : errc::host_refused;
    events_.on_transport_failed(Failure(kind, std::move(reason)));
  }

 private:
  void end() {
    if (ended_) return;
    ended_ = true;
    backend_.transport_ended();
  }

  BrowserBackend& backend_;
  TransportEvents& events_;
  double close_timeout_ms_;
  int id_ = 0;
  bool open_ = false;
  bool ended_ = false;
};

BrowserTransport* find(int id) {
  auto it = transports().find(id);
  return it == transports().end() ? nullptr : it->second;
}

/// Takes over a string the js-library filled (0: empty).
std::string take(std::string* handle) {
  std::unique_ptr<std::string> owned(handle);
  return owned ? std::move(*owned) : std::string();
}

/// The payload of the message being reported: duplex_wasm_message_buffer
/// sizes it, the js-library writes it, duplex_wasm_on_message takes it.
std::string& inbox() {
  static thread_local std::string payload;
  return payload;
}

/// Reports one host event's facts (BrowserBackend::host_event).
template <class Report>
void host_event(Report&& report) {
  browser_backend().host_event(std::forward<Report>(report));
}

}  // namespace

std::unique_ptr<Transport> BrowserBackend::connect(ConnectRequest request, TransportEvents& events) {
  return std::make_unique<BrowserTransport>(*this, request, events);
}

std::size_t transport_count() noexcept { return transports().size(); }

}  // namespace duplex::wasm

// Called by duplex_websocket.js, always from a host task. Strings arrive as
// std::string objects the library allocated (duplex_wasm_string_new, or for a
// message duplex_wasm_message_buffer) and filled; ownership passes here, so a
// payload is copied once, from the host into its final string. A fact is one
// host event: the tasks it queues run before the call returns
// (BrowserBackend::host_event).
extern "C" {

EMSCRIPTEN_KEEPALIVE std::string* duplex_wasm_string_new(std::size_t length) { return new std::string(length, '\0'); }

EMSCRIPTEN_KEEPALIVE char* duplex_wasm_string_data(std::string* s) { return s->data(); }

/// Sizes the next message's payload to `length` bytes (keeping those written
/// so far) and returns where the library writes them; 0 releases it.
EMSCRIPTEN_KEEPALIVE char* duplex_wasm_message_buffer(double length) {
  auto& payload = duplex::wasm::inbox();
  if (length <= 0) payload = std::string();
  else payload.resize(static_cast<std::size_t>(length));
  return payload.data();
}

EMSCRIPTEN_KEEPALIVE void duplex_wasm_on_open(int id, std::string* protocol, std::string* extensions) {
  auto p = duplex::wasm::take(protocol);
  auto e = duplex::wasm::take(extensions);
  duplex::wasm::host_event([&] {
    if (auto* t = duplex::wasm::find(id)) t->opened(std::move(p), std::move(e));
  });
}

/// A message of `length` bytes, written into duplex_wasm_message_buffer;
/// `flushed`: bytes the host sent since the last report, reported first (the
/// echo proves they left), in the same call rather than one more.
EMSCRIPTEN_KEEPALIVE void duplex_wasm_on_message(int id, int binary, double length, double flushed) {
  auto bytes = std::exchange(duplex::wasm::inbox(), std::string());
  bytes.resize(static_cast<std::size_t>(length));
  duplex::wasm::host_event([&] {
    auto* t = duplex::wasm::find(id);
    if (t == nullptr) return;
    if (flushed > 0) t->flushed(static_cast<std::size_t>(flushed));
    t->message(binary != 0, std::move(bytes));
  });
}

EMSCRIPTEN_KEEPALIVE void duplex_wasm_on_flushed(int id, double bytes) {
  duplex::wasm::host_event([&] {
    if (auto* t = duplex::wasm::find(id)) t->flushed(static_cast<std::size_t>(bytes));
  });
}

EMSCRIPTEN_KEEPALIVE void duplex_wasm_on_closed(int id, int was_clean, int code, std::string* reason) {
  auto r = duplex::wasm::take(reason);
  duplex::wasm::host_event([&] {
    if (auto* t = duplex::wasm::find(id)) t->closed(was_clean != 0, static_cast<std::uint16_t>(code), std::move(r));
  });
}

EMSCRIPTEN_KEEPALIVE void duplex_wasm_on_failed(int id, std::string* reason) {
  auto r = duplex::wasm::take(reason);
  duplex::wasm::host_event([&] {
    if (auto* t = duplex::wasm::find(id)) t->failed(std::move(r));
  });
}

}  // extern "C"
