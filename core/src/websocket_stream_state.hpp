#pragma once
// The shared state behind a duplex::WebSocketStream: the WebSocket it drives,
// what its events said, the received messages not yet read, and the pending
// operations (awaitables and when_* callbacks) waiting for them. Shared so that
// a pending await survives the stream being moved, and an event dispatch
// survives a resumed coroutine destroying the stream.

#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "duplex/websocket.hpp"
#include "duplex/websocket_stream.hpp"

namespace duplex::detail {

class DUPLEX_LOCAL StreamState final : public std::enable_shared_from_this<StreamState> {
 public:
  StreamState(Backend& backend, std::uint64_t write_buffer_limit) : backend_(backend), limit_(write_buffer_limit) {}
  StreamState(const StreamState&) = delete;
  StreamState& operator=(const StreamState&) = delete;

  /// Opens the WebSocket (its constructor's checks throw from here) and
  /// listens to it; call once, right after make_shared.
  void connect(std::string_view url, WebSocketStreamOptions options);
  /// The stream is gone: close the socket, destroy pending callbacks, and have
  /// the spawned chains suspended on it destroyed from the loop.
  void detach() noexcept;

  Backend& backend() const noexcept { return backend_; }
  /// The socket's wrong-thread check (loop_thread.hpp): throws
  /// WrongThreadError naming `member` off the loop's thread.
  void check_thread(const char* member) const;
  WebSocket& socket() { return *socket_; }
  bool has_socket() const noexcept { return socket_.has_value(); }

  /// If `op`'s result is there (for a write: after sending it), fills it in
  /// and returns true; never wakes it.
  bool try_complete(StreamOperation& op);
  /// Registers `op` to be woken when its result comes.
  void add(StreamOperation& op);
  /// Unregisters `op` (it is being destroyed).
  void remove(StreamOperation& op) noexcept;
  /// Takes ownership of a callback operation (giving it this state if it has
  /// none) and completes it from the loop, at once if its result is already there.
  void start_owned(std::unique_ptr<StreamOperation> op);
  /// A callback operation completed: its owner gives it up.
  std::unique_ptr<StreamOperation> release_owned(StreamOperation& op) noexcept;

  /// WebSocketStream::close and abort.
  void close(const WebSocketCloseInfo& info);
  void abort();

 private:
  void on_open();
  void on_message(Message&& message);
  void on_error(const ErrorEvent& event);
  void on_close(const CloseEvent& event);
  void on_low();
  /// Sends a write that waited for open (or fails it); true when sent.
  bool send(StreamOperation& op);
  /// Wakes, one at a time and re-reading the list after each (a woken
  /// coroutine may add, destroy or complete others), every registered
  /// operation whose result is there.
  void wake_ready(std::vector<StreamOperation*>& list);
  /// Takes `op`, whose result is there, off `list` and wakes it.
  void complete(std::vector<StreamOperation*>& list, StreamOperation& op);
  std::exception_ptr closed_error(const std::string& why) const;

  Backend& backend_;
  std::uint64_t limit_;
  std::optional<WebSocket> socket_;
  bool detached_ = false;
  bool opened_ = false;
  bool ended_ = false;         // the close event came
  bool close_called_ = false;  // close() was called
  WebSocketOpenInfo open_info_;
  WebSocketCloseInfo close_info_;
  std::exception_ptr failure_;  // WebSocketError, or AbortError after abort()
  std::error_code error_;       // the error event's
  std::string error_message_;
  bool had_error_ = false;
  std::deque<Message> inbox_;
  std::vector<StreamOperation*> waiting_[4];  // by StreamOperation::Kind
  std::vector<std::unique_ptr<StreamOperation>> owned_;  // when_* callbacks
  std::vector<StreamOperation*> abandoned_;  // suspended Task awaits of a detached stream
};

}  // namespace duplex::detail
