#include "event_target.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <utility>

namespace duplex::detail {

// A socket has a listener or two per type: room for its four handlers at once.
constexpr std::size_t usual_listeners = 4;

std::shared_ptr<EventTarget::Entry> EventTarget::append(std::string_view type, std::shared_ptr<Entry> entry,
                                                        bool once) {
  entry->type = std::string(type);
  entry->id = next_id_++;
  entry->once = once;
  if (entries_.empty()) entries_.reserve(usual_listeners);
  entries_.push_back(entry);
  return entry;
}

ListenerId EventTarget::add(std::string_view type, Listener listener, bool once) {
  if (!listener) return 0;
  return append(type, std::make_shared<CallbackEntry<Event>>(std::move(listener)), once)->id;
}

void EventTarget::erase(const std::shared_ptr<Entry>& entry) {
  // DOM § remove an event listener: "Set listener's removed to true and remove
  // listener from eventTarget's event listener list."
  entry->removed = true;
  std::erase(entries_, entry);
}

bool EventTarget::remove(std::string_view type, ListenerId id) {
  auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e->id == id && e->type == type; });
  if (it == entries_.end()) return false;
  erase(std::shared_ptr<Entry>(*it));
  return true;
}

void EventTarget::place_handler(std::string_view type, std::shared_ptr<Entry> handler) {
  auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e->handler && e->type == type; });
  if (!handler) {
    // HTML § deactivate an event handler: the listener is removed; setting the
    // attribute again later appends a new one at the end.
    if (it != entries_.end()) erase(std::shared_ptr<Entry>(*it));
    return;
  }
  handler->handler = true;
  if (it != entries_.end()) {
    // HTML § event handler IDL attributes: setting a non-null value when the
    // handler's listener already exists only changes the callback, so the
    // handler keeps its place in the list. The new entry takes the old one's
    // place: the old callback may be running (and be the one setting this).
    handler->type = (*it)->type;
    handler->id = (*it)->id;
    (*it)->replaced_by = handler;
    *it = std::move(handler);
    return;
  }
  // HTML § activate an event handler: "Add an event listener with the
  // EventTarget element and listener" — appended, like addEventListener.
  append(type, std::move(handler), false);
}

void EventTarget::clear() {
  for (auto& entry : entries_) entry->removed = true;
  entries_.clear();
}

bool EventTarget::has_listener(std::string_view type) const noexcept {
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) { return e->type == type; });
}

void EventTarget::dispatch(const Event& event) {
  // DOM § inner invoke: "Let listeners be a clone of event's currentTarget's
  // event listener list" (so listeners added now do not run for this event),
  // and for each one "If listener's removed is true, then continue." The
  // clone lives on the stack up to four listeners.
  constexpr std::size_t on_stack = usual_listeners;
  std::array<std::shared_ptr<Entry>, on_stack> few;
  std::vector<std::shared_ptr<Entry>> many;
  std::size_t count = 0;
  for (const auto& entry : entries_) {
    if (entry->type != event.type()) continue;
    if (count < on_stack) {
      few[count] = entry;
    } else {
      if (many.empty()) many.assign(few.begin(), few.end());
      many.push_back(entry);
    }
    ++count;
  }
  const std::span<const std::shared_ptr<Entry>> listeners =
      many.empty() ? std::span<const std::shared_ptr<Entry>>(few.data(), count) : std::span(many);
  for (std::shared_ptr<Entry> entry : listeners) {
    // A handler set again since the clone runs its new callback, in place.
    while (entry->replaced_by) entry = entry->replaced_by;
    if (entry->removed) continue;
    // "If listener's once is true, then remove an event listener."
    if (entry->once) erase(entry);
    // `entry` holds the callback: the listener may replace or remove itself while running.
    entry->call(event);
  }
}

}  // namespace duplex::detail
