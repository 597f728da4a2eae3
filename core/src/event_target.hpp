#pragma once
// Listener bookkeeping for duplex::WebSocket: the parts of DOM § EventTarget
// and HTML § event handlers a WebSocket needs.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "duplex/event.hpp"
#include "duplex/websocket.hpp"  // ListenerId

namespace duplex::detail {

/// An ordered list of listeners per event type, with event handler attributes
/// (onopen, ...) kept at the position where they were first set.
class EventTarget {
 public:
  using Listener = std::function<void(const Event&)>;

  /// DOM § addEventListener: appends; returns 0 (and adds nothing) for an
  /// empty listener, "If listener's callback is null, then return."
  ListenerId add(std::string_view type, Listener listener, bool once);
  /// DOM § removeEventListener; returns false if `id` is not registered for `type`.
  bool remove(std::string_view type, ListenerId id);
  /// HTML § event handler attributes: sets, replaces in place, or (empty
  /// handler) removes the handler listener of `type`.
  void set_handler(std::string_view type, Listener handler);
  /// True if a listener of `type` is registered (dispatching to none does nothing).
  bool has_listener(std::string_view type) const noexcept;
  /// Removes every listener; a dispatch under way runs no further listener.
  void clear();
  /// DOM § dispatch: runs the listeners of `event.type()` registered when the
  /// dispatch starts, in order, skipping any removed meanwhile. Exceptions
  /// from a listener propagate to the caller; the remaining listeners do not run.
  void dispatch(const Event& event);

 private:
  struct Entry {
    std::string type;
    ListenerId id = 0;
    Listener callback;
    bool once = false;
    bool removed = false;
    bool handler = false;  // an event handler attribute's listener (onopen, ...)
    // A handler whose callback was set again: the entry that took its place.
    // A dispatch under way may hold this one (and be running its callback).
    std::shared_ptr<Entry> replaced_by;
  };
  std::shared_ptr<Entry> append(std::string_view type, Listener listener, bool once);
  void erase(const std::shared_ptr<Entry>& entry);

  std::vector<std::shared_ptr<Entry>> entries_;  // at most one handler per type
  ListenerId next_id_ = 1;
};

}  // namespace duplex::detail
