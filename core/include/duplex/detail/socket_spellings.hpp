#pragma once
// The C++ spellings of send(), close() and add_event_listener() that
// WebSocket and ReconnectingWebSocket share: written once here, so code
// written for one compiles against the other. Not part of the API by itself.

#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "duplex/event.hpp"
#include "duplex/export.hpp"

namespace duplex::detail {

/// WebIDL [Clamp] unsigned short (WebIDL § ConvertToInt, "clamp"): a value
/// outside 0..65535 becomes the nearest bound, never another code modulo 2^16.
template <std::integral Code>
constexpr std::uint16_t clamp_to_unsigned_short(Code code) noexcept {
  constexpr auto max = std::numeric_limits<std::uint16_t>::max();
  if constexpr (std::is_signed_v<Code>) {
    if (code < 0) return 0;
  }
  if (static_cast<std::uintmax_t>(code) > max) return max;
  return static_cast<std::uint16_t>(code);
}

/// The parameter type of a callable with one call signature: a function
/// pointer, or a class (lambda, std::function) with one non-template
/// operator(). No `type` for anything else (generic lambdas, overload sets).
template <class Pointer>
struct parameter_of {};
template <class R, class A>
struct parameter_of<R (*)(A)> {
  using type = A;
};
template <class R, class A>
struct parameter_of<R (*)(A) noexcept> {
  using type = A;
};
template <class R, class C, class A>
struct parameter_of<R (C::*)(A)> {
  using type = A;
};
template <class R, class C, class A>
struct parameter_of<R (C::*)(A) const> {
  using type = A;
};
template <class R, class C, class A>
struct parameter_of<R (C::*)(A) noexcept> {
  using type = A;
};
template <class R, class C, class A>
struct parameter_of<R (C::*)(A) const noexcept> {
  using type = A;
};
template <class F>
struct sole_parameter : parameter_of<F> {};
template <class F>
requires requires { &F::operator(); }
struct sole_parameter<F> : parameter_of<decltype(&F::operator())> {};

/// A listener typed for one event class: its single parameter is `const E&`
/// for an E derived from Event other than Event itself. (A listener taking
/// `const Event&`, or a generic lambda, is an untyped Listener.)
template <class F>
concept TypedListener = requires {
  typename sole_parameter<F>::type;
}
&&std::derived_from<std::remove_cvref_t<typename sole_parameter<F>::type>, Event> &&
    !std::same_as<std::remove_cvref_t<typename sole_parameter<F>::type>, Event> &&
    std::same_as<typename sole_parameter<F>::type, const std::remove_cvref_t<typename sole_parameter<F>::type>&>;

/// The event class E of a TypedListener (its parameter is `const E&`).
template <class F>
using listener_event_t = std::remove_cvref_t<typename sole_parameter<F>::type>;

/// Throws Error("TypeError", "<type> events are <dispatched>, not <wanted>").
[[noreturn]] DUPLEX_API void throw_listener_type_error(std::string_view type, const std::type_info& dispatched,
                                                       const std::type_info& wanted);

/// Derived defines the primary overloads: send(std::string),
/// send(std::span<const std::byte>), send(ArrayBuffer), send(const Blob&) and
/// close(std::optional<std::uint16_t>, std::string_view),
/// add_event_listener(std::string_view, Listener, bool), and a private static
/// `const Event* dispatched_event(std::string_view type)`: an event of the
/// class it dispatches under `type`, nullptr for a type it never dispatches
/// (Derived befriends SocketSpellings<Derived> for it). This adds the rest.
/// Derived brings them in with `using SocketSpellings<Derived>::send;`,
/// `using SocketSpellings<Derived>::close;` and
/// `using SocketSpellings<Derived>::add_event_listener;`.
template <class Derived>
class SocketSpellings {
 public:
  /// Text from any string view (copied).
  void send(std::string_view text) { self().send(std::string(text)); }
  void send(const char* text) { self().send(std::string(text)); }
  /// Binary from bytes as unsigned char (copied).
  void send(std::span<const std::uint8_t> bytes) { self().send(std::as_bytes(bytes)); }

  /// close() without a code: the Close frame has no status (close event 1005).
  void close() { self().close(std::nullopt, {}); }
  /// close(code, reason) for any integer: the code is taken as the standard's
  /// `[Clamp] unsigned short code`, so close(66536) is close(65535), which
  /// throws InvalidAccessError, where a plain conversion would have sent 1000.
  template <std::integral Code>
  void close(Code code, std::string_view reason = {}) {
    self().close(std::optional<std::uint16_t>(clamp_to_unsigned_short(code)), reason);
  }
  /// Not a close code: spell the integer out.
  template <std::floating_point Code>
  void close(Code code, std::string_view reason = {}) = delete;

  /// DOM `addEventListener` with a listener typed for its event, e.g.
  /// `[](const MessageEvent& e) { ... }`: no cast needed. Throws
  /// Error("TypeError") and registers nothing unless the events dispatched
  /// under `type` are E (or derived from E): "message events are MessageEvent,
  /// not CloseEvent". A type the socket never dispatches accepts any E (DOM
  /// allows any type). Returns the ListenerId for remove_event_listener; an
  /// empty listener (null function pointer, empty std::function) registers
  /// nothing and returns 0.
  template <class F>
  requires TypedListener<std::decay_t<F>>
  auto add_event_listener(std::string_view type, F&& listener, bool once = false) {
    using E = listener_event_t<std::decay_t<F>>;
    // Checked here, once, so that the cast in the wrapper is exact: a
    // mismatch is an exception at registration, never a wrong static_cast.
    if (const Event* dispatched = Derived::dispatched_event(type);
        dispatched != nullptr && dynamic_cast<const E*>(dispatched) == nullptr)
      throw_listener_type_error(type, typeid(*dispatched), typeid(E));
    std::function<void(const E&)> typed(std::forward<F>(listener));
    typename Derived::Listener untyped;
    if (typed) untyped = [typed = std::move(typed)](const Event& event) { typed(static_cast<const E&>(event)); };
    return self().add_event_listener(type, std::move(untyped), once);
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace duplex::detail
