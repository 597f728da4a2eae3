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
  /// handler) removes the handler listener of `type`. A handler typed for the
  /// event the target dispatches under `type` (MessageEvent for "message", ...)
  /// is kept as it is: wrapping it in a Listener would cost an allocation.
  template <class E>
  void set_handler(std::string_view type, std::function<void(const E&)> handler) {
    place_handler(type, handler ? std::make_shared<CallbackEntry<E>>(std::move(handler)) : nullptr);
  }
  /// HTML § event handler IDL attributes, the getter: the callback of the
  /// handler of `type` set with set_handler<E>; empty (null) when none is set.
  template <class E>
  std::function<void(const E&)> handler(std::string_view type) const {
    // dynamic_cast: a handler set with another E reads as none, never as a wrong cast.
    const auto* entry = dynamic_cast<const CallbackEntry<E>*>(find_handler(type));
    return entry != nullptr ? entry->callback : nullptr;
  }
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
    virtual ~Entry() = default;
    virtual void call(const Event& event) = 0;

    std::string type;
    ListenerId id = 0;
    bool once = false;
    bool removed = false;
    bool handler = false;  // an event handler attribute's listener (onopen, ...)
    // A handler whose callback was set again: the entry that took its place.
    // A dispatch under way may hold this one (and be running its callback).
    std::shared_ptr<Entry> replaced_by;
  };
  // The callback lives in the entry: one allocation per listener.
  template <class E>
  struct CallbackEntry final : Entry {
    explicit CallbackEntry(std::function<void(const E&)> f) : callback(std::move(f)) {}
    // Only E's events are dispatched under the entry's type: the cast is exact.
    void call(const Event& event) override { callback(static_cast<const E&>(event)); }
    std::function<void(const E&)> callback;
  };

  std::shared_ptr<Entry> append(std::string_view type, std::shared_ptr<Entry> entry, bool once);
  void place_handler(std::string_view type, std::shared_ptr<Entry> handler);
  const Entry* find_handler(std::string_view type) const noexcept;
  void erase(const std::shared_ptr<Entry>& entry);

  std::vector<std::shared_ptr<Entry>> entries_;  // at most one handler per type
  ListenerId next_id_ = 1;
};

}  // namespace duplex::detail
