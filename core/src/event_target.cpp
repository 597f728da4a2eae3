#include "event_target.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "duplex/detail/socket_spellings.hpp"
#include "duplex/error.hpp"

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#endif

namespace duplex::detail {
namespace {

#if __has_include(<cxxabi.h>)
// GCC, Clang and em++ mangle type_info::name(): "N6duplex12MessageEventE".
std::string demangled(const char* name) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> text(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && text ? std::string(text.get()) : std::string(name);
}
#else
// MSVC's type_info::name() is for people already: "class duplex::MessageEvent".
std::string demangled(const char* name) { return name; }
#endif

// A class name for people: "MessageEvent", "app::Tick".
std::string class_name(const std::type_info& type) {
  std::string name = demangled(type.name());
  for (std::string_view prefix : {"class ", "struct ", "duplex::"}) {
    if (name.starts_with(prefix)) name.erase(0, prefix.size());
  }
  return name;
}

}  // namespace

void throw_listener_type_error(std::string_view type, const std::type_info& dispatched, const std::type_info& wanted) {
  // WebIDL § exceptions: a "TypeError" for an argument of the wrong type. The
  // listener could not receive the events it would be called with.
  throw Error("TypeError", std::string(type) + " events are " + class_name(dispatched) + ", not " + class_name(wanted));
}

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

// The handler listener of `type` in `entries` (at most one), or its end.
template <class Entries>
auto find_handler_in(Entries& entries, std::string_view type) {
  return std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e->handler && e->type == type; });
}

const EventTarget::Entry* EventTarget::find_handler(std::string_view type) const noexcept {
  auto it = find_handler_in(entries_, type);
  return it != entries_.end() ? it->get() : nullptr;
}

void EventTarget::place_handler(std::string_view type, std::shared_ptr<Entry> handler) {
  auto it = find_handler_in(entries_, type);
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
